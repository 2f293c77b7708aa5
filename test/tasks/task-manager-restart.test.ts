// Seed bug 1: tasks were orphaned forever when the session that spawned them ended. A host
// process running a TaskManager is killed with SIGKILL while tasks run; a new TaskManager on the
// same state dir must re-adopt the live ones (their later output arrives) and give every other
// task its final status. Nothing may stay "running" forever.
import type { ChildProcess } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskOutputEntry, TaskRecord } from '../../src/tasks/types.js';
import { finished, makeWorld, procState, startTaskHost, waitFor, type World } from './task-manager.fixture.js';

let w: World;
let host: ChildProcess | undefined;
beforeEach(() => {
  w = makeWorld();
});
afterEach(async () => {
  if (host?.exitCode === null && host.signalCode === null) host.kill('SIGKILL');
  await w.cleanup();
});

describe('restart after the host process is killed (kill -9)', () => {
  it('re-adopts running tasks (their later output arrives) and finalizes the rest', async () => {
    const spawns = [
      { name: 'quick one', prompt: 'scenario:plain speed:8', projectDir: w.dir('q1') },
      { name: 'quick two', prompt: 'scenario:bare speed:8', projectDir: w.dir('q2') },
      { name: 'slow a', prompt: 'scenario:slow speed:3', projectDir: w.dir('s1') },
      { name: 'slow b', prompt: 'scenario:slow speed:3', projectDir: w.dir('s2') },
      { name: 'slow c', prompt: 'scenario:slow speed:3', projectDir: w.dir('s3') },
      // Ends (with its result line) while no manager is running.
      { name: 'ends unseen', prompt: 'scenario:write-file speed:0.5', projectDir: w.dir('d1') },
      // Killed while no manager is running: no result line at all.
      { name: 'dies unseen', prompt: 'scenario:slow-sigterm speed:1', projectDir: w.dir('x1') },
    ];
    const h = startTaskHost(w, spawns);
    host = h.proc;
    const ev = h.events;
    // Quick ones finished; every other one has started its session (init line ingested).
    await waitFor(
      () =>
        ev.filter((e) => e.event === 'finished').length === 2 &&
        [3, 4, 5, 6, 7].every((id) => ev.some((e) => e.event === 'updated' && e.id === id && e.session)),
      20_000,
      'host progress',
    );
    const pidOf = (id: number): number => ev.filter((e) => e.id === id && e.pid).at(-1)?.pid as number;
    const slowPids = [3, 4, 5].map(pidOf);
    const endsUnseenPid = pidOf(6);
    const diesUnseenPid = pidOf(7);

    // Let the host's debounced registry save (≤ 200 ms) record the read offsets: lines after the
    // last saved offset are ingested again after a crash (at least once), which would blur the
    // "init was not re-read" check below.
    await new Promise((r) => setTimeout(r, 400));
    host.kill('SIGKILL');
    await new Promise((r) => host?.once('exit', r));
    // The agents outlive their host.
    for (const pid of [...slowPids, diesUnseenPid]) expect(procState(pid)).toMatch(/[SR]/);
    process.kill(diesUnseenPid, 'SIGKILL');
    await waitFor(
      () => procState(endsUnseenPid) === undefined && procState(diesUnseenPid) === undefined,
      10_000,
      'unseen ends',
    );

    const m = w.make();
    const outputs = new Map<number, TaskOutputEntry[]>();
    m.on('output', (id, entries) => outputs.set(id, [...(outputs.get(id) ?? []), ...entries]));
    const added: TaskRecord[] = [];
    m.on('added', (t) => added.push(t));
    await m.start();
    expect(added.map((t) => t.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);

    const byId = (id: number): TaskRecord => m.get(id) as TaskRecord;
    expect(byId(1).status).toBe('completed');
    expect(byId(2).status).toBe('completed');
    expect(byId(6).status).toBe('completed');
    expect(byId(6).resultText).toMatch(/^Done: I created NOTES\.md/);
    expect(byId(6).filesTouched).toHaveLength(1);
    expect(byId(7).status).toBe('interrupted');
    for (const id of [3, 4, 5]) {
      expect(byId(id).status).toBe('running');
      expect(byId(id).runs[0]?.pid).toBe(slowPids[id - 3]);
    }

    for (const id of [3, 4, 5]) {
      const t = await finished(m, id, 20_000);
      expect(t.status).toBe('completed');
      expect(t.resultText).toMatch(/chunk 20 of 20/);
      expect(t.turns).toBe(1);
      // The answer and the result line were written after the restart and arrived as output.
      const texts = (outputs.get(id) ?? []).map((e) => `${e.kind}:${e.text}`);
      expect(texts.some((x) => x.startsWith('text:chunk 1 of 20'))).toBe(true);
      expect(texts.some((x) => x.startsWith('result:✓'))).toBe(true);
      // The init line was ingested by the first host, not a second time.
      expect(texts.some((x) => x.startsWith('system:session started'))).toBe(false);
      expect(m.tail(id).filter((e) => e.text.startsWith('session started'))).toHaveLength(1);
    }
    expect(m.list().filter((t) => t.status === 'running' || t.status === 'queued')).toEqual([]);
  }, 60_000);

  it("shutdown('keep') leaves agents running; the next manager re-adopts them", async () => {
    const m1 = w.make();
    await m1.start();
    const r = await m1.spawn({ name: 'kept', prompt: 'scenario:slow speed:4', projectDir: w.dir('k') });
    if (!r.ok) throw new Error(r.message);
    await waitFor(() => m1.get(r.value.id)?.claudeSessionId, 10_000, 'init');
    const pid = m1.get(r.value.id)?.runs[0]?.pid as number;
    await m1.shutdown('keep');
    expect(procState(pid)).toMatch(/[SR]/);
    const m2 = w.make();
    await m2.start();
    expect(m2.get(r.value.id)?.status).toBe('running');
    const t = await finished(m2, r.value.id, 20_000);
    expect(t.status).toBe('completed');
    expect(t.costUsd).toBeGreaterThan(0);
  });

  it('queued tasks of a previous session are queued again and start', async () => {
    const m1 = w.make({ maxConcurrent: 1 });
    await m1.start();
    const a = await m1.spawn({ name: 'first', prompt: 'scenario:slow speed:2', projectDir: w.dir('a') });
    const b = await m1.spawn({ name: 'second', prompt: 'scenario:plain', projectDir: w.dir('b') });
    if (!a.ok || !b.ok) throw new Error('refused');
    expect(b.value.status).toBe('queued');
    await m1.shutdown('keep');
    const m2 = w.make({ maxConcurrent: 1 });
    await m2.start();
    expect(m2.get(b.value.id)?.status).toBe('queued');
    expect(m2.get(b.value.id)?.queuedReason).toBe('1 task already running');
    const cancelled = await m2.cancel(a.value.id);
    expect(cancelled.ok && cancelled.value.status).toBe('cancelled');
    expect((await finished(m2, b.value.id)).status).toBe('completed');
  });

  it('a spawn while start() is still loading the registry is refused, never given an id already in use', async () => {
    const m1 = w.make({ backend: 'command', commandArgv: [process.execPath, '-e', ''] });
    await m1.start();
    const old = await m1.spawn({ name: 'old', prompt: 'x', projectDir: w.dir('a') });
    if (!old.ok) throw new Error(old.message);
    await finished(m1, old.value.id);
    await m1.shutdown('keep');
    const m2 = w.make({ backend: 'command', commandArgv: [process.execPath, '-e', ''] });
    const starting = m2.start();
    const early = await m2.spawn({ name: 'early', prompt: 'x', projectDir: w.dir('b') });
    expect(early).toEqual({ ok: false, message: 'the task engine has not started yet' });
    await starting;
    const later = await m2.spawn({ name: 'later', prompt: 'x', projectDir: w.dir('b') });
    if (!later.ok) throw new Error(later.message);
    expect(later.value.id).toBe(old.value.id + 1);
    expect(m2.get(old.value.id)?.name).toBe('old');
  });

  it("a task that starts while shutdown('keep') is stopping the others gets no tailer, only its pid recorded", async () => {
    const m = w.make({ backend: 'command', commandArgv: [process.execPath, '-e', 'setTimeout(() => {}, 1500)'] });
    await m.start();
    const a = await m.spawn({ name: 'a', prompt: 'x', projectDir: w.dir('a') });
    if (!a.ok) throw new Error(a.message);
    // White box: slow down the stop of a's tailer so b's start lands inside the shutdown.
    type Internals = { tasks: Map<number, { run?: { tailer: { stop: () => Promise<void> } } }> };
    const tasks = (m as unknown as Internals).tasks;
    const tailer = (await waitFor(() => tasks.get(a.value.id)?.run, 5000, 'a attached')).tailer;
    const stop = tailer.stop.bind(tailer);
    tailer.stop = async () => {
      await new Promise((r) => setTimeout(r, 600));
      await stop();
    };
    const b = await m.spawn({ name: 'b', prompt: 'x', projectDir: w.dir('b') });
    if (!b.ok) throw new Error(b.message);
    await m.shutdown('keep');
    expect(m.get(b.value.id)?.runs[0]?.pid).toBeTypeOf('number');
    expect(tasks.get(b.value.id)?.run).toBeUndefined();
    const m2 = w.make({ backend: 'command', commandArgv: [process.execPath, '-e', ''] });
    await m2.start();
    expect((await finished(m2, b.value.id)).status).not.toBe('running');
  });
});
