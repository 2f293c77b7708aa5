// Steering "now" for Codex and Gemini tasks with real processes: fake CLIs (test/helpers/fake-codex,
// fake-gemini) that behave like the launchers on signals and replay recorded streams. A Gemini run
// is interrupted through its process group (its launcher ignores a signal to its own pid) and its
// session is resumed with the message; a Codex run is refused with a pointer to "after" and keeps
// running, as is a Gemini run that asks through voice-orch.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskManager, TaskManagerOptions } from '../../src/tasks/task-manager.js';
import type { BackendKind, TaskRecord } from '../../src/tasks/types.js';
import { FIXTURES, finished, makeWorld, waitFor, type World } from './task-manager.fixture.js';

const HELPERS = resolve(FIXTURES, '../helpers');

let w: World;
let argvFile: string;
beforeEach(() => {
  w = makeWorld();
  argvFile = join(w.root, 'argv.jsonl');
  w.env.FAKE_AGENT_ARGV_FILE = argvFile;
  w.env.FAKE_AGENT_LINE_MS = '5';
});
afterEach(async () => {
  await w.cleanup();
});

const argvs = (): string[][] =>
  readFileSync(argvFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as string[]);

async function started(opts: Partial<TaskManagerOptions>, backend: BackendKind, prompt: string) {
  const m = w.make({ codexPath: join(HELPERS, 'fake-codex'), geminiPath: join(HELPERS, 'fake-gemini'), ...opts });
  await m.start();
  const r = await m.spawn({ name: `${backend}-story`, prompt, projectDir: w.dir(backend), backend });
  if (!r.ok) throw new Error(r.message);
  const t = await waitFor(
    () => {
      const x = m.get(r.value.id);
      return x?.status === 'running' && x.claudeSessionId ? x : undefined;
    },
    15_000,
    'the run to report its session',
  );
  return { m, t };
}

async function refusedNow(m: TaskManager, t: TaskRecord): Promise<string> {
  const r = await m.steer!(t.id, 'Make it short. scenario:plain');
  if (r.ok) throw new Error('steering was accepted');
  // The run goes on untouched.
  expect(m.get(t.id)?.status).toBe('running');
  expect(m.get(t.id)?.runs).toHaveLength(1);
  return r.message;
}

describe('steer now, by agent', () => {
  it('gemini: the run is interrupted through its group and the session resumes with the message', async () => {
    const { m, t } = await started({}, 'gemini', 'Tell me a long story. scenario:slow-sigint-group');
    const finishedEvents: TaskRecord[] = [];
    m.on('finished', (x) => finishedEvents.push(x));
    const r = await m.steer!(t.id, 'Make it short. scenario:plain');
    expect(r.ok).toBe(true);
    const done = await finished(m, t.id, 20_000);
    expect(done.status).toBe('completed');
    expect(done.runs.map((x) => [x.status, x.steered === true, x.exitCode])).toEqual([
      ['interrupted', true, 0],
      ['completed', false, 0],
    ]);
    const second = argvs()[1] ?? [];
    expect(second).toContain(`--resume=${t.claudeSessionId}`);
    expect(second.at(-1)).toBe('--prompt=Make it short. scenario:plain');
    expect(finishedEvents.map((e) => e.status)).toEqual(['completed']);
  }, 60_000);

  it('codex: refused with a pointer to "after"; the run is not signalled', async () => {
    const { m, t } = await started({}, 'codex', 'Tell me a long story. scenario:slow-sigint');
    const message = await refusedNow(m, t);
    expect(message).toBe(
      `Task ${t.id} (codex-story) runs Codex, which cannot be interrupted and continued: on an interrupt it stops without ending its turn, and its thread is not known to resume from there. Use when "after": the message is sent as soon as the run ends.`,
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(m.get(t.id)?.status).toBe('running');
  }, 60_000);

  it('gemini asking through voice-orch: refused, the run goes on', async () => {
    const { m, t } = await started({ agentApprovals: { gemini: 'ask' } }, 'gemini', 'scenario:slow-sigint-group');
    expect(await refusedNow(m, t)).toContain('runs Gemini with approvals asked through voice-orch');
  }, 60_000);
});
