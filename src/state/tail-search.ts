/**
 * The log view's search, state side: the query line (the shared one of state/text-search.ts),
 * and moving the view to a match. Finding the match is the command layer's part
 * (commands/tail-search.ts): it reads the log page by page from disk, so a match anywhere in a
 * huge log is found without the whole log in memory. A match found beyond the window the view
 * holds comes with the page it is in, which becomes the window.
 */
import type { LogPage } from '../tasks/types.js';
import { filterEntries } from './selectors.js';
import { editQueryLine, type TextSearch, type TextSearchOp } from './text-search.js';
import type { AppState } from './types.js';

/** The log view's search actions. */
export type TailSearchAction =
  /** `/`, typing and Esc on the query line (Enter and `n`/`N` go through the command layer). */
  | { type: 'tail/search'; op: TextSearchOp }
  /** What the search says now ("searching…", "no older match"), the view staying where it is. */
  | { type: 'tail/search-state'; taskId: number; search: TextSearch }
  /**
   * A match: the view scrolls so that `scroll` filtered entries are below it (the match is the
   * bottom entry). With `page`, the match lies in that page, which replaces the window.
   */
  | { type: 'tail/search-found'; taskId: number; search: TextSearch; scroll: number; page?: LogPage };

/** True while the log view's query line is open: typed keys go to it, not to commands. */
export function tailSearchTyping(state: AppState): boolean {
  const v = state.view;
  return v.kind === 'tail' && !state.overlay && v.search?.typing !== undefined;
}

/** The reducer's cases for the log view's search. */
export function tailSearchReducer(state: AppState, action: TailSearchAction): AppState {
  const v = state.view;
  if (v.kind !== 'tail') return state;
  if (action.type === 'tail/search') {
    const search = editQueryLine(v.search, action.op);
    return search && search !== v.search ? { ...state, view: { ...v, search } } : state;
  }
  if (action.taskId !== v.taskId) return state;
  if (action.type === 'tail/search-state') return { ...state, view: { ...v, search: action.search } };
  const page = action.page;
  const tailLog =
    page && state.tailLog
      ? {
          taskId: v.taskId,
          loading: false,
          entries: page.entries,
          start: page.start,
          end: page.end,
          atStart: page.atStart,
          atEnd: page.atEnd,
          hasStderr: page.hasStderr,
        }
      : state.tailLog;
  const count = tailLog ? filterEntries(tailLog.entries, v.filter).length : 0;
  const scroll = Math.max(0, Math.min(action.scroll, count - 1));
  // Stop following, so new output keeps the match in place instead of pushing it up.
  return { ...state, tailLog, view: { ...v, scroll, follow: false, search: action.search } };
}
