import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Dispatcher } from '../../src/commands/dispatch.js';
import { commands, type CommandId } from '../../src/commands/registry.js';
import { toolDefinitions } from '../../src/commands/tools.js';
import { buildInstructions } from '../../src/session/instructions.js';
import {
  buildKeymap,
  createChunkCounter,
  footerHints,
  helpRows,
  keyNameOf,
  resolveKey,
  splitKeys,
} from '../../src/commands/keymap.js';
import { createInitialState, reducer } from '../../src/state/reducer.js';
import { task } from './fakes.js';

describe('registry parity (keys and voice stay mirrored)', () => {
  it('every voice tool has a key or a written reason, and every key command has a tool or a written reason', () => {
    const missing: string[] = [];
    for (const c of commands) {
      const hasKeys = Object.values(c.keys ?? {}).some((k) => k && k.length > 0);
      if (c.voice && !hasKeys && !c.noKeyReason?.trim()) missing.push(`${c.id}: voice tool without key or noKeyReason`);
      if (!c.voice && hasKeys && !c.noVoiceReason?.trim())
        missing.push(`${c.id}: key without voice tool or noVoiceReason`);
      if (!c.voice && !hasKeys) missing.push(`${c.id}: reachable neither by key nor by voice`);
    }
    expect(missing).toEqual([]);
  });

  it('ids are unique and a voice command’s id is its tool name', () => {
    expect(new Set(commands.map((c) => c.id)).size).toBe(commands.length);
    for (const c of commands) if (c.voice) expect(c.voice.name).toBe(c.id);
  });

  it('has the commands the app promises', () => {
    const ids = commands.map((c) => c.id);
    for (const id of [
      'spawn_task',
      'list_tasks',
      'get_task_status',
      'get_task_result',
      'cancel_task',
      'follow_up_task',
      'select_next',
      'select_prev',
      'back',
      'tail_filter',
      'tail_follow',
      'message',
      'ptt_tap',
      'set_notice_mode',
      'help',
      'quit',
    ]) {
      expect(ids).toContain(id);
    }
  });
});

describe('command ids are a type', () => {
  it('CommandId is the union of the registry’s ids; a misspelt id does not compile', () => {
    expectTypeOf<'cancel_task'>().toMatchTypeOf<CommandId>();
    expectTypeOf<'cancel_tsk'>().not.toMatchTypeOf<CommandId>();
    const pressMisspelt = (d: Dispatcher) =>
      // @ts-expect-error -- not a command id
      d.press('cancel_tsk');
    expect(typeof pressMisspelt).toBe('function');
    expect(commands.map((c) => c.id)).toContain('cancel_task' satisfies CommandId);
  });
});

describe('model text and key help are separate', () => {
  it('tool descriptions and the instructions never speak of keys; the help overlay does', () => {
    const tools = toolDefinitions();
    for (const t of tools) expect(t.description, t.name).not.toMatch(/\bkeys?\b/i);
    expect(buildInstructions(tools)).not.toMatch(/\bkeys?\b/i);
    expect(tools.find((t) => t.name === 'get_task_status')!.description).toBe(
      'How a task is doing: status, how long it has run, its latest activity, turns and cost.',
    );
    const rows = helpRows();
    expect(rows.find((r) => r.id === 'get_task_status')!.description).toContain('By key it opens the task’s live log.');
    expect(rows.find((r) => r.id === 'set_notice_mode')!.description).toContain('The key cycles through them.');
  });
});

describe('keymap', () => {
  const state = createInitialState({
    tasks: [task({ id: 1, name: 'a' }), task({ id: 2, name: 'b', status: 'completed' })],
  });

  it('turns Ink key events into names', () => {
    expect(keyNameOf('', { upArrow: true })).toBe('up');
    expect(keyNameOf('\r', { return: true })).toBe('enter');
    expect(keyNameOf('c', { ctrl: true })).toBe('ctrl+c');
    expect(keyNameOf(' ', {})).toBe('space');
    expect(keyNameOf('F', { shift: true })).toBe('F');
    expect(keyNameOf('', { tab: true, shift: true })).toBe('shift+tab');
  });

  it('splits a run of characters from one chunk back into keys', () => {
    expect(splitKeys('fix-login\tweb\r', {})).toEqual([
      { input: 'fix-login', key: {} },
      { input: '', key: { tab: true } },
      { input: 'web', key: {} },
      { input: '', key: { return: true } },
    ]);
    expect(splitKeys('ab\x7f\x03', {})).toEqual([
      { input: 'ab', key: {} },
      { input: '', key: { backspace: true } },
      { input: 'c', key: { ctrl: true } },
    ]);
    expect(splitKeys('\u001B[A', { upArrow: true })).toEqual([{ input: '\u001B[A', key: { upArrow: true } }]);
    expect(splitKeys('q', {})).toEqual([{ input: 'q', key: {} }]);
  });

  it('numbers terminal reads: keys handed over in one synchronous read share a chunk, the next read gets a new one', async () => {
    const chunkOf = createChunkCounter();
    const first = [chunkOf(), chunkOf(), chunkOf()];
    await Promise.resolve();
    expect([...first, chunkOf(), chunkOf()]).toEqual([1, 1, 1, 2, 2]);
  });

  it('resolves per scope: ↓ selects in the table and scrolls in the tail view', () => {
    expect(resolveKey(state, 'main', 'down')).toBe('select_next');
    expect(resolveKey(state, 'tail', 'down')).toBe('tail_scroll_down');
    expect(resolveKey(state, 'main', 'n')).toBe('spawn_task');
    expect(resolveKey(state, 'main', 'x')).toBeUndefined();
    expect(resolveKey(state, 'form', 'ctrl+c')).toBe('quit');
  });

  it('Esc discards a toggle-talk turn before it leaves the view; hidden commands never catch a key', () => {
    const tail = reducer(state, { type: 'view/tail', taskId: 1 });
    expect(resolveKey(tail, 'tail', 'escape')).toBe('back');
    const talking = reducer(reducer(tail, { type: 'ptt/mode', mode: { kind: 'toggle', key: 'Space' } }), {
      type: 'ptt/talking',
      talking: true,
    });
    expect(resolveKey(talking, 'tail', 'escape')).toBe('ptt_discard');
    expect(resolveKey(state, 'main', 'escape')).toBeUndefined();
    expect(resolveKey(state, 'main', 'space')).toBeUndefined(); // mode none: Space is not talk
  });

  it('every key is bound once per scope unless the registry orders a fallback', () => {
    const map = buildKeymap();
    const shared: string[] = [];
    for (const [scope, keys] of map)
      for (const [k, ids] of keys) if (ids.length > 1) shared.push(`${scope}:${k}=${ids.join(',')}`);
    expect(shared.sort()).toEqual([
      'help:escape=ptt_discard,back',
      // Enter sends a multi-select question's picks before it opens the log.
      'main:enter=answer_picked,get_task_status',
      'result:escape=ptt_discard,back',
      'tail:escape=ptt_discard,back',
    ]);
  });
});

describe('footer hints and help rows', () => {
  it('show what applies to the selection: a finished task dims cancel with the reason', () => {
    let s = createInitialState({
      tasks: [task({ id: 1, name: 'a' }), task({ id: 2, name: 'b', status: 'completed' })],
    });
    const running = footerHints(s, 'main');
    expect(running.find((h) => h.id === 'cancel_task')).toEqual({ id: 'cancel_task', keys: 'q', title: 'cancel' });
    expect(running.find((h) => h.id === 'select_next')!.keys).toBe('↓/j/↑/k');
    expect(running.some((h) => h.id === 'ptt_tap')).toBe(false);
    s = reducer(s, { type: 'select/set', taskId: 2 });
    expect(footerHints(s, 'main').find((h) => h.id === 'cancel_task')!.disabled).toBe('task 2 is already completed');
  });

  it('without tasks only the hints that can work are shown', () => {
    const ids = footerHints(createInitialState(), 'main').map((h) => h.id);
    expect(ids).toContain('spawn_task');
    expect(ids).not.toContain('cancel_task');
    expect(ids).not.toContain('get_task_status');
  });

  it('help rows come from the registry with keys, tool names and reasons', () => {
    const rows = helpRows();
    // select ×2, scroll ×5, worktrees ×17, answer ×15, log search ×3, help ×5, card scroll ×4 share rows.
    expect(rows).toHaveLength(commands.length - 1 - 4 - 16 - 14 - 2 - 4 - 3);
    // h and N have rows of their own.
    expect(rows.find((r) => r.id === 'toggle_finished')).toMatchObject({ keys: 'h', title: 'hide done' });
    expect(rows.find((r) => r.id === 'notice_log')).toMatchObject({ keys: 'N', title: 'notice log' });
    expect(rows.find((r) => r.id === 'tail_search')).toMatchObject({ keys: '/ n N', title: 'log search' });
    expect(rows.find((r) => r.id === 'tail_scroll_up')).toMatchObject({
      title: 'scroll',
      keys: '↑/k ↓/j PgUp PgDn End/F',
    });
    expect(rows.find((r) => r.id === 'cancel_task')).toMatchObject({ keys: 'q', tool: 'cancel_task' });
    expect(rows.find((r) => r.id === 'list_tasks')).toMatchObject({
      keys: '',
      note: 'The task table on screen always shows every task.',
    });
    expect(rows.find((r) => r.id === 'get_task_result')!.keys).toBe('r');
    expect(rows.find((r) => r.id === 'back')!.keys).toBe('Esc/?/N');
    expect(rows.find((r) => r.id === 'tail_filter')!.keys).toBe('Tab');
  });
});
