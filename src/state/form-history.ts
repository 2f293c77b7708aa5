/**
 * History of earlier entries in the prompt fields and the message line: ↑ recalls an older entry
 * (the text being typed is kept as a draft), ↓ a newer one and, past the newest, the draft again.
 * Entries are remembered when a form is sent successfully, per field name, newest last.
 */
import type { FormState } from './types.js';

/** Fields whose sent values are remembered: the prompts and the message line. */
export const HISTORY_FIELDS: ReadonlySet<string> = new Set(['prompt', 'text']);

/** Entries kept per field. */
export const HISTORY_MAX = 50;

/** Field name → its earlier entries, oldest first. */
export type FormHistory = Readonly<Record<string, readonly string[]>>;

/** The history after `form` was sent: each non-empty history field's value appended (a repeat of the newest is not). */
export function rememberForm(history: FormHistory | undefined, form: FormState): FormHistory {
  let out: Record<string, readonly string[]> | undefined;
  for (const f of form.fields) {
    if (!HISTORY_FIELDS.has(f.name) || f.value.trim() === '') continue;
    const list = (out ?? history ?? {})[f.name] ?? [];
    if (list[list.length - 1] === f.value) continue;
    out ??= { ...(history ?? {}) };
    out[f.name] = [...list, f.value].slice(-HISTORY_MAX);
  }
  return out ?? history ?? {};
}

/**
 * ↑ (`older`) or ↓ (newer) in a form: the form with the recalled entry in its focused field, or
 * undefined when the key is not for history here (not a history field, no entries, ↓ while not
 * browsing) so the caller moves between fields as before.
 */
export function recallEntry(form: FormState, history: FormHistory | undefined, older: boolean): FormState | undefined {
  const field = form.fields[form.focus];
  if (!field || !HISTORY_FIELDS.has(field.name)) return undefined;
  const entries = history?.[field.name] ?? [];
  if (entries.length === 0) return undefined;
  const at = form.historyIndex;
  if (!older && at === undefined) return undefined;
  let next: number | undefined;
  if (older) next = at === undefined ? 0 : Math.min(at + 1, entries.length - 1);
  else next = (at as number) - 1 < 0 ? undefined : (at as number) - 1;
  if (next === at) return form;
  const draft = at === undefined ? field.value : (form.historyDraft ?? '');
  const value = next === undefined ? draft : (entries[entries.length - 1 - next] as string);
  const fields = form.fields.map((f, i) => {
    if (i !== form.focus) return f;
    const { cursor: _c, ...rest } = f;
    return { ...rest, value };
  });
  const out: FormState = { ...form, fields, error: undefined };
  if (next === undefined) {
    delete out.historyIndex;
    delete out.historyDraft;
  } else {
    out.historyIndex = next;
    out.historyDraft = draft;
  }
  return out;
}
