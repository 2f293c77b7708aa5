// ↑/↓ recall earlier prompts in the new-task form (and earlier messages in the message line).
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { recallEntry, rememberForm, HISTORY_MAX } from '../../src/state/form-history.js';
import type { FormState } from '../../src/state/types.js';
import { KEY, mount } from './harness.js';

afterEach(() => cleanup());

function form(fields: [string, string][], focus = 0): FormState {
  return {
    kind: 'new-task',
    commandId: 'start_task',
    title: 't',
    fields: fields.map(([name, value]) => ({ name, label: name, value })),
    focus,
  };
}

const value = (f: FormState | undefined) => f?.fields[f.focus]?.value;

describe('history of the prompt fields and the message line', () => {
  it('a sent prompt comes back with ↑ in the next new-task form; ↓ gives back what was typed', async () => {
    const app = await mount();
    await app.press('n', 'w', KEY.tab, KEY.tab, 'Fix the login');
    await app.press(KEY.enter);
    expect(app.tasks.calls).toEqual(['spawn fix-login web']);
    await app.press('n', 'w', KEY.tab, KEY.tab, 'draft');
    const focused = () => {
      const o = app.store.getState().overlay;
      return o?.kind === 'form' ? o.form.fields[o.form.focus] : undefined;
    };
    expect(focused()?.name).toBe('prompt');
    await app.press(KEY.up);
    expect(focused()).toMatchObject({ name: 'prompt', value: 'Fix the login' });
    await app.press(KEY.down);
    expect(focused()).toMatchObject({ name: 'prompt', value: 'draft' });
  });

  it('remembers non-empty prompt and message values, newest last, without repeating the newest', () => {
    let h = rememberForm(
      undefined,
      form([
        ['name', 'x'],
        ['prompt', 'a'],
      ]),
    );
    h = rememberForm(h, form([['prompt', 'a']]));
    h = rememberForm(h, form([['prompt', '  ']]));
    h = rememberForm(h, form([['text', 'hello']]));
    expect(h).toEqual({ prompt: ['a'], text: ['hello'] });
    for (let i = 0; i < HISTORY_MAX + 5; i++) h = rememberForm(h, form([['prompt', `p${i}`]]));
    expect(h.prompt).toHaveLength(HISTORY_MAX);
    expect(h.prompt?.at(-1)).toBe(`p${HISTORY_MAX + 4}`);
  });

  it('↑ walks to older entries and stops at the oldest; ↓ walks back to the draft', () => {
    const h = { text: ['one', 'two', 'three'] };
    let f = form([['text', 'typing']]);
    f = recallEntry(f, h, true)!;
    expect(value(f)).toBe('three');
    f = recallEntry(f, h, true)!;
    f = recallEntry(f, h, true)!;
    expect(value(f)).toBe('one');
    expect(value(recallEntry(f, h, true))).toBe('one');
    f = recallEntry(f, h, false)!;
    expect(value(f)).toBe('two');
    f = recallEntry(recallEntry(f, h, false)!, h, false)!;
    expect(value(f)).toBe('typing');
    expect(f.historyIndex).toBeUndefined();
  });

  it('leaves ↑/↓ to move between fields where there is no history', () => {
    expect(recallEntry(form([['name', 'x']]), { name: ['y'] }, true)).toBeUndefined();
    expect(recallEntry(form([['prompt', 'x']]), {}, true)).toBeUndefined();
    expect(recallEntry(form([['prompt', 'x']]), { prompt: ['y'] }, false)).toBeUndefined();
  });
});
