// A follow-up queued behind a running run survives a restart of voice-orch with real processes:
// the list is in the registry as soon as `add` resolves; a new engine on the same state dir
// re-adopts the run, its queue reads the list back (the table shows it), and when the run ends
// the follow-up becomes the task's next run, resuming the same session.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { columnsFor } from '../../src/components/TaskTable.js';
import { bindFollowUps } from '../../src/state/bind-follow-ups.js';
import { createInitialState, reducer } from '../../src/state/reducer.js';
import { createStore } from '../../src/state/store.js';
import { FollowUpQueue } from '../../src/tasks/follow-up-queue.js';
import type { TaskRecord } from '../../src/tasks/types.js';
import { factLines, finished, makeWorld, procState, waitFor, type World } from './task-manager.fixture.js';

let w: World;
beforeEach(() => {
  w = makeWorld({ FAKE_CLAUDE_ECHO_ARGS: '1' });
});
afterEach(async () => {
  await w.cleanup();
});

function registryRecord(id: number): TaskRecord | undefined {
  const reg = JSON.parse(readFileSync(join(w.stateDir, 'tasks.json'), 'utf8')) as { tasks: { record: TaskRecord }[] };
  return reg.tasks.find((t) => t.record.id === id)?.record;
}

describe('queued follow-ups across a restart', () => {
  it('are saved with the task; after a restart the re-adopted run still gets them when it ends', async () => {
    const m1 = w.make();
    await m1.start();
    const r = await m1.spawn({ name: 'kept', prompt: 'scenario:slow speed:3', projectDir: w.dir('k') });
    if (!r.ok) throw new Error(r.message);
    const id = r.value.id;
    await waitFor(() => m1.get(id)?.claudeSessionId, 10_000, 'init');
    const session = m1.get(id)?.claudeSessionId;
    const pid = m1.get(id)?.runs[0]?.pid as number;
    const q1 = new FollowUpQueue(m1);
    expect(await q1.add(id, 'scenario:plain use the other file')).toBe(1);
    // On disk before add resolved, not only at shutdown.
    expect(registryRecord(id)?.queuedFollowUps).toEqual(['scenario:plain use the other file']);
    q1.close();
    await m1.shutdown('keep');
    expect(procState(pid)).toMatch(/[SR]/);

    const m2 = w.make();
    await m2.start();
    expect(m2.get(id)?.status).toBe('running');
    const q2 = new FollowUpQueue(m2);
    expect(q2.pending(id)).toEqual(['scenario:plain use the other file']);
    const store = createStore(reducer, createInitialState({ tasks: m2.list() }), { sync: true });
    const unbind = bindFollowUps(store, q2);
    const s = store.getState();
    const activity = columnsFor(120, {}, s.followUpsQueued).find((c) => c.key === 'activity')!;
    expect(activity.cell(s.tasks[id]!, Date.now(), 0)).toMatch(
      /^⏭ follow-up queued: scenario:plain use the other file/,
    );

    const sent = new Promise<TaskRecord>((resolve) => q2.on('sent', resolve));
    m2.emitStartupEvents();
    expect((await sent).id).toBe(id);
    const done = await waitFor(
      () => {
        const t = m2.get(id);
        return t?.runs.length === 2 && t.status === 'completed' ? t : undefined;
      },
      30_000,
      'the follow-up run to end',
    );
    expect(done.runs.map((x) => [x.status, x.prompt])).toEqual([
      ['completed', 'scenario:slow speed:3'],
      ['completed', 'scenario:plain use the other file'],
    ]);
    const args = factLines(m2, id, 'fake_args').map((l) => l.args as string[]);
    expect(args.at(-1)?.[args.at(-1)!.indexOf('--resume') + 1]).toBe(session);
    expect(done.queuedFollowUps).toBeUndefined();
    expect(registryRecord(id)?.queuedFollowUps).toBeUndefined();
    expect(store.getState().followUpsQueued).toEqual({});
    unbind();
    await finished(m2, id);
  }, 60_000);

  it('a run that ends while voice-orch is down gets its follow-up at the next start', async () => {
    const m1 = w.make();
    await m1.start();
    const r = await m1.spawn({ name: 'ends', prompt: 'scenario:slow speed:4', projectDir: w.dir('e') });
    if (!r.ok) throw new Error(r.message);
    const id = r.value.id;
    await waitFor(() => m1.get(id)?.claudeSessionId, 10_000, 'init');
    const pid = m1.get(id)?.runs[0]?.pid as number;
    const q1 = new FollowUpQueue(m1);
    await q1.add(id, 'scenario:plain and then?');
    q1.close();
    await m1.shutdown('keep');
    await waitFor(() => procState(pid) === undefined, 20_000, 'the agent to end on its own');

    const m2 = w.make();
    await m2.start();
    expect(m2.get(id)?.status).toBe('completed');
    const q2 = new FollowUpQueue(m2);
    const sent = new Promise<TaskRecord>((resolve) => q2.on('sent', resolve));
    m2.emitStartupEvents();
    expect((await sent).runs.map((x) => x.prompt)).toEqual(['scenario:slow speed:4', 'scenario:plain and then?']);
    expect((await finished(m2, id, 20_000)).status).toBe('completed');
  }, 60_000);

  it('a run that dies while voice-orch is down drops them with a notice, and the record forgets them', async () => {
    const m1 = w.make();
    await m1.start();
    const r = await m1.spawn({ name: 'dies', prompt: 'scenario:slow speed:1', projectDir: w.dir('d') });
    if (!r.ok) throw new Error(r.message);
    const id = r.value.id;
    await waitFor(() => m1.get(id)?.claudeSessionId, 10_000, 'init');
    const pid = m1.get(id)?.runs[0]?.pid as number;
    const q1 = new FollowUpQueue(m1);
    await q1.add(id, 'more');
    q1.close();
    await m1.shutdown('keep');
    process.kill(pid, 'SIGKILL');
    await waitFor(() => procState(pid) === undefined, 10_000, 'the agent to die');

    const m2 = w.make();
    await m2.start();
    expect(m2.get(id)?.status).toBe('interrupted');
    const q2 = new FollowUpQueue(m2);
    const dropped = new Promise<string>((resolve) => q2.on('dropped', (_id, why) => resolve(why)));
    m2.emitStartupEvents();
    expect(await dropped).toBe(`task ${id} was interrupted, so its queued follow-up was not sent`);
    await waitFor(() => registryRecord(id)?.queuedFollowUps === undefined, 5_000, 'the record to forget');
    expect(m2.get(id)?.runs).toHaveLength(1);
  }, 60_000);
});
