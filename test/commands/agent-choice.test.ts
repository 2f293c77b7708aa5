// spawn_task by voice and by the `n` form names the agent (and, for codex, the reasoning effort).
import { describe, expect, it } from 'vitest';
import { createForm, formArgs } from '../../src/commands/forms.js';
import { spawnTask } from '../../src/commands/task-commands.js';
import { createToolHost } from '../../src/commands/tool-host.js';
import type { CommandContext } from '../../src/commands/types.js';
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

describe('choosing the agent', () => {
  it('spawn_task passes agent and reasoning_effort to the task engine; an unknown agent is refused', async () => {
    const { host, seen } = setup();
    const args = { name: 'lint', prompt: 'Fix lint', project: 'web' };
    await host.callTool('spawn_task', JSON.stringify({ ...args, agent: 'codex', reasoning_effort: 'high' }), 'c1');
    expect(seen[0]).toMatchObject({ backend: 'codex', reasoningEffort: 'high' });
    await host.callTool('spawn_task', JSON.stringify(args), 'c2');
    expect(seen[1]?.backend).toBeUndefined();
    const out = await host.callTool('spawn_task', JSON.stringify({ ...args, agent: 'aider' }), 'c3');
    expect(out).toMatch(/agent must be one of: claude, codex, gemini/);
    expect(seen).toHaveLength(2);
  });

  it('the new-task form has optional Agent and Effort fields; typed names match without case', async () => {
    const { seen, store } = setup();
    const form = createForm('new-task', 'spawn_task', store.getState());
    const set = (name: string, value: string) => {
      const f = form.fields.find((x) => x.name === name);
      if (!f) throw new Error(`no field ${name}`);
      f.value = value;
    };
    expect(form.fields.filter((f) => f.optional === true).map((f) => f.name)).toEqual(
      expect.arrayContaining(['agent', 'reasoning_effort']),
    );
    set('name', 'lint');
    set('project', 'web');
    set('prompt', 'Fix lint');
    set('agent', ' Gemini ');
    set('reasoning_effort', '');
    // The form's values go through the command's args schema (the voice tool takes exact names).
    const parsed = spawnTask.args?.safeParse(formArgs(form));
    expect(parsed?.success && parsed.data).toMatchObject({ agent: 'gemini', name: 'lint' });
    expect(seen).toHaveLength(0);
  });
});
