/**
 * The one line editor of every text field (the message line, the new-task and follow-up forms):
 * a value and a cursor, and the edits a person expects from a shell prompt. Pure: an edit takes
 * the state and returns the next one (the same object when nothing changed). Cursor positions
 * count UTF-16 code units but never land inside a surrogate pair.
 */

/** A field's text and where the cursor is (0 = before the first character). */
export interface LineState {
  value: string;
  cursor: number;
}

/** One edit. `paste` keeps line breaks (a pasted multi-line prompt stays whole); `text` does not. */
export type LineEdit =
  | { name: 'text'; text: string }
  | { name: 'paste'; text: string }
  | { name: 'newline' }
  | { name: 'backspace' }
  | { name: 'delete' }
  | { name: 'left' }
  | { name: 'right' }
  | { name: 'word-left' }
  | { name: 'word-right' }
  | { name: 'home' }
  | { name: 'end' }
  /** Ctrl+W: the word before the cursor. */
  | { name: 'delete-word' }
  /** Ctrl+U: everything before the cursor. */
  | { name: 'delete-to-start' }
  /** Ctrl+K: everything after the cursor. */
  | { name: 'delete-to-end' };

/** The names of {@link LineEdit}s, for routing keys. */
export const LINE_EDITS: ReadonlySet<string> = new Set([
  'text',
  'paste',
  'newline',
  'backspace',
  'delete',
  'left',
  'right',
  'word-left',
  'word-right',
  'home',
  'end',
  'delete-word',
  'delete-to-start',
  'delete-to-end',
]);

const isLow = (s: string, i: number): boolean => {
  const c = s.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff;
};

/** One character left of `i` (a surrogate pair is one character). */
function prevIndex(s: string, i: number): number {
  if (i <= 0) return 0;
  return i >= 2 && isLow(s, i - 1) ? i - 2 : i - 1;
}

/** One character right of `i`. */
function nextIndex(s: string, i: number): number {
  if (i >= s.length) return s.length;
  return isLow(s, i + 1) ? i + 2 : i + 1;
}

const isSpace = (ch: string | undefined): boolean => ch !== undefined && /\s/.test(ch);

/** Start of the word before `i` (spaces before it skipped), as shells do for Ctrl+W and Alt+B. */
function wordStart(s: string, i: number): number {
  let j = i;
  while (j > 0 && isSpace(s[j - 1])) j--;
  while (j > 0 && !isSpace(s[j - 1])) j--;
  return j;
}

/** End of the word after `i`. */
function wordEnd(s: string, i: number): number {
  let j = i;
  while (j < s.length && isSpace(s[j])) j++;
  while (j < s.length && !isSpace(s[j])) j++;
  return j;
}

/** Control characters other than line breaks would tear the screen; tabs become spaces. */
function cleanTyped(text: string, keepBreaks: boolean): string {
  let t = text.replace(/\t/g, ' ');
  if (keepBreaks) t = t.replace(/\r\n?/g, '\n');
  // eslint-disable-next-line no-control-regex
  return keepBreaks ? t.replace(/[\x00-\x09\x0b-\x1f\x7f]/g, '') : t.replace(/[\x00-\x1f\x7f]/g, '');
}

/** A state for `value` with the cursor at its end. */
export function lineAt(value: string, cursor = value.length): LineState {
  return { value, cursor: Math.max(0, Math.min(value.length, cursor)) };
}

/** Applies `edit`; `max` bounds the value's length (a paste can be long, not unbounded). */
export function applyEdit(state: LineState, edit: LineEdit, max = Number.POSITIVE_INFINITY): LineState {
  const { value: v } = state;
  const c = Math.max(0, Math.min(v.length, state.cursor));
  const replace = (from: number, to: number, ins: string): LineState => {
    const room = Math.max(0, max - (v.length - (to - from)));
    const add = ins.slice(0, room);
    const next = { value: v.slice(0, from) + add + v.slice(to), cursor: from + add.length };
    return next.value === v && next.cursor === c ? state : next;
  };
  const move = (to: number): LineState => (to === c ? state : { value: v, cursor: to });
  switch (edit.name) {
    case 'text': {
      const t = cleanTyped(edit.text, false);
      return t ? replace(c, c, t) : state;
    }
    case 'paste': {
      const t = cleanTyped(edit.text, true);
      return t ? replace(c, c, t) : state;
    }
    case 'newline':
      return replace(c, c, '\n');
    case 'backspace':
      return c > 0 ? replace(prevIndex(v, c), c, '') : state;
    case 'delete':
      return c < v.length ? replace(c, nextIndex(v, c), '') : state;
    case 'left':
      return move(prevIndex(v, c));
    case 'right':
      return move(nextIndex(v, c));
    case 'word-left':
      return move(wordStart(v, c));
    case 'word-right':
      return move(wordEnd(v, c));
    case 'home':
      return move(0);
    case 'end':
      return move(v.length);
    case 'delete-word':
      return c > 0 ? replace(wordStart(v, c), c, '') : state;
    case 'delete-to-start':
      return c > 0 ? replace(0, c, '') : state;
    case 'delete-to-end':
      return c < v.length ? replace(c, v.length, '') : state;
  }
}
