import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { agentRunMs, promptBlock } from '../../src/components/run-prompts.js';
import { entry, T0, task } from '../commands/fakes.js';
import { KEY, mount } from './harness.js';

afterEach(() => cleanup());

const twoRuns = () =>
  task({
    id: 1,
    name: 'api',
    status: 'completed',
    prompt: 'Fix the login\nand add a test',
    startedAt: T0,
    endedAt: T0 + 600_000,
    resultText: 'Done.',
    runs: [
      { runNo: 1, prompt: 'Fix the login\nand add a test', status: 'completed', startedAt: T0, endedAt: T0 + 20_000 },
      // A follow-up nine minutes later that ran for 10 s.
      {
        runNo: 2,
        prompt: 'Also update the README',
        status: 'completed',
        startedAt: T0 + 590_000,
        endedAt: T0 + 600_000,
      },
    ],
  });

describe('prompts and run time', () => {
  it('elapsed time counts only the time the agent ran', () => {
    expect(agentRunMs(twoRuns(), T0 + 10_000_000)).toBe(30_000);
    const running = task({ id: 2, name: 'r', runs: [{ runNo: 1, prompt: 'x', status: 'running', startedAt: T0 }] });
    expect(agentRunMs(running, T0 + 5_000)).toBe(5_000);
  });

  it('the log view shows each run’s prompt, lines kept, under a separator', async () => {
    const app = await mount({ tasks: [twoRuns()], columns: 80, rows: 24 });
    app.tasks.logs.set(1, [entry(1, 'text', 'first run output'), entry(2, 'text', 'second run output', { runNo: 2 })]);
    await app.press(KEY.enter);
    const f = app.frame();
    const at = (s: string) => f.indexOf(s);
    expect(f).toMatch(/── run 1 · prompt ─+/);
    expect(f).toContain('› Fix the login\nand add a test');
    expect(f).toMatch(/── run 2 · follow-up ─+/);
    expect(at('Fix the login')).toBeLessThan(at('first run output'));
    expect(at('first run output')).toBeLessThan(at('› Also update the README'));
    expect(at('› Also update the README')).toBeLessThan(at('second run output'));
  });

  it('the result card shows the prompts and the run time', async () => {
    const app = await mount({ tasks: [twoRuns()], columns: 100, rows: 30 });
    await app.press('r');
    const f = app.frame();
    expect(f).toContain('time 30s');
    expect(f).toContain('› Fix the login');
    expect(f).toContain('› Also update the README');
    expect(f).toContain('Done.');
  });
});

describe('a steered run', () => {
  it('is labelled as the message that interrupted the run before it', () => {
    const t = twoRuns();
    t.runs[0] = { ...t.runs[0]!, status: 'interrupted', steered: true };
    expect(promptBlock(t, 2, 60)[0]).toMatch(/^── run 2 · steered \(run 1 interrupted\) ─+$/);
    expect(promptBlock(twoRuns(), 2, 60)[0]).toMatch(/^── run 2 · follow-up ─+$/);
  });
});
