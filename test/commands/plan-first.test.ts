// Plan first: spawn_task by voice (plan_first) and the `n` form (Permissions "plan") start a task in
// plan mode; the plan then comes back as a request answered like any other.
import { describe, expect, it } from 'vitest';
import { createForm, formArgs } from '../../src/commands/forms.js';
import { spawnTask } from '../../src/commands/task-commands.js';
import { createToolHost } from '../../src/commands/tool-host.js';
import { toolDefinitions } from '../../src/commands/tools.js';
import type { CommandContext } from '../../src/commands/types.js';
import { RequestDesk, type DecisionPort } from '../../src/permissions/desk.js';
import { requestReason } from '../../src/permissions/describe.js';
import type { PendingRequest } from '../../src/permissions/broker.js';
import type { Decision } from '../../src/permissions/protocol.js';
import { createInitialState, reducer } from '../../src/state/reducer.js';
import { createStore } from '../../src/state/store.js';
import type { SpawnOptions } from '../../src/tasks/types.js';
import { FakeTasks, FakeVoice, T0 } from './fakes.js';

function setup() {
  const tasks = new FakeTasks([]);
  const seen: SpawnOptions[] = [];
  const spawn = tasks.spawn.bind(tasks);
  tasks.spawn = (o) => {
    seen.push(o);
    return spawn(o);
  };
  const store = createStore(reducer, createInitialState({ tasks: [] }), { sync: true });
  const ctx: CommandContext = { tasks, voice: new FakeVoice(), store, quit: () => undefined, now: () => T0 };
  return { seen, store, host: createToolHost(ctx) };
}

describe('plan first', () => {
  it('the spawn_task tool offers plan_first as an optional boolean', () => {
    const spawn = toolDefinitions().find((t) => t.name === 'spawn_task')!;
    const props = (spawn.parameters as { properties: Record<string, { type?: string }> }).properties;
    expect(props.plan_first?.type).toBe('boolean');
    expect(spawn.parameters).toMatchObject({ required: ['name', 'prompt', 'project'] });
  });

  it('spawn_task with plan_first starts the task in plan mode; without it the default mode stays', async () => {
    const { host, seen } = setup();
    const args = { name: 'auth', prompt: 'Add login', project: 'web' };
    await host.callTool('spawn_task', JSON.stringify({ ...args, plan_first: true }), 'c1');
    await host.callTool('spawn_task', JSON.stringify({ ...args, plan_first: false }), 'c2');
    await host.callTool('spawn_task', JSON.stringify(args), 'c3');
    expect(seen.map((o) => o.permissionMode)).toEqual(['plan', undefined, undefined]);
    const out = await host.callTool('spawn_task', JSON.stringify({ ...args, plan_first: 'yes' }), 'c4');
    expect(out).toMatch(/plan_first/);
    expect(seen).toHaveLength(3);
  });

  it('the new-task form starts a plan-mode task from Permissions "plan"', () => {
    const { store } = setup();
    const form = createForm('new-task', 'spawn_task', store.getState());
    const set = (name: string, value: string) => {
      const f = form.fields.find((x) => x.name === name);
      if (!f) throw new Error(`no field ${name}`);
      f.value = value;
    };
    set('name', 'auth');
    set('project', 'web');
    set('prompt', 'Add login');
    set('permissionMode', 'plan');
    const parsed = spawnTask.args?.safeParse(formArgs(form));
    expect(parsed?.success && parsed.data).toMatchObject({ permissionMode: 'plan' });
  });

  it('the plan arrives as "plan ready for approval"; a approves it, d rejects it with the feedback the agent reads', () => {
    const plan: PendingRequest = {
      id: '3.1',
      task: 3,
      run: 1,
      toolName: 'ExitPlanMode',
      input: { plan: '# Plan\n1. add a login route', planFilePath: '/c/plans/p.md' },
      askedAt: 1,
      connected: true,
    };
    const decided: Decision[] = [];
    let pending = [plan];
    const port: DecisionPort = {
      list: () => pending,
      decide: (_id, d) => {
        decided.push(d);
        return true;
      },
    };
    const desk = new RequestDesk(() => port);
    expect(requestReason(plan, '/p')).toBe('plan ready for approval');
    expect(desk.answer(3, 'allow', { source: 'key' }).ok).toBe(true);
    expect(desk.answer(3, 'deny', { source: 'voice', message: 'Use sessions, not JWT.' }).ok).toBe(true);
    expect(decided).toEqual([
      { behavior: 'allow' },
      { behavior: 'deny', message: 'The user rejected this plan: Use sessions, not JWT.' },
    ]);
    // A plan is never covered by an "always allow" rule: each plan is approved on its own.
    desk.answer(3, 'allow_always', { source: 'key' });
    pending = [{ ...plan, id: '3.2' }];
    expect(desk.auto(pending[0]!)).toBeUndefined();
  });
});
