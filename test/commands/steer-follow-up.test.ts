// follow_up_task with `when`: "now" interrupts a running task through the engine's steer and
// continues at once; "after" (the default) queues; a queued task has no run to interrupt; an
// engine without steering, or one that refuses, gives a refusal that says what to do instead.
import { afterEach, describe, expect, it } from 'vitest';
import { dispatchCommand } from '../../src/commands/dispatch.js';
import { createForm, formArgs } from '../../src/commands/forms.js';
import { createToolHost } from '../../src/commands/tool-host.js';
import { columnsFor } from '../../src/components/TaskTable.js';
import type { CommandContext } from '../../src/commands/types.js';
import { bindFollowUps } from '../../src/state/bind-follow-ups.js';
import { createInitialState, reducer } from '../../src/state/reducer.js';
import { createStore } from '../../src/state/store.js';
import { FollowUpQueue } from '../../src/tasks/follow-up-queue.js';
import type { ActionResult, TaskRecord } from '../../src/tasks/types.js';
import { FakeTasks, FakeVoice, T0, task } from './fakes.js';

/** An engine that can steer: records the call; refuses when `refusal` is set. */
class SteerableTasks extends FakeTasks {
  refusal?: string;
  async steer(ref: number, prompt: string): Promise<ActionResult<TaskRecord>> {
    this.calls.push(`steer ${ref} ${prompt}`);
    if (this.refusal) return { ok: false, message: this.refusal };
    const t = { ...this.tasks.get(ref)!, activity: 'interrupting to steer…' };
    this.tasks.set(ref, t);
    return { ok: true, value: t };
  }
}

const unbinds: (() => void)[] = [];
afterEach(() => {
  for (const u of unbinds.splice(0)) u();
});

function setup(status: TaskRecord['status'] = 'running', tasks: FakeTasks = new SteerableTasks()) {
  tasks.tasks.set(3, task({ id: 3, name: 'api-tests', status, claudeSessionId: 's-1' }));
  const followUps = new FollowUpQueue(tasks);
  const store = createStore(reducer, createInitialState({ tasks: [...tasks.tasks.values()] }), { sync: true });
  unbinds.push(bindFollowUps(store, followUps, () => T0));
  const ctx: CommandContext = { tasks, voice: new FakeVoice(), store, quit: () => undefined, now: () => T0, followUps };
  return { tasks, followUps, store, host: createToolHost(ctx) };
}

const call = (host: ReturnType<typeof setup>['host'], args: object) =>
  host.callTool('follow_up_task', JSON.stringify({ task: 3, ...args }), 'c1');

describe('follow_up_task when "now"', () => {
  it('interrupts the running task and continues with the message at once', async () => {
    const { tasks, followUps, store, host } = setup();
    const out = await call(host, { prompt: 'use the other file', when: 'now' });
    expect(tasks.calls).toEqual(['steer 3 use the other file']);
    expect(followUps.pending(3)).toEqual([]);
    expect(out).toContain('Interrupted task 3 "api-tests"; it continues the same conversation with your message');
    expect(store.getState().tasks[3]?.activity).toBe('interrupting to steer…');
  });

  it('"after" and no `when` queue the message behind the current run', async () => {
    const { tasks, followUps, host } = setup();
    await call(host, { prompt: 'first', when: 'after' });
    await call(host, { prompt: 'second' });
    expect(tasks.calls).toEqual([]);
    expect(followUps.pending(3)).toEqual(['first', 'second']);
  });

  it('the table shows what waits behind the run, until it is sent', async () => {
    const { tasks, store, host } = setup();
    const activity = () => {
      const s = store.getState();
      const col = columnsFor(120, {}, s.followUpsQueued).find((c) => c.key === 'activity')!;
      return col.cell(s.tasks[3]!, T0, 0);
    };
    await call(host, { prompt: 'use the \u001b[31mother\u001b[0m file' });
    expect(store.getState().followUpsQueued).toEqual({ 3: ['use the \u001b[31mother\u001b[0m file'] });
    expect(activity()).toMatch(/^⏭ follow-up queued: use the \S*other\S* file · /);
    expect(activity()).not.toContain('\u001b');
    await call(host, { prompt: 'and the tests' });
    expect(activity()).toMatch(/^⏭ 2 follow-ups queued · /);
    tasks.tasks.set(3, { ...tasks.tasks.get(3)!, status: 'completed' });
    tasks.emit('finished', tasks.tasks.get(3));
    await new Promise((r) => setImmediate(r));
    expect(store.getState().followUpsQueued).toEqual({});
    expect(activity()).not.toContain('queued');
  });

  it('a queued task has no run to interrupt: "now" queues the message too', async () => {
    const { tasks, followUps, host } = setup('queued');
    const out = await call(host, { prompt: 'more', when: 'now' });
    expect(tasks.calls).toEqual([]);
    expect(followUps.pending(3)).toEqual(['more']);
    expect(out).toContain('queued and runs as soon as the current run ends');
  });

  it('the engine refusing (e.g. a remote run) is said with its reason', async () => {
    const tasks = new SteerableTasks();
    tasks.refusal = 'Task 3 (api-tests) runs on build-box where a run cannot be interrupted; use when "after" instead.';
    const { host, followUps } = setup('running', tasks);
    const out = await call(host, { prompt: 'more', when: 'now' });
    expect(out).toContain('Could not steer task 3 now');
    expect(out).toContain('use when "after" instead');
    expect(followUps.pending(3)).toEqual([]);
  });

  it('an engine without steering refuses "now" and says to use "after"', async () => {
    const { host, tasks } = setup('running', new FakeTasks());
    const out = await call(host, { prompt: 'more', when: 'now' });
    expect(out).toContain('cannot interrupt a run; use when "after"');
    expect(tasks.calls).toEqual([]);
  });

  it('a finished task is continued as before, whatever `when` says', async () => {
    const { tasks, host } = setup('completed');
    await call(host, { prompt: 'again', when: 'now' });
    expect(tasks.calls).toEqual(['followUp 3 again']);
  });

  it('the model is told what each choice does', async () => {
    const { host } = setup();
    const tool = host.tools().find((t) => t.name === 'follow_up_task');
    const when = (tool?.parameters as { properties: Record<string, { description?: string; enum?: string[] }> })
      .properties.when;
    expect(when?.enum).toEqual(['after', 'now']);
    expect(when?.description).toContain('"now" interrupts the current run');
    expect(when?.description).toContain('"after" (default) queues the message');
  });
});

describe('the follow-up form (f)', () => {
  it('on a running task asks when: empty queues after the run, "now" interrupts', async () => {
    const { store, tasks, followUps } = setup();
    store.dispatch({ type: 'select/set', taskId: 3 });
    const form = createForm('follow-up', 'follow_up_task', store.getState());
    expect(form.fields.map((f) => f.name)).toEqual(['prompt', 'when']);
    expect(form.fields[1]?.placeholder).toContain('now to interrupt');
    form.fields[0]!.value = 'use the other file';
    expect(formArgs(form)).toEqual({ task: 3, prompt: 'use the other file' });
    form.fields[1]!.value = ' now ';
    const ctx: CommandContext = {
      tasks,
      voice: new FakeVoice(),
      store,
      quit: () => undefined,
      now: () => T0,
      followUps,
    };
    const r = await dispatchCommand(ctx, 'follow_up_task', formArgs(form), 'key');
    expect(r.ok).toBe(true);
    expect(tasks.calls).toEqual(['steer 3 use the other file']);
  });

  it('on a finished task has only the prompt, as before', () => {
    const { store } = setup('completed');
    store.dispatch({ type: 'select/set', taskId: 3 });
    expect(createForm('follow-up', 'follow_up_task', store.getState()).fields.map((f) => f.name)).toEqual(['prompt']);
  });
});
