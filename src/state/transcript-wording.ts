/**
 * How the conversation pane words what happened: the user's words once, the assistant's words,
 * and each tool call as one compact line in words ("→ spawn task 3: Started task 3 notes in
 * api."), never its JSON arguments. A voice tool call is recorded twice (the engine's own entry
 * and the command layer's activity line); the pane keeps the activity line once the call is done
 * and the engine's entry only while it runs. A typed message is already the user's own entry, so
 * its activity line is left out.
 */
import type { TranscriptEntry } from '../session/types.js';
import { sanitizeLine } from '../shared/sanitize.js';

/** "cancel_task" → "cancel task". */
function words(name: string): string {
  return name.replace(/_/g, ' ');
}

/** `{"task":"login","detail":"full"}` → `task login, detail full`; other text as it is, on one line. */
export function argWords(raw: string): string {
  const t = raw.trim();
  if (!t) return '';
  try {
    const v: unknown = JSON.parse(t);
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const text = Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined && x !== null && x !== '')
        .map(([k, x]) => `${words(k)} ${typeof x === 'string' ? x : JSON.stringify(x)}`)
        .join(', ')
        .replace(/\s+/g, ' ');
      // Decoding JSON turns escapes like \u001b back into control characters: clean again.
      return sanitizeLine(text);
    }
    return sanitizeLine(typeof v === 'string' ? v : t);
  } catch {
    // Cut short (clipped) JSON: drop its punctuation rather than show it.
    return t
      .replace(/[{}"]/g, '')
      .replace(/:/g, ' ')
      .replace(/,(?=\S)/g, ', ')
      .replace(/\s+/g, ' ')
      .trim();
  }
}

const ENGINE_CALL = /^([a-z_][\w]*)\((.*?)\)(?: → ([\s\S]*))?$/s;
const ACTIVITY = /^(\w+) → ([a-z_]\w*)\((.*?)\): ([\s\S]*)$/;

/** The wording of one tool or activity entry; null = not shown. */
function toolText(e: TranscriptEntry): string | null {
  const act = e.id.startsWith('activity-') ? ACTIVITY.exec(e.text) : null;
  if (act) {
    const [, , id, arg, what] = act;
    if (id === 'message') return null;
    return `→ ${words(id!)}${arg ? ` ${arg}` : ''}: ${what}`;
  }
  const engine = e.id.startsWith('tool_') || e.id.startsWith('tool-');
  // The activity line of the same call says how it ended.
  if (engine && e.final) return null;
  const call = ENGINE_CALL.exec(e.text.trim());
  if (!call) return e.text.startsWith('→') ? e.text : `→ ${words(e.text)}`;
  const [, name, args, result] = call;
  const a = argWords(args ?? '');
  const head = `→ ${words(name!)}${a ? ` · ${a}` : ''}`;
  if (result !== undefined) return `${head}: ${result}`;
  return e.final ? head : `${head} …`;
}

/** The entries the pane shows, worded for a person (the same array when nothing changes). */
export function transcriptForScreen(entries: readonly TranscriptEntry[]): readonly TranscriptEntry[] {
  const out: TranscriptEntry[] = [];
  for (const e of entries) {
    if (e.role !== 'tool') {
      out.push(e);
      continue;
    }
    const text = toolText(e);
    if (text !== null) out.push(text === e.text ? e : { ...e, text });
  }
  return out;
}
