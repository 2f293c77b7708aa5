import { describe, expect, it } from 'vitest';
import { CONFIRM_GUARD_MS, confirmAccepts, createDispatcher, dispatchCommand } from '../../src/commands/dispatch.js';
import { defineCommand } from '../../src/commands/registry.js';
import type { CommandContext } from '../../src/commands/types.js';
import { createInitialState, reducer } from '../../src/state/reducer.js';
import { createStore } from '../../src/state/store.js';
import type { ShutdownPolicy } from '../../src/tasks/types.js';
import { entry, FakePtt, FakeTasks, FakeVoice, lastActivity, T0, task } from './fakes.js';

function setup(
  initial = [
    task({ id: 3, name: 'fix-login' }),
    task({ id: 4, name: 'docs', status: 'completed', resultText: 'Wrote the docs.' }),
  ],
) {
  const tasks = new FakeTasks(initial);
  const voice = new FakeVoice();
  const ptt = new FakePtt();
  const store = createStore(reducer, createInitialState({ tasks: initial, pttMode: ptt.mode() }), { sync: true });
  store.dispatch({ type: 'connection', state: voice.state() });
  const quits: ShutdownPolicy[] = [];
  // The clock stands still until a test moves it (the confirm guard reads it).
  let time = T0 + 65_000;
  const later = (ms = CONFIRM_GUARD_MS) => {
    time += ms;
  };
  const ctx: CommandContext = { tasks, voice, store, ptt, quit: (p) => quits.push(p), now: () => time };
  return { tasks, voice, ptt, store, ctx, quits, later, d: createDispatcher(ctx) };
}

describe('dispatchCommand', () => {
  it('refuses invalid args with the zod reason and records it', async () => {
    const { ctx, store } = setup();
    const r = await dispatchCommand(ctx, 'spawn_task', { name: '', prompt: 'x' }, 'voice');
    expect(r.ok).toBe(false);
    expect(r.say).toMatch(/name is required/);
    expect(r.say).toMatch(/project/);
    expect(lastActivity(store)).toMatch(/^voice → spawn_task\(\): invalid: name is required/);
  });

  it('refuses an unknown command without throwing', async () => {
    const { ctx } = setup();
    expect(await dispatchCommand(ctx, 'nope', {}, 'key')).toMatchObject({ ok: false, say: 'Unknown command "nope".' });
  });

  it('gives the disabled reason: cancelling a finished task', async () => {
    const { ctx, tasks } = setup();
    const r = await dispatchCommand(ctx, 'cancel_task', { task: 4 }, 'voice');
    expect(r).toMatchObject({ ok: false });
    expect(r.say).toBe('Cannot cancel now: task 4 is already completed.');
    expect(tasks.calls).toEqual([]);
  });

  it('by voice, cancel runs at once (the request is the confirmation) and leaves an activity line', async () => {
    const { ctx, tasks, store } = setup();
    const r = await dispatchCommand(ctx, 'cancel_task', { task: 'fix-login' }, 'voice');
    expect(r).toMatchObject({ ok: true, say: 'Cancelled task 3 "fix-login".' });
    expect(tasks.calls).toEqual(['cancel 3']);
    expect(lastActivity(store)).toBe('voice → cancel_task(3): cancelled');
  });

  it('by key, cancel asks first; y runs it, n does nothing', async () => {
    const { d, tasks, store, later } = setup();
    const pending = await d.press('cancel_task');
    expect(pending.data).toEqual({ pending: true });
    const o = store.getState().overlay;
    expect(o?.kind === 'confirm' && o.request.title).toBe('Cancel task 3 "fix-login"?');
    expect(tasks.calls).toEqual([]);
    later();
    expect(await d.answerConfirm('x')).toBeUndefined(); // not a choice: dialog stays
    expect(store.getState().overlay?.kind).toBe('confirm');
    await d.answerConfirm('n');
    expect(store.getState().overlay).toBeNull();
    expect(tasks.calls).toEqual([]);
    await d.press('cancel_task');
    later();
    const r = await d.answerConfirm('y');
    expect(r).toMatchObject({ ok: true });
    expect(tasks.calls).toEqual(['cancel 3']);
    expect(lastActivity(store)).toBe('key → cancel_task(3): cancelled');
    expect(store.getState().notices.at(-1)!.text).toBe('Task 3 fix-login cancelled');
  });

  it('a key press on a disabled command shows the reason as a notice', async () => {
    const { d, store } = setup();
    store.dispatch({ type: 'select/set', taskId: 4 });
    const r = await d.press('cancel_task');
    expect(r.ok).toBe(false);
    expect(store.getState().overlay).toBeNull();
    expect(store.getState().notices.at(-1)!.text).toBe('cancel: task 4 is already completed');
  });

  it('keys in the log and result views act on the task shown, even after voice moved the selection', async () => {
    const { d, ctx, store, later } = setup([task({ id: 3, name: 'fix-login' }), task({ id: 5, name: 'docs' })]);
    store.dispatch({ type: 'view/tail', taskId: 3 });
    // "How is docs doing?" selects task 5 while the log of task 3 stays open.
    await dispatchCommand(ctx, 'get_task_status', { task: 5 }, 'voice');
    expect(store.getState().selectedId).toBe(5);
    await d.press('cancel_task');
    const o = store.getState().overlay;
    expect(o?.kind === 'confirm' && o.request.title).toBe('Cancel task 3 "fix-login"?');
    later();
    await d.answerConfirm('n');
    store.dispatch({ type: 'view/result', taskId: 3 });
    store.dispatch({ type: 'select/set', taskId: 5 });
    await d.press('follow_up_task');
    const f = store.getState().overlay;
    expect(f?.kind === 'form' && f.form.taskId).toBe(3);
  });

  it('quit asks when tasks are live and hands the chosen policy back', async () => {
    const { d, quits, store, later } = setup();
    await d.press('quit');
    const o = store.getState().overlay;
    expect(o?.kind === 'confirm' && o.request.choices.map((c) => c.key)).toEqual(['k', 'c', 'escape']);
    later();
    await d.answerConfirm('escape');
    expect(quits).toEqual([]);
    await d.press('quit');
    later();
    await d.answerConfirm('c');
    expect(quits).toEqual(['cancel']);
  });

  it('quit with no live tasks does not ask', async () => {
    const { d, quits, store } = setup([task({ id: 1, name: 'a', status: 'completed' })]);
    await d.press('quit');
    expect(store.getState().overlay).toBeNull();
    expect(quits).toEqual(['keep']);
  });

  it('Enter opens the tail view and loads the log once', async () => {
    const { d, tasks, store } = setup();
    tasks.logs.set(3, [entry(1, 'text', 'hello')]);
    await d.press('get_task_status');
    const s = store.getState();
    expect(s.view).toMatchObject({ kind: 'tail', taskId: 3, follow: true });
    expect(s.tailLog).toMatchObject({ loading: false, entries: [{ text: 'hello' }] });
    expect(tasks.calls).toEqual(['readLogPage 3']);
    expect(s.transcript.filter((e) => e.id.startsWith('activity-'))).toEqual([]); // navigation by key leaves no activity line
  });

  it('the new-task form: refused submit keeps every value and shows the error inline; a good one spawns', async () => {
    const { d, tasks, store } = setup();
    await d.press('spawn_task');
    await new Promise((r) => setTimeout(r, 0)); // project list arrives
    const form = () => {
      const o = store.getState().overlay;
      if (o?.kind !== 'form') throw new Error('no form');
      return o.form;
    };
    expect(form().projects).toEqual(['api', 'app', 'web']);
    d.formKey({ name: 'text', text: 'w' });
    d.formKey({ name: 'complete' });
    expect(form().fields[0]!.value).toBe('web');
    d.formKey({ name: 'next' });
    d.formKey({ name: 'next' });
    d.formKey({ name: 'text', text: 'fix-login' });
    await d.submitForm();
    expect(form().error).toMatch(/prompt is required/);
    expect(form().fields.map((f) => f.value)).toEqual(['web', '', 'fix-login', '', '', '', '', '', '', '']);
    d.formKey({ name: 'prev' });
    d.formKey({ name: 'text', text: 'Fix the login bug' });
    expect(form().error).toBeUndefined();
    d.formKey({ name: 'next' });
    d.formKey({ name: 'next' });
    d.formKey({ name: 'next' });
    d.formKey({ name: 'text', text: 'yolo' });
    await d.submitForm();
    expect(form().error).toMatch(/permissions must be one of/);
    d.formKey({ name: 'backspace' });
    d.formKey({ name: 'backspace' });
    d.formKey({ name: 'backspace' });
    d.formKey({ name: 'backspace' });
    d.formKey({ name: 'text', text: 'plan' });
    const r = await d.submitForm();
    expect(r).toMatchObject({ ok: true });
    expect(store.getState().overlay).toBeNull();
    expect(tasks.calls).toEqual(['spawn fix-login web plan']);
    expect(store.getState().selectedId).toBe(5);
  });

  it('the new-task form has an optional budget: "$2.5" spawns with it, a word is refused inline', async () => {
    const { d, tasks, store } = setup();
    await d.press('spawn_task');
    const form = () => {
      const o = store.getState().overlay;
      if (o?.kind !== 'form') throw new Error('no form');
      return o.form;
    };
    expect(form().fields.map((f) => [f.name, f.label, f.optional ?? false])).toContainEqual([
      'budget_usd',
      'Budget $',
      true,
    ]);
    for (const text of ['web', 'Fix it', 'capped', '', '']) {
      if (text) d.formKey({ name: 'text', text });
      d.formKey({ name: 'next' });
    }
    expect(form().fields[form().focus]!.name).toBe('budget_usd');
    d.formKey({ name: 'text', text: 'lots' });
    await d.submitForm();
    expect(form().error).toMatch(/budget must be an amount of US dollars above zero/);
    expect(tasks.calls).toEqual([]);
    for (let i = 0; i < 4; i++) d.formKey({ name: 'backspace' });
    d.formKey({ name: 'text', text: '$2.5' });
    expect(await d.submitForm()).toMatchObject({ ok: true });
    expect(tasks.calls).toEqual(['spawn capped web $2.5']);
  });

  it('a spawn the task manager refuses (path outside roots) stays in the form with the reason', async () => {
    const { d, tasks, store } = setup();
    tasks.spawnRefusal = '/etc is outside the allowed roots (/home/u/src)';
    await d.press('spawn_task');
    for (const text of ['x', '/etc', 'do']) {
      d.formKey({ name: 'text', text });
      d.formKey({ name: 'next' });
    }
    await d.submitForm();
    const o = store.getState().overlay;
    expect(o?.kind === 'form' && o.form.error).toBe(
      'Could not start the task: /etc is outside the allowed roots (/home/u/src)',
    );
    expect(store.getState().notices).toEqual([]); // shown inline, not twice
  });

  it('message sends typed text to the voice session; with voice off the line opens, sends nothing and keeps the text', async () => {
    const { d, voice, store } = setup();
    await d.press('message');
    d.formKey({ name: 'text', text: 'how is task 3?' });
    await d.submitForm();
    expect(voice.sent).toEqual(['how is task 3?']);
    store.dispatch({ type: 'connection', state: { kind: 'disabled', reason: 'no OPENAI_API_KEY' } });
    await d.press('message');
    d.formKey({ name: 'text', text: 'quit yelling at me' });
    const r = await d.submitForm();
    expect(r).toMatchObject({
      ok: false,
      say: 'Not sent: voice is off: no OPENAI_API_KEY. The text stays here; Esc closes.',
    });
    expect(voice.sent).toEqual(['how is task 3?']);
    const o = store.getState().overlay;
    expect(o?.kind === 'form' && o.form.fields[0]!.value).toBe('quit yelling at me');
    expect(o?.kind === 'form' && o.form.error).toBe(r!.say);
    expect(store.getState().notices).toEqual([]);
  });

  it('follow-up with no task opens its form, which refuses to send and keeps the prompt', async () => {
    const { d, tasks, store } = setup([]);
    const r = await d.press('follow_up_task');
    expect(r).toMatchObject({ ok: true, data: { form: 'follow-up' } });
    d.formKey({ name: 'text', text: 'run the tests' });
    expect((await d.submitForm())?.say).toBe(
      'Not sent: no tasks yet — press n to start one. The text stays here; Esc closes.',
    );
    const o = store.getState().overlay;
    expect(o?.kind === 'form' && o.form.fields[0]!.value).toBe('run the tests');
    expect(tasks.calls).toEqual([]);
  });

  it('Space reaches the PTT source only in toggle mode; Esc discards while talking', async () => {
    const { d, ptt, store } = setup();
    await d.press('ptt_tap');
    expect(ptt.keys).toEqual(['space']);
    store.dispatch({ type: 'ptt/talking', talking: true });
    await d.press('ptt_discard');
    expect(ptt.keys).toEqual(['space', 'escape']);
    store.dispatch({ type: 'ptt/mode', mode: { kind: 'hold', key: 'Right Ctrl' } });
    const r = await d.press('ptt_tap');
    expect(r).toMatchObject({ ok: false, say: 'hold Right Ctrl to talk' });
    expect(ptt.keys).toHaveLength(2);
  });

  it('m cycles the notice mode through the voice session', async () => {
    const { d, voice, store } = setup();
    await d.press('set_notice_mode');
    expect(voice.mode).toBe('chime');
    expect(store.getState().noticeMode).toBe('chime');
    await d.press('set_notice_mode');
    await d.press('set_notice_mode');
    expect(voice.mode).toBe('speak');
    expect(lastActivity(store)).toBe('key → set_notice_mode(speak): speak');
  });

  it('a key press whose checks throw resolves to a refusal (no unhandled rejection in the UI)', async () => {
    const { ctx } = setup();
    const broken = defineCommand({
      id: 'broken',
      title: 'broken',
      description: 'throws in its check',
      keys: { main: ['x'] },
      noVoiceReason: 'test',
      disabledReason: () => {
        throw new Error('bad state');
      },
      run: async () => ({ ok: true, say: 'never' }),
    });
    const d = createDispatcher(ctx, [broken]);
    await expect(d.press('broken')).resolves.toEqual({ ok: false, say: 'bad state' });
    await expect(d.dispatch('broken', {}, 'key')).resolves.toEqual({ ok: false, say: 'bad state' });
  });

  it('a command that throws becomes a refusal, not an exception', async () => {
    const { ctx, tasks } = setup();
    tasks.cancel = async () => {
      throw new Error('disk full');
    };
    const r = await dispatchCommand(ctx, 'cancel_task', { task: 3 }, 'voice');
    expect(r).toMatchObject({ ok: false, say: 'cancel failed: disk full' });
  });
});

describe('confirm guard (keys that came with or right after the opening key are refused)', () => {
  it('confirmAccepts: not from the same chunk, not within the guard window', () => {
    expect(confirmAccepts({ at: 1_000, chunk: 4 }, { at: 1_000 + CONFIRM_GUARD_MS, chunk: 5 })).toBe(true);
    expect(confirmAccepts({ at: 1_000, chunk: 4 }, { at: 9_000, chunk: 4 })).toBe(false);
    expect(confirmAccepts({ at: 1_000, chunk: 4 }, { at: 1_000 + CONFIRM_GUARD_MS - 1, chunk: 5 })).toBe(false);
    expect(confirmAccepts({ at: 1_000 }, { at: 1_000 + CONFIRM_GUARD_MS })).toBe(true);
    expect(confirmAccepts({ at: 1_000 }, { at: 1_100 })).toBe(false);
  });

  it('cancel: y from the opening chunk or 100 ms later is refused and the dialog stays; y after the window runs', async () => {
    const { d, tasks, store, later } = setup();
    await d.press('cancel_task', 7);
    const o = store.getState().overlay;
    expect(o?.kind === 'confirm' && o.opened).toEqual({ at: T0 + 65_000, chunk: 7 });
    later(1_000);
    expect(await d.answerConfirm('y', 7)).toBeUndefined();
    expect(store.getState().overlay?.kind).toBe('confirm');
    expect(tasks.calls).toEqual([]);
    const { d: d2, tasks: tasks2, store: store2, later: later2 } = setup();
    await d2.press('cancel_task', 1);
    later2(100);
    expect(await d2.answerConfirm('y', 2)).toBeUndefined();
    expect(store2.getState().overlay?.kind).toBe('confirm');
    later2(50);
    expect(await d2.answerConfirm('y', 3)).toMatchObject({ ok: true });
    expect(tasks2.calls).toEqual(['cancel 3']);
  });

  it('quit: every answer within the window is refused, also Esc and the second Ctrl+C ("k")', async () => {
    const { d, quits, store, later } = setup();
    await d.press('quit', 1);
    for (const key of ['k', 'c', 'escape']) expect(await d.answerConfirm(key, 2)).toBeUndefined();
    expect(store.getState().overlay?.kind).toBe('confirm');
    expect(await d.answerConfirm('c', 1)).toBeUndefined();
    later();
    expect(await d.answerConfirm('c', 1)).toBeUndefined(); // still the opening chunk
    expect(await d.answerConfirm('k', 2)).toMatchObject({ ok: true });
    expect(quits).toEqual(['keep']);
  });
});
