// Issue 8, items 7 and 8: voice-orch killed between starting an agent and saving its pid, or with
// a registry that did not survive. A host process runs a TaskManager and is killed with SIGKILL
// while its agent runs; the registry on disk is then put in the state that crash window leaves
// (the run reserved, no pid) or truncated. A new manager must re-adopt the orphan through the
// marker in its environment, never hand out its id again, and never mix two tasks in one log.
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  finished,
  makeWorld,
  procState,
  readWholeLog,
  startTaskHost,
  waitFor,
  type World,
} from './task-manager.fixture.js';

let w: World;
let host: ChildProcess | undefined;
beforeEach(() => {
  w = makeWorld();
});
afterEach(async () => {
  if (host?.exitCode === null && host.signalCode === null) host.kill('SIGKILL');
  await w.cleanup();
});

/** Starts a host with one slow agent, waits until it runs, kills the host; returns the agent's pid. */
async function orphanOneAgent(): Promise<number> {
  const h = startTaskHost(w, [{ name: 'orphan', prompt: 'scenario:slow speed:2', projectDir: w.dir('a') }]);
  host = h.proc;
  const ev = h.events;
  await waitFor(() => ev.some((e) => e.event === 'updated' && e.id === 1 && e.session), 20_000, 'agent started');
  const pid = ev.filter((e) => e.id === 1 && e.pid).at(-1)?.pid as number;
  host.kill('SIGKILL');
  await new Promise((r) => host?.once('exit', r));
  expect(procState(pid)).toMatch(/[SR]/);
  return pid;
}

/** Removes every trace of the pids from the registry and the run files: what the reservation alone leaves. */
function forgetPids(): void {
  const file = join(w.stateDir, 'tasks.json');
  const reg = JSON.parse(readFileSync(file, 'utf8')) as { tasks: { record: { runs: Record<string, unknown>[] } }[] };
  for (const t of reg.tasks) {
    for (const r of t.record.runs) {
      delete r.pid;
      delete r.pidStartTime;
    }
  }
  writeFileSync(file, JSON.stringify(reg));
  const logDir = join(w.stateDir, 'tasks');
  for (const name of readdirSync(logDir).filter((n) => n.endsWith('.json'))) {
    const meta = JSON.parse(readFileSync(join(logDir, name), 'utf8')) as Record<string, unknown>;
    delete meta.pid;
    delete meta.pidStartTime;
    writeFileSync(join(logDir, name), JSON.stringify(meta));
  }
}

/** Session ids named by the init lines of a task's log (one per run of one task, never two tasks). */
function sessionsInLog(logPath: string): string[] {
  const out = new Set<string>();
  for (const line of readFileSync(logPath, 'utf8').split('\n')) {
    if (!line.includes('"subtype":"init"')) continue;
    out.add((JSON.parse(line) as { session_id: string }).session_id);
  }
  return [...out];
}

describe('a crash between starting an agent and saving its pid', () => {
  it('re-adopts the agent through the marker in its environment; no id reused, no log mixed', async () => {
    const pid = await orphanOneAgent();
    forgetPids();

    const m = w.make();
    await m.start();
    const t = m.get(1);
    expect(t?.status).toBe('running');
    expect(t?.runs[0]?.pid).toBe(pid);

    const next = await m.spawn({ name: 'next', prompt: 'scenario:plain', projectDir: w.dir('b') });
    if (!next.ok) throw new Error(next.message);
    expect(next.value.id).toBe(2);
    expect((await finished(m, 2)).status).toBe('completed');
    const done = await finished(m, 1, 30_000);
    expect(done.status).toBe('completed');
    expect(done.resultText).toMatch(/chunk 20 of 20/);
    expect(sessionsInLog(m.logPath(1))).toHaveLength(1);
    expect(sessionsInLog(m.logPath(2))).toHaveLength(1);
    expect(sessionsInLog(m.logPath(2))).not.toEqual(sessionsInLog(m.logPath(1)));
  }, 60_000);

  it('a truncated registry is rebuilt from the run files: the orphan is re-adopted and its id not handed out again', async () => {
    const pid = await orphanOneAgent();
    forgetPids();
    writeFileSync(join(w.stateDir, 'tasks.json'), '{"version":1,"nextId":2,"tasks":[{"rec');

    const m = w.make();
    const errors: string[] = [];
    m.on('error', (e) => errors.push(e.message));
    await m.start();
    expect(errors.some((e) => /unreadable.*moved to/.test(e))).toBe(true);
    expect(errors.some((e) => /rebuilt task 1 from its run files/.test(e))).toBe(true);
    const t = m.get(1);
    expect(t?.name).toBe('orphan');
    expect(t?.status).toBe('running');
    expect(t?.runs[0]?.pid).toBe(pid);

    const next = await m.spawn({ name: 'next', prompt: 'scenario:plain', projectDir: w.dir('b') });
    if (!next.ok) throw new Error(next.message);
    expect(next.value.id).toBe(2);
    expect((await finished(m, 2)).status).toBe('completed');
    expect((await finished(m, 1, 30_000)).status).toBe('completed');
    expect(sessionsInLog(m.logPath(1))).toHaveLength(1);
    expect(sessionsInLog(m.logPath(2))).toHaveLength(1);
  }, 60_000);
});

describe('a registry with a running task whose runs are [] or [null]', () => {
  it('starts, skips those records with a message, and keeps the others', async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(w.stateDir, { recursive: true });
    const good = {
      id: 3,
      name: 'good',
      status: 'completed',
      projectDir: w.dir('g'),
      backend: 'claude',
      prompt: 'x',
      permissionMode: 'acceptEdits',
      createdAt: 1,
      updatedAt: 1,
      stalled: false,
      activity: '',
      turns: 0,
      costUsd: 0,
      filesTouched: [],
      runs: [{ runNo: 1, prompt: 'x', status: 'completed' }],
    };
    writeFileSync(
      join(w.stateDir, 'tasks.json'),
      JSON.stringify({
        version: 1,
        nextId: 4,
        tasks: [
          { record: { ...good, id: 1, status: 'running', runs: [] }, readOffset: 0, nextSeq: 0 },
          { record: { ...good, id: 2, status: 'running', runs: [null] }, readOffset: 0, nextSeq: 0 },
          { record: good, readOffset: 0, nextSeq: 0 },
        ],
      }),
    );
    const m = w.make();
    const errors: string[] = [];
    m.on('error', (e) => errors.push(e.message));
    await m.start();
    expect(m.list().map((t) => t.id)).toEqual([3]);
    expect(errors.filter((e) => e.startsWith('skipped a bad record'))).toHaveLength(2);
    const next = await m.spawn({ name: 'next', prompt: 'scenario:plain', projectDir: w.dir('b') });
    expect(next.ok && next.value.id).toBe(4);
  });
});

describe('log files per run', () => {
  it('a registry from before per-run logs still reads its shared log; a new run writes a file of its own', async () => {
    const { mkdirSync } = await import('node:fs');
    const logDir = join(w.stateDir, 'tasks');
    mkdirSync(logDir, { recursive: true });
    const legacy = 'first run line\nsecond run line\n';
    writeFileSync(join(logDir, '1.ndjson'), legacy);
    const run = (runNo: number, logOffset: number) => ({
      runNo,
      prompt: 'x',
      status: 'completed',
      startedAt: runNo,
      endedAt: runNo,
      logOffset,
    });
    const record = {
      id: 1,
      name: 'old layout',
      status: 'completed',
      projectDir: w.dir('old'),
      backend: 'claude',
      prompt: 'x',
      permissionMode: 'acceptEdits',
      createdAt: 1,
      updatedAt: 2,
      stalled: false,
      activity: 'done',
      turns: 0,
      costUsd: 0,
      claudeSessionId: 'old-session',
      filesTouched: [],
      runs: [run(1, 0), run(2, 'first run line\n'.length)],
    };
    writeFileSync(
      join(w.stateDir, 'tasks.json'),
      JSON.stringify({ version: 1, nextId: 2, tasks: [{ record, readOffset: legacy.length, nextSeq: 2 }] }),
    );
    const m = w.make();
    await m.start();
    expect((await readWholeLog(m, 1)).map((e) => [e.runNo, e.text])).toEqual([
      [1, 'first run line'],
      [2, 'second run line'],
    ]);
    const f = await m.followUp(1, 'scenario:plain');
    if (!f.ok) throw new Error(f.message);
    const done = await finished(m, 1);
    // The fake CLI does not know this old session; what matters is where the run wrote.
    expect(done.failure?.message).toMatch(/No conversation found with session ID: old-session/);
    expect(done.runs[2]?.logFile).toBe('1.run-3.ndjson');
    expect(m.logPath(1)).toBe(join(logDir, '1.run-3.ndjson'));
    expect(readFileSync(join(logDir, '1.ndjson'), 'utf8')).toBe(legacy);
    const log = await readWholeLog(m, 1);
    expect(log.slice(0, 2).map((e) => e.text)).toEqual(['first run line', 'second run line']);
    expect(log.some((e) => e.runNo === 3 && e.kind === 'result')).toBe(true);
    expect(log.filter((e) => e.runNo !== 3).map((e) => e.text)).toEqual(['first run line', 'second run line']);
  });
});
