// The task settings of config.json reach the task engine through the real composition: the budget
// default (`maxBudgetUsd`) and the agent command (`agentCommand`, which selects the command backend).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { composeApp, type ComposedApp } from '../../src/compose.js';
import { loadSettings } from '../../src/config/config.js';
import { PushToTalk } from '../../src/input/push-to-talk.js';
import { EchoEngine } from '../helpers/echo-engine.js';

const FAKE_CLAUDE = new URL('../fixtures/fake-claude', import.meta.url).pathname;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function composeWith(config: object): Promise<ComposedApp> {
  const dir = mkdtempSync(join(tmpdir(), 'vo-compose-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'code', 'api'), { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const loaded = loadSettings(
    [
      '--config',
      join(dir, 'config.json'),
      '--state-dir',
      join(dir, 'state'),
      '--claude-path',
      FAKE_CLAUDE,
      '--no-audio',
    ],
    { HOME: dir },
    join(dir, 'code'),
  );
  if (!loaded.ok) throw new Error(loaded.message);
  const app = await composeApp(loaded.settings, () => {}, {
    ptt: new PushToTalk({ disableGlobalKey: true }),
    voiceEngine: (deps) => new EchoEngine(deps.toolHost),
    taskOptions: { cancelGraceMs: 300 },
  });
  cleanups.push(() => app.shutdown('cancel'));
  return app;
}

describe('task settings through the composition', () => {
  it('config.json maxBudgetUsd is the budget of a task that names none', async () => {
    const app = await composeWith({ maxBudgetUsd: 1.5 });
    const r = await app.tasks.spawn({ name: 'capped', prompt: 'scenario:plain', projectDir: 'api' });
    expect(r.ok && r.value.budgetUsd).toBe(1.5);
    expect(r.ok && r.value.backend).toBe('claude');
  });

  it('config.json agentCommand runs tasks with the command backend', async () => {
    const app = await composeWith({ agentCommand: [process.execPath, '-e', 'console.log(1)', '--', '{prompt}'] });
    const r = await app.tasks.spawn({ name: 'cmd', prompt: 'hello', projectDir: 'api' });
    expect(r.ok && r.value.backend).toBe('command');
    const refused = await app.tasks.spawn({ name: 'cmd2', prompt: 'hello', projectDir: 'api', maxBudgetUsd: 2 });
    expect(refused).toEqual({
      ok: false,
      message: 'A budget works only with the claude agent; the configured agent command takes none.',
    });
  });
});
