// Codex and Gemini tasks through the real task engine with real processes: fake CLIs
// (test/helpers/fake-codex, fake-gemini) that behave like the launchers and replay recorded streams.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskManager } from '../../src/tasks/task-manager.js';
import type { BackendKind } from '../../src/tasks/types.js';
import { FIXTURES, finished, makeWorld, procState, waitFor, type World } from './task-manager.fixture.js';

const HELPERS = resolve(FIXTURES, '../helpers');
const FAKE_CODEX = join(HELPERS, 'fake-codex');
const FAKE_GEMINI = join(HELPERS, 'fake-gemini');

let w: World;
let argvFile: string;
let pidsFile: string;

beforeEach(() => {
  w = makeWorld();
  argvFile = join(w.root, 'argv.jsonl');
  pidsFile = join(w.root, 'pids.jsonl');
  w.env.FAKE_AGENT_ARGV_FILE = argvFile;
  w.env.FAKE_AGENT_PIDS_FILE = pidsFile;
  w.env.FAKE_AGENT_LINE_MS = '5';
});
afterEach(async () => {
  await w.cleanup();
});

function jsonLines<T>(file: string): T[] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as T);
  } catch {
    return [];
  }
}

const pids = () => jsonLines<{ role: string; pid: number }>(pidsFile);

function manager(): TaskManager {
  return w.make({ codexPath: FAKE_CODEX, geminiPath: FAKE_GEMINI });
}

async function spawned(m: TaskManager, backend: BackendKind, prompt: string, dir = backend): Promise<number> {
  const r = await m.spawn({ name: `${backend}-task`, prompt, projectDir: w.dir(dir), backend });
  if (!r.ok) throw new Error(r.message);
  return r.value.id;
}

describe('codex tasks', () => {
  it('finish with the last message as the result and the changed file; a follow-up resumes the thread', async () => {
    const m = manager();
    await m.start();
    const id = await spawned(m, 'codex', 'Create a notes file. scenario:write-file');
    const t = await finished(m, id);
    expect(t.status).toBe('completed');
    expect(t.backend).toBe('codex');
    expect(t.resultText).toBe('Created NOTES.md with a short note.');
    expect(t.filesTouched).toEqual(['/home/dev/projects/write-file/NOTES.md']);
    const first = jsonLines<string[]>(argvFile)[0] ?? [];
    expect(first.slice(0, 5)).toEqual(['exec', '--json', '--skip-git-repo-check', '--sandbox', 'workspace-write']);
    expect(first.at(-1)).toBe('Create a notes file. scenario:write-file');

    const f = await m.followUp(id, 'Now say hello.');
    if (!f.ok) throw new Error(f.message);
    const t2 = await finished(m, id);
    expect(t2.status).toBe('completed');
    expect(t2.runs).toHaveLength(2);
    expect(t2.claudeSessionId).toBe('01a23d53-6ac9-7f52-9847-cb8e2f5837aa');
    const second = jsonLines<string[]>(argvFile)[1] ?? [];
    expect(second.slice(0, 2)).toEqual(['exec', 'resume']);
    expect(second.slice(-3)).toEqual(['--', '01a23d53-6ac9-7f52-9847-cb8e2f5837aa', 'Now say hello.']);
  });

  it('fail with the API error of turn.failed', async () => {
    const m = manager();
    await m.start();
    const t = await finished(m, await spawned(m, 'codex', 'scenario:error-401'));
    expect(t.status).toBe('failed');
    expect(t.failure?.message).toMatch(/^API error 401/);
  });

  it('cancel ends the launcher and its native child (and the command it runs)', async () => {
    const m = manager();
    await m.start();
    const id = await spawned(m, 'codex', 'Sleep. scenario:shell-sleep-sigterm-sleep');
    await waitFor(() => pids().length >= 3, 10_000, 'launcher, child and tool');
    await waitFor(() => m.get(id)?.activity.startsWith('Bash'), 10_000, 'the command');
    const r = await m.cancel(id);
    expect(r.ok).toBe(true);
    const t = await finished(m, id);
    expect(t.status).toBe('cancelled');
    for (const p of pids())
      await waitFor(() => procState(p.pid) === undefined || procState(p.pid) === 'Z', 5_000, `${p.role} gone`);
  });
});

describe('gemini tasks', () => {
  it('finish with the streamed chunks joined as the result', async () => {
    const m = manager();
    await m.start();
    const t = await finished(m, await spawned(m, 'gemini', 'Say hello. scenario:plain'));
    expect(t.status).toBe('completed');
    expect(t.resultText).toBe('Hello from the fake Gemini API.');
    const argv = jsonLines<string[]>(argvFile)[0] ?? [];
    expect(argv).toContain('auto_edit');
    expect(argv.at(-1)).toBe('--prompt=Say hello. scenario:plain');
  });

  it('an API error fails the task although the CLI exits 145', async () => {
    const m = manager();
    await m.start();
    const t = await finished(m, await spawned(m, 'gemini', 'scenario:error-401'));
    expect(t.status).toBe('failed');
    expect(t.failure?.kind).toBe('api_error');
  });

  it('cancel ends a launcher that ignores SIGTERM, its child, and a shell command in its own session', async () => {
    const m = manager();
    await m.start();
    const id = await spawned(m, 'gemini', 'Sleep. scenario:shell-sleep-sigterm-group-sleep');
    await waitFor(() => pids().length >= 3, 10_000, 'launcher, child and tool');
    await waitFor(() => m.get(id)?.activity.startsWith('Bash'), 10_000, 'the command');
    // Let the descendant scan see the shell command (it left the group).
    await new Promise((r) => setTimeout(r, 400));
    const r = await m.cancel(id);
    expect(r.ok).toBe(true);
    const t = await finished(m, id);
    expect(t.status).toBe('cancelled');
    for (const p of pids())
      await waitFor(() => procState(p.pid) === undefined || procState(p.pid) === 'Z', 5_000, `${p.role} gone`);
  });

  it('a running gemini task is re-adopted by the next manager and finishes there', async () => {
    w.env.FAKE_AGENT_LINE_MS = '150';
    const m1 = manager();
    await m1.start();
    const id = await spawned(m1, 'gemini', 'Tell me a long story. scenario:slow');
    await waitFor(() => m1.get(id)?.claudeSessionId, 10_000, 'init');
    await m1.shutdown('keep');
    const m2 = manager();
    await m2.start();
    expect(m2.get(id)?.status).toBe('running');
    const t = await finished(m2, id, 20_000);
    expect(t.status).toBe('completed');
    expect(t.resultText).toMatch(/chunk 20 of 20\.$/);
  });
});
