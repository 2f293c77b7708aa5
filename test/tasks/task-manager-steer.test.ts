// Steering a running task "now" with real processes: a fake-claude replaying the recorded stream
// of a run the genuine CLI ended on SIGINT (test/fixtures/claude-cli/slow-sigint) is interrupted
// mid-run; its session is resumed at once with the new message, and the interrupted run reads as
// steered, not as a failure (no `finished` event for it).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskManager } from '../../src/tasks/task-manager.js';
import type { TaskRecord } from '../../src/tasks/types.js';
import { factLines, finished, makeWorld, waitFor, type World } from './task-manager.fixture.js';

let w: World;
beforeEach(() => {
  // Recorded speed: the run waits for its signal after about 3 s; speed 5 makes that 0.6 s.
  w = makeWorld({ FAKE_CLAUDE_ECHO_ARGS: '1' });
});
afterEach(async () => {
  await w.cleanup();
});

async function running(m: TaskManager, prompt: string): Promise<TaskRecord> {
  const r = await m.spawn({ name: 'story', prompt, projectDir: w.dir('story') });
  if (!r.ok) throw new Error(r.message);
  return waitFor(
    () => {
      const t = m.get(r.value.id);
      return t?.status === 'running' && t.claudeSessionId ? t : undefined;
    },
    15_000,
    'the run to report its session',
  );
}

describe('steer now', () => {
  it('interrupts the run with SIGINT and resumes the same session with the message at once', async () => {
    const m = w.make();
    await m.start();
    const finishedEvents: TaskRecord[] = [];
    m.on('finished', (t) => finishedEvents.push(t));
    const t = await running(m, 'Tell me a long story. scenario:slow-sigint');

    const r = await m.steer!(t.id, 'Make it short. scenario:plain');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.activity).toBe('interrupting to steer…');

    const done = await finished(m, t.id);
    expect(done.status).toBe('completed');
    expect(done.runs.map((x) => [x.status, x.steered === true])).toEqual([
      ['interrupted', true],
      ['completed', false],
    ]);
    expect(done.runs[0]?.failure).toBeUndefined();
    expect(done.runs[1]?.prompt).toBe('Make it short. scenario:plain');
    // The first run ended the way the CLI ends on SIGINT (exit 0), not by a kill.
    expect(done.runs[0]?.exitCode).toBe(0);
    // The second run continued the first run's session.
    const args = factLines(m, t.id, 'fake_args').map((l) => l.args as string[]);
    expect(args).toHaveLength(2);
    expect(args[1]).toContain('--resume');
    expect(args[1]?.[args[1].indexOf('--resume') + 1]).toBe(t.claudeSessionId);
    expect(args[1]?.at(-1)).toBe('Make it short. scenario:plain');
    // Only the end of the task was announced, not the interrupted run.
    expect(finishedEvents.map((e) => e.status)).toEqual(['completed']);
  });

  it('a cancel while the interrupt is under way wins: the message is dropped', async () => {
    const m = w.make();
    await m.start();
    const t = await running(m, 'Tell me a long story. scenario:slow-sigint');
    const steer = await m.steer!(t.id, 'Make it short. scenario:plain');
    expect(steer.ok).toBe(true);
    const c = await m.cancel(t.id);
    expect(c.ok).toBe(true);
    const done = await finished(m, t.id);
    expect(done.status).toBe('cancelled');
    expect(done.runs).toHaveLength(1);
  });

  it('is refused for a task that is not running, and for a plain command', async () => {
    const m = w.make({ commandArgv: [process.execPath, '-e', 'setTimeout(() => {}, 5000)', '{prompt}'] });
    await m.start();
    const r = await m.spawn({ name: 'quick', prompt: 'scenario:plain', projectDir: w.dir('quick') });
    if (!r.ok) throw new Error(r.message);
    await finished(m, r.value.id);
    const refused = await m.steer!(r.value.id, 'more');
    expect(refused).toEqual({
      ok: false,
      message: 'Task 1 (quick) is completed, not running; there is no run to interrupt.',
    });
    const cmd = await m.spawn({ name: 'cmd', prompt: 'x', projectDir: w.dir('cmd'), backend: 'command' });
    if (!cmd.ok) throw new Error(cmd.message);
    await waitFor(() => m.get(cmd.value.id)?.status === 'running', 10_000, 'the command to run');
    const no = await m.steer!(cmd.value.id, 'more');
    expect(no.ok).toBe(false);
    if (!no.ok) expect(no.message).toContain('plain command');
  });
});
