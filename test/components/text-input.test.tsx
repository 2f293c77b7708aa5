import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { KEY, mount } from './harness.js';

afterEach(() => cleanup());

const left = '\u001b[D';
const ctrl = (ch: string) => String.fromCharCode(ch.charCodeAt(0) - 96);

describe('text fields share the line editor', () => {
  it('a bracketed paste of a two-line prompt reaches the agent whole', async () => {
    const app = await mount();
    await app.press('n', 'w', KEY.tab, KEY.tab);
    await app.press('\u001b[200~Fix the login\rand add a test\u001b[201~');
    expect(app.store.getState().overlay?.kind).toBe('form');
    expect(app.frame()).toContain('(2 lines)');
    await app.press(KEY.enter);
    expect(app.tasks.calls).toEqual(['spawn fix-login web']);
    expect(app.store.getState().tasks[1]!.prompt).toBe('Fix the login\nand add a test');
  });

  it('cursor moves, Ctrl+A/E/W/U/K and Alt+Enter edit the field', async () => {
    const app = await mount();
    await app.press(':', 'hello world');
    const value = () => {
      const o = app.store.getState().overlay;
      return o?.kind === 'form' ? o.form.fields[o.form.focus]!.value : '';
    };
    await app.press(left, left, left, left, left, 'big ');
    expect(value()).toBe('hello big world');
    await app.press(ctrl('w'));
    expect(value()).toBe('hello world');
    await app.press(ctrl('a'), 'oh ', ctrl('e'), '!');
    expect(value()).toBe('oh hello world!');
    await app.press(ctrl('a'), ctrl('k'));
    expect(value()).toBe('');
    await app.press('one', '\u001b\r', 'two');
    expect(value()).toBe('one\ntwo');
    await app.press(ctrl('u'));
    expect(value()).toBe('');
  });
});
