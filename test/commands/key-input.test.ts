// Terminal input → dispatcher, without Ink: form keys, confirm answers and commands come from the
// key map and the registry (App only routes input here).
import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../src/commands/dispatch.js';
import { handleKey } from '../../src/commands/key-input.js';
import { buildKeymap, confirmKeyOf, formKeyAction } from '../../src/commands/keymap.js';
import type { CommandContext } from '../../src/commands/types.js';
import { createInitialState, reducer } from '../../src/state/reducer.js';
import { createStore } from '../../src/state/store.js';
import type { ShutdownPolicy } from '../../src/tasks/types.js';
import { FakePtt, FakeTasks, FakeVoice, T0, task } from './fakes.js';

const flush = () => new Promise((r) => setTimeout(r, 0));

function setup() {
  const initial = [task({ id: 3, name: 'fix-login' })];
  const tasks = new FakeTasks(initial);
  const voice = new FakeVoice();
  const ptt = new FakePtt();
  const store = createStore(reducer, createInitialState({ tasks: initial, pttMode: ptt.mode() }), { sync: true });
  store.dispatch({ type: 'connection', state: voice.state() });
  let time = T0;
  const quits: ShutdownPolicy[] = [];
  const ctx: CommandContext = { tasks, voice, store, ptt, quit: (p) => quits.push(p), now: () => time };
  const d = createDispatcher(ctx);
  const keymap = buildKeymap(d.registry);
  let chunk = 0;
  const type = async (input: string, key = {}) => {
    handleKey(d, keymap, input, key, ++chunk);
    await flush();
  };
  return { store, tasks, quits, type, later: (ms: number) => (time += ms) };
}

describe('form keys', () => {
  it('map to form edits, submit and close; other printable text is typed; Ctrl+C is no form key', () => {
    expect(formKeyAction('', { tab: true })).toEqual({ kind: 'edit', key: { name: 'complete' } });
    expect(formKeyAction('', { tab: true, shift: true })).toEqual({ kind: 'edit', key: { name: 'prev' } });
    expect(formKeyAction('', { upArrow: true })).toEqual({ kind: 'edit', key: { name: 'older' } });
    expect(formKeyAction('', { downArrow: true })).toEqual({ kind: 'edit', key: { name: 'newer' } });
    expect(formKeyAction('', { backspace: true })).toEqual({ kind: 'edit', key: { name: 'backspace' } });
    expect(formKeyAction('\r', { return: true })).toEqual({ kind: 'submit' });
    expect(formKeyAction('', { escape: true })).toEqual({ kind: 'close' });
    expect(formKeyAction('q', {})).toEqual({ kind: 'edit', key: { name: 'text', text: 'q' } });
    expect(formKeyAction('fix it', {})).toEqual({ kind: 'edit', key: { name: 'text', text: 'fix it' } });
    expect(formKeyAction('c', { ctrl: true })).toBeUndefined();
  });

  it('a follow-up typed, sent with Enter; Ctrl+C in the form runs quit', async () => {
    const { store, tasks, quits, type } = setup();
    await type('f');
    await type('now the tests');
    expect(store.getState().overlay?.kind).toBe('form');
    await type('\r', { return: true });
    expect(tasks.calls).toEqual(['followUp 3 now the tests']);
    await type('f');
    await type('c', { ctrl: true });
    expect(store.getState().overlay?.kind).toBe('confirm');
    expect(quits).toEqual([]);
  });
});

describe('confirm keys', () => {
  it('letters are case-folded; Ctrl+C on the cancel question goes back, on the quit question keeps tasks', async () => {
    expect(confirmKeyOf('Y')).toBe('y');
    expect(confirmKeyOf('escape')).toBe('escape');
    const { store, tasks, quits, type, later } = setup();
    await type('q');
    later(200);
    await type('c', { ctrl: true });
    expect(store.getState().overlay).toBeNull();
    expect(tasks.calls).toEqual([]);
    await type('c', { ctrl: true });
    later(200);
    await type('c', { ctrl: true });
    expect(quits).toEqual(['keep']);
  });
});
