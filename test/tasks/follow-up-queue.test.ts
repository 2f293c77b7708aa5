// Steering a running task, "after": a follow-up said while the task runs is queued (not refused)
// and becomes the task's next run as soon as the current run ends; a cancelled task drops it.
import { afterEach, describe, expect, it } from 'vitest';
import { createToolHost } from '../../src/commands/tool-host.js';
import type { CommandContext } from '../../src/commands/types.js';
import { bindFollowUps } from '../../src/state/bind-follow-ups.js';
import { createInitialState, reducer } from '../../src/state/reducer.js';
import { createStore } from '../../src/state/store.js';
import { FollowUpQueue } from '../../src/tasks/follow-up-queue.js';
import type { TaskRecord } from '../../src/tasks/types.js';
import { FakeTasks, FakeVoice, T0, task } from '../commands/fakes.js';

const unbinds: (() => void)[] = [];
afterEach(() => {
  for (const u of unbinds.splice(0)) u();
});

function setup(status: TaskRecord['status'] = 'running') {
  const tasks = new FakeTasks([task({ id: 3, name: 'api-tests', status, claudeSessionId: 's-1' })]);
  const followUps = new FollowUpQueue(tasks);
  const store = createStore(reducer, createInitialState({ tasks: [...tasks.tasks.values()] }), { sync: true });
  unbinds.push(bindFollowUps(store, followUps, () => T0));
  const ctx: CommandContext = { tasks, voice: new FakeVoice(), store, quit: () => undefined, now: () => T0, followUps };
  return { tasks, followUps, store, host: createToolHost(ctx) };
}

/** The run ends: the engine's record reaches `status` and `finished` fires. */
async function endRun(tasks: FakeTasks, status: TaskRecord['status']): Promise<void> {
  const t = { ...tasks.tasks.get(3)!, status };
  tasks.tasks.set(3, t);
  tasks.emit('finished', t);
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
}

describe('a follow-up to a running task', () => {
  it('is queued, not refused, and sent as the next run when the current run completes', async () => {
    const { tasks, followUps, store, host } = setup();
    const out = await host.callTool('follow_up_task', JSON.stringify({ task: 3, prompt: 'use the other file' }), 'c1');
    expect(out).toContain('queued and runs as soon as the current run ends');
    expect(tasks.calls).toEqual([]);
    expect(followUps.pending(3)).toEqual(['use the other file']);
    await endRun(tasks, 'completed');
    expect(tasks.calls).toEqual(['followUp 3 use the other file']);
    expect(followUps.pending(3)).toEqual([]);
    expect(store.getState().notices.map((n) => n.text)).toContain('Queued follow-up sent to task 3');
  });

  it('several queued follow-ups go as one run, in the order said; a failed run still takes them', async () => {
    const { tasks, host } = setup();
    await host.callTool('follow_up_task', JSON.stringify({ task: 3, prompt: 'first' }), 'c1');
    const out = await host.callTool('follow_up_task', JSON.stringify({ task: 3, prompt: 'second' }), 'c2');
    expect(out).toContain('2 follow-ups wait');
    await endRun(tasks, 'failed');
    expect(tasks.calls).toEqual(['followUp 3 first\n\nsecond']);
  });

  it('a cancelled task drops what waited and says so', async () => {
    const { tasks, followUps, store, host } = setup();
    await host.callTool('follow_up_task', JSON.stringify({ task: 3, prompt: 'more tests' }), 'c1');
    await endRun(tasks, 'cancelled');
    expect(tasks.calls).toEqual([]);
    expect(followUps.pending(3)).toEqual([]);
    expect(store.getState().notices.map((n) => n.text)).toContain(
      'Follow-up not sent: task 3 was cancelled, so its queued follow-up was not sent',
    );
  });

  it('a finished task takes the follow-up at once, as before', async () => {
    const { tasks, followUps, host } = setup('completed');
    await host.callTool('follow_up_task', JSON.stringify({ task: 3, prompt: 'again' }), 'c1');
    expect(tasks.calls).toEqual(['followUp 3 again']);
    expect(followUps.pending(3)).toEqual([]);
  });
});
