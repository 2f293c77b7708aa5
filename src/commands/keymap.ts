/**
 * Keys → command ids, derived from the registry. Ink-free: it takes the shape of Ink's `Key`
 * object structurally.
 */
import type { FormKey } from '../state/actions.js';
import { focusedTask } from '../state/selectors.js';
import type { AppState, Scope } from '../state/types.js';
import { formArgs } from './forms.js';
import { commands } from './registry.js';
import type { AnyCommandSpec, CommandId, KeyName } from './types.js';

/** The fields of Ink's `useInput` key object the key map reads. */
export interface KeyLike {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
  shift?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
  meta?: boolean;
}

/** The key map's name for an Ink key event ('enter', 'ctrl+c', 'F', ' ' → 'space'), or undefined. */
export function keyNameOf(input: string, key: KeyLike): KeyName | undefined {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'enter';
  if (key.escape) return 'escape';
  if (key.tab) return key.shift ? 'shift+tab' : 'tab';
  if (key.backspace || key.delete) return 'backspace';
  if (key.ctrl && input) return `ctrl+${input.toLowerCase()}`;
  if (input === ' ') return 'space';
  if (input.length === 1) return input;
  return undefined;
}

/** One key of a chunk: its input text and the Ink-style flags. */
export interface KeyEvent {
  input: string;
  key: KeyLike;
}

/**
 * Ink delivers a run of plain characters that arrived in one chunk as ONE event ("jjk",
 * "fix-login\t" when tmux sends text then Tab). This splits such a run back into keys: control
 * characters become their keys (Tab, Enter, Backspace, Ctrl+letter); printable characters stay
 * together in runs, so typing into a form keeps pasted text whole. Escape sequences and single
 * keys pass through untouched.
 */
export function splitKeys(input: string, key: KeyLike): KeyEvent[] {
  if (input.length <= 1 || input.startsWith('\u001B') || key.ctrl || key.meta) return [{ input, key }];
  const out: KeyEvent[] = [];
  let text = '';
  const flush = () => {
    if (text) out.push({ input: text, key: {} });
    text = '';
  };
  for (const ch of input) {
    const code = ch.codePointAt(0)!;
    if (code >= 0x20 && code !== 0x7f) {
      text += ch;
      continue;
    }
    flush();
    if (ch === '\t') out.push({ input: '', key: { tab: true } });
    else if (ch === '\r' || ch === '\n') out.push({ input: '', key: { return: true } });
    else if (ch === '\x7f' || ch === '\b') out.push({ input: '', key: { backspace: true } });
    else if (code >= 1 && code <= 26) out.push({ input: String.fromCharCode(code + 96), key: { ctrl: true } });
  }
  flush();
  return out;
}

/**
 * Numbers the terminal reads: every key Ink delivers during one synchronous read gets the same
 * number, also when Ink splits the read into several events around escape sequences. A read ends
 * when the handlers return, so the number moves on at the next microtask.
 */
export function createChunkCounter(): () => number {
  let chunk = 0;
  let reading = false;
  return () => {
    if (!reading) {
      chunk += 1;
      reading = true;
      queueMicrotask(() => {
        reading = false;
      });
    }
    return chunk;
  };
}

/** What a key does in an open form: edit it, send it, or close it. */
export type FormKeyAction = { kind: 'edit'; key: FormKey } | { kind: 'submit' } | { kind: 'close' };

/**
 * The form's own keys. Ctrl+C is not among them: it is the quit command's key in the `form`
 * scope of the registry, so a form never swallows it.
 */
const FORM_KEYS: ReadonlyMap<KeyName, FormKeyAction> = new Map<KeyName, FormKeyAction>([
  ['escape', { kind: 'close' }],
  ['enter', { kind: 'submit' }],
  ['tab', { kind: 'edit', key: { name: 'complete' } }],
  ['shift+tab', { kind: 'edit', key: { name: 'prev' } }],
  ['up', { kind: 'edit', key: { name: 'older' } }],
  ['down', { kind: 'edit', key: { name: 'newer' } }],
  ['backspace', { kind: 'edit', key: { name: 'backspace' } }],
  // The line editor (input/line-editor.ts): the keys of a shell prompt.
  ['left', { kind: 'edit', key: { name: 'left' } }],
  ['right', { kind: 'edit', key: { name: 'right' } }],
  ['home', { kind: 'edit', key: { name: 'home' } }],
  ['end', { kind: 'edit', key: { name: 'end' } }],
  ['ctrl+a', { kind: 'edit', key: { name: 'home' } }],
  ['ctrl+e', { kind: 'edit', key: { name: 'end' } }],
  ['ctrl+w', { kind: 'edit', key: { name: 'delete-word' } }],
  ['ctrl+u', { kind: 'edit', key: { name: 'delete-to-start' } }],
  ['ctrl+k', { kind: 'edit', key: { name: 'delete-to-end' } }],
  ['ctrl+d', { kind: 'edit', key: { name: 'delete' } }],
]);

/** Keys with Alt (meta) or Ctrl held that the key names above do not tell apart. */
function modifiedFormKey(input: string, key: KeyLike): FormKeyAction | undefined {
  // Alt+Enter: a line break inside a prompt instead of sending it.
  if (key.return && key.meta) return { kind: 'edit', key: { name: 'newline' } };
  if ((key.meta || key.ctrl) && key.leftArrow) return { kind: 'edit', key: { name: 'word-left' } };
  if ((key.meta || key.ctrl) && key.rightArrow) return { kind: 'edit', key: { name: 'word-right' } };
  if (key.meta && input === 'b') return { kind: 'edit', key: { name: 'word-left' } };
  if (key.meta && input === 'f') return { kind: 'edit', key: { name: 'word-right' } };
  if (key.meta && (key.backspace || key.delete)) return { kind: 'edit', key: { name: 'delete-word' } };
  return undefined;
}

/** What one key event does in an open form: a form key, else its text is typed; undefined = nothing. */
export function formKeyAction(input: string, key: KeyLike): FormKeyAction | undefined {
  const modified = modifiedFormKey(input, key);
  if (modified) return modified;
  const name = keyNameOf(input, key);
  const bound = name !== undefined ? FORM_KEYS.get(name) : undefined;
  if (bound) return bound;
  return input && !key.ctrl && !key.meta ? { kind: 'edit', key: { name: 'text', text: input } } : undefined;
}

/**
 * The key a key press answers a confirm dialog with: letters case-folded ('Y' is 'y'); other
 * names as they are ('escape', 'ctrl+c' — a choice takes it through its `alsoKeys`).
 */
export function confirmKeyOf(name: KeyName): string {
  return name.length === 1 ? name.toLowerCase() : name;
}

const LABELS: Readonly<Record<string, string>> = {
  up: '↑',
  down: '↓',
  left: '←',
  right: '→',
  pageup: 'PgUp',
  pagedown: 'PgDn',
  home: 'Home',
  end: 'End',
  enter: 'Enter',
  escape: 'Esc',
  tab: 'Tab',
  'shift+tab': 'Shift+Tab',
  space: 'Space',
  backspace: 'Backspace',
};

/** How a key is printed in hints and help ("↑", "Ctrl+C", "Esc"). */
export function keyLabel(name: KeyName): string {
  const known = LABELS[name];
  if (known) return known;
  if (name.startsWith('ctrl+')) return `Ctrl+${name.slice(5).toUpperCase()}`;
  return name;
}

/** "↓/j", or "/ Tab" when one of the keys is itself a slash. */
export function joinKeys(keys: readonly KeyName[]): string {
  const labels = keys.map(keyLabel);
  return labels.join(labels.includes('/') ? ' ' : '/');
}

/** Key name → command ids, per scope, in registry order. */
export type Keymap = ReadonlyMap<Scope, ReadonlyMap<KeyName, readonly CommandId[]>>;

/** Builds the key map of a registry. */
export function buildKeymap(registry: readonly AnyCommandSpec[] = commands): Keymap {
  const map = new Map<Scope, Map<KeyName, CommandId[]>>();
  for (const spec of registry) {
    for (const [scope, keys] of Object.entries(spec.keys ?? {}) as [Scope, KeyName[]][]) {
      const byKey = map.get(scope) ?? new Map<KeyName, CommandId[]>();
      map.set(scope, byKey);
      for (const k of keys) byKey.set(k, [...(byKey.get(k) ?? []), spec.id]);
    }
  }
  return map;
}

/** Why a command is unavailable right now, with key-press args; undefined when it can run. */
export function disabledNow(spec: AnyCommandSpec<string>, state: AppState): string | undefined {
  return spec.disabledReason?.(state, spec.argsFromState?.(state) ?? {});
}

/**
 * Why the open form cannot be sent right now ("voice is off: no OPENAI_API_KEY", "no task
 * selected"); undefined when it can, or when no form is open. The form stays usable for typing.
 */
export function formUnavailable(
  state: AppState,
  registry: readonly AnyCommandSpec<string>[] = commands,
): string | undefined {
  const o = state.overlay;
  if (o?.kind !== 'form') return undefined;
  return registry.find((c) => c.id === o.form.commandId)?.disabledReason?.(state, formArgs(o.form));
}

/**
 * The command a key runs in a scope: the first enabled one bound to it; when all are disabled,
 * the first that is not hidden (pressing it shows its reason); otherwise none.
 */
export function resolveKey(
  state: AppState,
  scope: Scope,
  name: KeyName | undefined,
  registry: readonly AnyCommandSpec[] = commands,
  keymap: Keymap = buildKeymap(registry),
): CommandId | undefined {
  if (!name) return undefined;
  const ids = keymap.get(scope)?.get(name) ?? [];
  const specs = ids.map((id) => registry.find((c) => c.id === id)).filter((s): s is AnyCommandSpec => !!s);
  const enabled = specs.find((s) => !disabledNow(s, state));
  if (enabled) return enabled.id;
  return specs.find((s) => !s.hideWhenDisabled)?.id;
}

/** One footer hint: keys, a short title, and why it is dimmed (if it is). */
export interface KeyHint {
  id: CommandId;
  keys: string;
  title: string;
  disabled?: string;
  /** The key shows only in a situation (a waiting request, a worktree task): the footer puts it first. */
  situational?: boolean;
  /** A key of this view alone (the log view's search, the diff's scrolling): the footer puts it before the task keys. */
  ofView?: boolean;
}

/** Footer hints for the current scope and selection: hidden commands left out, others dimmed with a reason. */
export function footerHints(state: AppState, scope: Scope, registry: readonly AnyCommandSpec[] = commands): KeyHint[] {
  const hints: KeyHint[] = [];
  const seen = new Set<string>();
  for (const spec of registry) {
    const keys = spec.keys?.[scope];
    if (!keys?.length) continue;
    const reason = disabledNow(spec, state);
    if (reason && spec.hideWhenDisabled) continue;
    const label = joinKeys(keys);
    // Next/previous share one hint ("↓/j/↑/k select").
    const dup = `${spec.title}|${reason ?? ''}`;
    if (seen.has(dup)) {
      const h = hints.find((x) => `${x.title}|${x.disabled ?? ''}` === dup);
      if (h) h.keys = `${h.keys}/${label}`;
      continue;
    }
    seen.add(dup);
    hints.push({
      id: spec.id,
      keys: label,
      title: spec.title,
      ...(reason ? { disabled: reason } : {}),
      ...(spec.hideWhenDisabled ? { situational: true } : {}),
      ...(scope !== 'main' && Object.keys(spec.keys ?? {}).length === 1 ? { ofView: true } : {}),
    });
  }
  // Without a selection every task hint would be dimmed for the same reason: show none of them.
  return focusedTask(state) ? hints : hints.filter((h) => !h.disabled || h.id === 'spawn_task');
}

/** One row of the help overlay. */
export interface HelpRow {
  id: CommandId;
  title: string;
  description: string;
  /** Every key that runs it, in any scope ("Esc/?"); empty when keyless. */
  keys: string;
  /** Voice tool name, when there is one. */
  tool?: string;
  /** Written reason for a missing key or missing tool. */
  note?: string;
}

const SCOPE_ORDER: readonly Scope[] = ['main', 'tail', 'result', 'help', 'notices', 'form', 'confirm', 'diff'];

/** Help overlay rows, straight from the registry; commands of one help group share a row. */
export function helpRows(registry: readonly AnyCommandSpec[] = commands): HelpRow[] {
  const rows: HelpRow[] = [];
  const byGroup = new Map<string, HelpRow>();
  for (const spec of registry) {
    const keys = [...new Set(SCOPE_ORDER.flatMap((s) => spec.keys?.[s] ?? []))];
    const grouped = spec.helpGroup ? byGroup.get(spec.helpGroup) : undefined;
    if (grouped) {
      grouped.keys = `${grouped.keys} ${joinKeys(keys)}`.trim();
      continue;
    }
    const note = !spec.voice ? spec.noVoiceReason : !spec.keys ? spec.noKeyReason : undefined;
    const row: HelpRow = {
      id: spec.id,
      title: spec.helpGroup ?? spec.title,
      description: spec.description,
      keys: joinKeys(keys),
      ...(spec.voice ? { tool: spec.voice.name } : {}),
      ...(note ? { note } : {}),
    };
    if (spec.helpGroup) byGroup.set(spec.helpGroup, row);
    rows.push(row);
  }
  return rows;
}

/**
 * Why each help row's command does nothing right now, by row id: the help overlay shows these,
 * since the footer leaves unavailable keys out. Commands sharing a row give the first one's reason.
 */
export function unavailableNow(
  state: AppState,
  registry: readonly AnyCommandSpec[] = commands,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const row of helpRows(registry)) {
    const spec = registry.find((c) => c.id === row.id);
    const reason = spec?.keys ? disabledNow(spec, { ...state, overlay: null }) : undefined;
    if (reason) out[row.id] = reason;
  }
  return out;
}
