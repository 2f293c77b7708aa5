import { describe, expect, it } from 'vitest';
import { applyEdit, lineAt, type LineEdit, type LineState } from '../../src/input/line-editor.js';

const run = (s: LineState, ...edits: LineEdit[]): LineState => edits.reduce((x, e) => applyEdit(x, e), s);
const show = (s: LineState): string => `${s.value.slice(0, s.cursor)}|${s.value.slice(s.cursor)}`;

describe('line editor', () => {
  it('moves by character, by word and to either end, and inserts at the cursor', () => {
    let s = lineAt('fix the login bug');
    s = run(s, { name: 'word-left' }, { name: 'word-left' });
    expect(show(s)).toBe('fix the |login bug');
    s = run(s, { name: 'text', text: 'broken ' });
    expect(show(s)).toBe('fix the broken |login bug');
    s = run(s, { name: 'home' }, { name: 'right' }, { name: 'right' });
    expect(show(s)).toBe('fi|x the broken login bug');
    s = run(s, { name: 'end' }, { name: 'left' }, { name: 'word-right' });
    expect(show(s)).toBe('fix the broken login bug|');
    s = run(s, { name: 'home' }, { name: 'word-right' });
    expect(show(s)).toBe('fix| the broken login bug');
  });

  it('deletes a character either side, the word before, and to either end', () => {
    const s = lineAt('one two three', 8);
    expect(show(run(s, { name: 'backspace' }))).toBe('one two|three');
    expect(show(run(s, { name: 'delete' }))).toBe('one two |hree');
    expect(show(run(s, { name: 'delete-word' }))).toBe('one |three');
    expect(show(run(s, { name: 'delete-to-start' }))).toBe('|three');
    expect(show(run(s, { name: 'delete-to-end' }))).toBe('one two |');
  });

  it('a paste keeps its line breaks; typed text and Alt+Enter follow their own rules', () => {
    const s = run(lineAt(''), { name: 'paste', text: 'first line\r\nsecond line' });
    expect(s.value).toBe('first line\nsecond line');
    expect(run(s, { name: 'newline' }, { name: 'text', text: 'third\x07' }).value).toBe(
      'first line\nsecond line\nthird',
    );
    expect(run(lineAt(''), { name: 'text', text: 'a\nb\tc' }).value).toBe('ab c');
  });

  it('never splits a surrogate pair and respects the length bound', () => {
    const s = lineAt('ok 🎉');
    expect(run(s, { name: 'backspace' }).value).toBe('ok ');
    expect(run(s, { name: 'left' }).cursor).toBe(3);
    expect(applyEdit(lineAt('abc'), { name: 'text', text: 'defgh' }, 5).value).toBe('abcde');
  });

  it('returns the same state when nothing changes', () => {
    const s = lineAt('x', 0);
    expect(applyEdit(s, { name: 'backspace' })).toBe(s);
    expect(applyEdit(s, { name: 'left' })).toBe(s);
  });
});
