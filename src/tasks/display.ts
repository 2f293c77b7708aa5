import { oneLine, sanitizeText } from '../shared/sanitize.js';
import type { AgentEvent, TaskOutputEntry } from './types.js';
import { apiErrorMessage, describeResult } from './outcome.js';

// The one sanitiser (src/shared/sanitize.ts) cleans every outside string that becomes an entry.
export { oneLine } from '../shared/sanitize.js';

/** First non-empty line of `s`, sanitised, cut to `max` characters. */
export function firstLineOf(s: string, max = 80): string {
  // Only the head matters; a huge text must not be scanned (or copied) whole.
  const clean = sanitizeText(s.length > 4096 ? s.slice(0, 4096) : s);
  for (const line of clean.split('\n')) {
    if (line.trim() !== '') return oneLine(line, max);
  }
  return '';
}

/** Longest tool_result text shown in a tail view. */
const TOOL_RESULT_MAX = 400;
/**
 * Longest text or raw entry. Keeps the in-memory tail bounded (a 1 MiB line × tail size would
 * not be); nobody reads more than this in a pane or aloud, and the raw line stays in the log.
 */
export const ENTRY_TEXT_MAX = 16_000;

type Entry = Pick<TaskOutputEntry, 'kind' | 'text' | 'truncated' | 'isError'>;

function cut(s: string, max: number): { text: string; truncated: boolean } {
  if (s.length <= max) return { text: s, truncated: false };
  return { text: `${s.slice(0, max - 1)}…`, truncated: true };
}

/** "1.5 s", "300 ms". */
function seconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** "API retry 3/10 (overloaded, HTTP 529), next try in 2.1 s". */
function retryText(ev: Extract<AgentEvent, { type: 'api_retry' }>): string {
  const why = [ev.error, ev.errorStatus !== null ? `HTTP ${ev.errorStatus}` : ''].filter(Boolean).join(', ');
  return `API retry ${ev.attempt}/${ev.maxRetries}${why ? ` (${oneLine(why, 60)})` : ''}, next try in ${seconds(ev.retryDelayMs)}…`;
}

/** "API error 401: Invalid API key · Fix external API key". */
export function apiErrorText(ev: Extract<AgentEvent, { type: 'api_error' }>): string {
  return apiErrorMessage(ev.message, ev.status);
}

/**
 * What a tail view shows for one parsed event (zero or more entries; no `seq`/`ts`, the
 * manager adds them). Streaming deltas (`partial_text`) and bookkeeping lines produce nothing:
 * the complete `assistant` line that follows carries the same text.
 */
export function toOutputEntries(ev: AgentEvent): Entry[] {
  switch (ev.type) {
    case 'init':
      return [{ kind: 'system', text: `session started · ${oneLine(ev.model || 'default model', 60)}` }];
    case 'text': {
      const { text, truncated } = cut(sanitizeText(ev.text).trim(), ENTRY_TEXT_MAX);
      if (text === '' && !ev.aborted) return [];
      const entry: Entry = { kind: 'text', text: ev.aborted ? `${text} [cut off]`.trim() : text };
      if (truncated) entry.truncated = true;
      return [entry];
    }
    case 'tool_use':
      return [{ kind: 'tool', text: `→ ${ev.summary}` }];
    case 'tool_result': {
      const { text, truncated } = cut(sanitizeText(ev.text).trimEnd(), TOOL_RESULT_MAX);
      const entry: Entry = { kind: 'tool_result', text: text === '' ? '(no output)' : text, isError: ev.isError };
      if (truncated) entry.truncated = true;
      return [entry];
    }
    case 'permission_denied':
      return [
        { kind: 'error', text: `✗ permission denied for ${oneLine(ev.toolName, 40)}: ${oneLine(ev.message, 200)}` },
      ];
    case 'api_retry':
      return [{ kind: 'system', text: retryText(ev) }];
    case 'api_error':
      return [{ kind: 'error', text: apiErrorText(ev) }];
    case 'interrupted':
      return [{ kind: 'system', text: oneLine(ev.text, 120) }];
    case 'result': {
      const d = describeResult(ev);
      return [{ kind: 'result', text: d.ok ? `✓ ${d.text}` : `✗ ${d.text}` }];
    }
    case 'partial_text':
    case 'usage':
    case 'other':
      return [];
    case 'raw': {
      const { text, truncated } = cut(sanitizeText(ev.text), ENTRY_TEXT_MAX);
      const entry: Entry = { kind: 'raw', text };
      if (ev.truncated || truncated) entry.truncated = true;
      return [entry];
    }
  }
}

/**
 * The one-line "latest activity" for the task table, or undefined when the event should not
 * replace the current one (bookkeeping lines, successful tool results).
 */
export function activityLine(ev: AgentEvent): string | undefined {
  switch (ev.type) {
    case 'init':
      return 'started';
    case 'text': {
      const line = firstLineOf(ev.text);
      return line === '' ? undefined : line;
    }
    case 'partial_text':
      return 'writing…';
    case 'tool_use':
      return ev.summary;
    case 'tool_result':
      return ev.isError ? `tool error: ${firstLineOf(ev.text, 60) || 'no details'}` : undefined;
    case 'permission_denied':
      return `permission denied: ${oneLine(ev.toolName, 40)}`;
    case 'api_retry':
      return `retrying API (${ev.attempt}/${ev.maxRetries})${ev.errorStatus !== null ? `: HTTP ${ev.errorStatus}` : ev.error ? `: ${oneLine(ev.error, 30)}` : ''}`;
    case 'api_error':
      return oneLine(apiErrorText(ev));
    case 'interrupted':
      return 'interrupted';
    case 'result':
      return oneLine(describeResult(ev).text);
    case 'raw': {
      const line = firstLineOf(ev.text);
      return line === '' ? undefined : line;
    }
    case 'other':
      return undefined;
  }
}
