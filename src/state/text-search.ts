/**
 * The one search of the screen's text views (the diff view and the log view): `/` opens a
 * one-line query, Enter searches, Esc closes the line, `n`/`N` step to the next/previous match.
 * Matching is plain text and case-insensitive, as in a pager. This module holds what both views
 * share: the query line's state and edits, and the match test; each view moves to its matches
 * its own way (state/diff-search.ts over lines in memory, commands/tail-search.ts over a log
 * read page by page from disk).
 */
import { applyEdit, lineAt, type LineEdit, type LineState } from '../input/line-editor.js';

/** The search state of a view. */
export interface TextSearch {
  /** The last query sent with Enter; `n`/`N` look for it. Empty before the first search. */
  query: string;
  /** The query line while it is open (after `/`, before Enter or Esc). */
  typing?: LineState;
  /** What the last search found, when it did not simply move: "no match", "wrapped to the top". */
  note?: string;
}

/** What one search key does: the query line's own keys, or a step to the next/previous match. */
export type TextSearchOp =
  | { kind: 'open' }
  | { kind: 'edit'; edit: LineEdit }
  | { kind: 'submit' }
  | { kind: 'cancel' }
  /** `n` (1) or `N` (-1). */
  | { kind: 'step'; dir: 1 | -1 };

/** Longest query kept: a search line is one screen line. */
const MAX_QUERY = 200;

/** True when `text` holds `query`, ignoring case; an empty query matches nothing. */
export function textMatches(text: string, query: string): boolean {
  return query !== '' && text.toLowerCase().includes(query.toLowerCase());
}

/** The query a submit searches for: the typed line (or the last query) on one line; '' = none. */
export function submittedQuery(search: TextSearch): string {
  const q = (search.typing?.value ?? search.query).replace(/\s+/g, ' ');
  return q.trim() === '' ? '' : q;
}

/**
 * The query line's part of an op: `open` offers the last query again (as a pager does), `edit`
 * edits it, `cancel` closes it keeping the last query. Undefined for `submit` and `step`, which
 * each view carries out itself.
 */
export function editQueryLine(search: TextSearch | undefined, op: TextSearchOp): TextSearch | undefined {
  const s: TextSearch = search ?? { query: '' };
  switch (op.kind) {
    case 'open':
      return { query: s.query, typing: lineAt(s.query) };
    case 'edit':
      if (!s.typing || op.edit.name === 'newline') return s;
      return { ...s, typing: applyEdit(s.typing, op.edit, MAX_QUERY) };
    case 'cancel':
      return { query: s.query };
    default:
      return undefined;
  }
}
