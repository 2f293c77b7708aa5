/**
 * Routes terminal input to the dispatcher: form keys and text to the open form, answers to the
 * open confirm dialog, every other key to the command the key map binds it to. Ink-free: it takes
 * Ink's input string and key object structurally.
 *
 * The typed-text rules live here. Outside a form one input event is ONE key press however many
 * characters it holds: a paste or a burst of fast typing ("quit yelling at me") is text, never a
 * series of commands. Its first key acts; when that key opened a form the rest is typed into it,
 * otherwise the rest is dropped. A confirm dialog refuses keys from the read that opened it (see
 * `confirmAccepts` in dispatch.ts).
 */
import { diffSearchTyping } from '../state/diff-search.js';
import { tailSearchTyping } from '../state/tail-search.js';
import { scopeOf } from '../state/selectors.js';
import { searchLineKey } from './search-line-input.js';
import { tailSearchKey } from './tail-search.js';
import type { Dispatcher } from './dispatch.js';
import {
  confirmKeyOf,
  formKeyAction,
  keyNameOf,
  resolveKey,
  splitKeys,
  type KeyEvent,
  type KeyLike,
  type Keymap,
} from './keymap.js';

/** A run of several printable characters (a paste, fast typing) rather than one named key. */
function isTypedRun(ev: KeyEvent): boolean {
  if (ev.input.length < 2 || keyNameOf(ev.input, ev.key) || ev.key.meta) return false;
  return [...ev.input].every((ch) => {
    const code = ch.codePointAt(0)!;
    return code >= 0x20 && code !== 0x7f;
  });
}

/** Bracketed paste: the terminal wraps pasted text in these (Ink hands them over without the ESC). */
const PASTE_START = '[200~';
const PASTE_END = '[201~';
/** Per dispatcher: a paste has begun and not ended yet. */
const pasting = new WeakMap<Dispatcher, boolean>();

/**
 * A bracketed paste is text, whole: in a form it goes into the field with its line breaks (a
 * two-line prompt stays two lines); anywhere else it is dropped, never read as keys. True when
 * the event belonged to a paste.
 */
function handlePaste(commands: Dispatcher, input: string, key: KeyLike): boolean {
  const raw = input.startsWith('\u001b') ? input.slice(1) : input;
  if (raw === PASTE_START || raw.startsWith(PASTE_START)) {
    pasting.set(commands, true);
    const rest = raw.slice(PASTE_START.length);
    if (rest) handlePaste(commands, rest, key);
    return true;
  }
  if (!pasting.get(commands)) return false;
  const end = raw.indexOf(PASTE_END);
  const text = end >= 0 ? raw.slice(0, end) : key.return ? '\n' : raw;
  if (end >= 0) pasting.set(commands, false);
  if (text && scopeOf(commands.ctx.store.getState()) === 'form') commands.formKey({ name: 'paste', text });
  return true;
}

/**
 * Routes one Ink input event (see the module comment). `chunk` numbers the terminal read the event
 * came in (see `createChunkCounter`).
 */
export function handleKey(commands: Dispatcher, keymap: Keymap, input: string, key: KeyLike, chunk?: number): void {
  if (handlePaste(commands, input, key)) return;
  const events = splitKeys(input, key);
  // Once one event of the string has been handled, the rest may only go to a form (the one that
  // key opened, or the one open all along); after that form closes, the rest is dropped too.
  let acted = false;
  for (let i = 0; i < events.length; i++) {
    const ev = events[i]!;
    if (scopeOf(commands.ctx.store.getState()) === 'form') {
      formKey(commands, keymap, ev.input, ev.key, chunk);
    } else if (diffSearchTyping(commands.ctx.store.getState())) {
      searchLineKey((op) => commands.ctx.store.dispatch({ type: 'diff/search', op }), ev.input, ev.key);
    } else if (tailSearchTyping(commands.ctx.store.getState())) {
      tailSearchKey(commands.ctx, ev.input, ev.key);
    } else if (!acted && isTypedRun(ev)) {
      const [first = '', ...rest] = [...ev.input];
      events.splice(i + 1, 0, { input: rest.join(''), key: {} });
      oneKey(commands, keymap, first, {}, chunk);
    } else if (!acted) {
      oneKey(commands, keymap, ev.input, ev.key, chunk);
    }
    acted = true;
  }
}

function formKey(commands: Dispatcher, keymap: Keymap, input: string, key: KeyLike, chunk: number | undefined): void {
  const state = commands.ctx.store.getState();
  const id = resolveKey(state, 'form', keyNameOf(input, key), commands.registry, keymap);
  if (id) {
    void commands.press(id, chunk);
    return;
  }
  const action = formKeyAction(input, key);
  if (action?.kind === 'close') commands.close();
  else if (action?.kind === 'submit') void commands.submitForm();
  else if (action?.kind === 'edit') commands.formKey(action.key);
}

function oneKey(commands: Dispatcher, keymap: Keymap, input: string, key: KeyLike, chunk: number | undefined): void {
  const state = commands.ctx.store.getState();
  const scope = scopeOf(state);
  const name = keyNameOf(input, key);
  if (scope === 'confirm') {
    if (name) void commands.answerConfirm(confirmKeyOf(name), chunk);
    return;
  }
  const id = resolveKey(state, scope, name, commands.registry, keymap);
  if (id) void commands.press(id, chunk);
}
