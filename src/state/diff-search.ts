/**
 * Searching inside the diff view: `/` opens a one-line query under the diff, Enter moves the view
 * to the next line that holds the text, `n`/`N` to the next/previous one (wrapping around). The
 * search is case-insensitive and plain text (no patterns), as in a pager.
 */
import { applyEdit, lineAt, type LineEdit, type LineState } from '../input/line-editor.js';
import { findLine } from './diff-view.js';
import type { AppState } from './types.js';

/** The search state of an open diff view. */
export interface DiffSearch {
  /** The last query sent with Enter; `n`/`N` look for it. Empty before the first search. */
  query: string;
  /** The query line while it is open (after `/`, before Enter or Esc). */
  typing?: LineState;
  /** What the last search found, when it did not simply move: "no match", "wrapped to the top". */
  note?: string;
}

/** What a `diff/search` action does. */
export type DiffSearchOp =
  | { kind: 'open' }
  | { kind: 'edit'; edit: LineEdit }
  | { kind: 'submit' }
  | { kind: 'cancel' }
  /** `n` (1) or `N` (-1). */
  | { kind: 'step'; dir: 1 | -1 };

/** Longest query kept: a search line is one screen line. */
const MAX_QUERY = 200;

/** The last line at or before `from` (wrapping around) that contains `query` (case-insensitive), or undefined. */
export function findLineBack(lines: readonly string[], query: string, from: number): number | undefined {
  const q = query.toLowerCase();
  const n = lines.length;
  if (q === '' || n === 0) return undefined;
  for (let i = 0; i < n; i++) {
    const at = (((from - i) % n) + n) % n;
    if ((lines[at] as string).toLowerCase().includes(q)) return at;
  }
  return undefined;
}

/** How many lines contain `query` (case-insensitive). */
export function countMatches(lines: readonly string[], query: string): number {
  const q = query.toLowerCase();
  if (q === '') return 0;
  let count = 0;
  for (const l of lines) if (l.toLowerCase().includes(q)) count++;
  return count;
}

/** True while the query line of the diff view is open: typed keys go to it, not to commands. */
export function diffSearchTyping(state: AppState): boolean {
  const o = state.overlay;
  return o?.kind === 'diff' && o.search?.typing !== undefined;
}

/** The reducer's case for `diff/search`. */
export function diffSearchReducer(state: AppState, op: DiffSearchOp): AppState {
  const o = state.overlay;
  if (o?.kind !== 'diff') return state;
  const search: DiffSearch = o.search ?? { query: '' };
  const set = (next: DiffSearch, scroll = o.scroll): AppState => ({
    ...state,
    overlay: { ...o, scroll, search: next },
  });
  switch (op.kind) {
    case 'open':
      // The last query is offered again, as a pager does; typing replaces or extends it.
      return set({ query: search.query, typing: lineAt(search.query) });
    case 'edit':
      if (!search.typing || op.edit.name === 'newline') return state;
      return set({ ...search, typing: applyEdit(search.typing, op.edit, MAX_QUERY) });
    case 'cancel':
      return set({ query: search.query });
    case 'submit': {
      const query = (search.typing?.value ?? search.query).replace(/\s+/g, ' ');
      if (query.trim() === '') return set({ query: '' });
      // A match on the top line counts: the view is already there.
      return jump(o.lines, query, o.scroll, 1, set);
    }
    case 'step':
      if (search.query === '') return set({ query: '', note: 'no search yet: press / to search' });
      return jump(o.lines, search.query, o.scroll + op.dir, op.dir, set);
  }
}

function jump(
  lines: readonly string[],
  query: string,
  from: number,
  dir: 1 | -1,
  set: (next: DiffSearch, scroll?: number) => AppState,
): AppState {
  const hit =
    lines.length === 0
      ? undefined
      : dir === 1
        ? findLine(lines, query, ((from % lines.length) + lines.length) % lines.length)
        : findLineBack(lines, query, from);
  if (hit === undefined) return set({ query, note: 'no match' });
  const wrapped = dir === 1 ? hit < from : hit > from;
  return set({ query, ...(wrapped ? { note: dir === 1 ? 'wrapped to the top' : 'wrapped to the bottom' } : {}) }, hit);
}
