/**
 * Searching inside the diff view: `/` opens a one-line query under the diff, Enter moves the view
 * to the next line that holds the text, `n`/`N` to the next/previous one (wrapping around). The
 * query line and the matching are the shared text search of state/text-search.ts.
 */
import { findLine } from './diff-view.js';
import { editQueryLine, submittedQuery, type TextSearch, type TextSearchOp } from './text-search.js';
import type { AppState } from './types.js';

/** The search state of an open diff view (the shared text search, state/text-search.ts). */
export type DiffSearch = TextSearch;

/** What a `diff/search` action does. */
export type DiffSearchOp = TextSearchOp;

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
  const edited = editQueryLine(search, op);
  if (edited) return edited === search ? state : set(edited);
  switch (op.kind) {
    case 'submit': {
      const query = submittedQuery(search);
      if (query === '') return set({ query: '' });
      // A match on the top line counts: the view is already there.
      return jump(o.lines, query, o.scroll, 1, set);
    }
    case 'step':
      if (search.query === '') return set({ query: '', note: 'no search yet: press / to search' });
      return jump(o.lines, search.query, o.scroll + op.dir, op.dir, set);
    default:
      return state;
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
