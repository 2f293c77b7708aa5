/**
 * The diff view's state: open a task's diff (bounded, cleaned lines) and scroll it. Searching
 * moves the view to the next line that holds the text.
 */
import type { Action } from './actions.js';
import { diffSearchReducer } from './diff-search.js';
import type { AppState } from './types.js';

/** Lines of a diff kept for the view; the rest is summed up in a last line. */
export const MAX_DIFF_LINES = 20_000;

/** The reducer's cases for `diff/*` actions. */
export function diffReducer(
  state: AppState,
  action: Extract<Action, { type: 'diff/open' } | { type: 'diff/scroll' } | { type: 'diff/search' }>,
): AppState {
  if (action.type === 'diff/search') return diffSearchReducer(state, action.op);
  if (action.type === 'diff/open') {
    const lines =
      action.lines.length > MAX_DIFF_LINES
        ? [...action.lines.slice(0, MAX_DIFF_LINES), `… ${action.lines.length - MAX_DIFF_LINES} more lines not shown`]
        : action.lines;
    return { ...state, overlay: { kind: 'diff', taskId: action.taskId, title: action.title, lines, scroll: 0 } };
  }
  const o = state.overlay;
  if (o?.kind !== 'diff') return state;
  const max = Math.max(0, o.lines.length - 1);
  const scroll = Math.min(max, Math.max(0, action.to ?? o.scroll + action.delta));
  return scroll === o.scroll ? state : { ...state, overlay: { ...o, scroll } };
}

/** The first line at or after `from` (wrapping around) that contains `query` (case-insensitive), or undefined. */
export function findLine(lines: readonly string[], query: string, from: number): number | undefined {
  const q = query.toLowerCase();
  if (q === '') return undefined;
  for (let i = 0; i < lines.length; i++) {
    const n = (from + i) % lines.length;
    if ((lines[n] as string).toLowerCase().includes(q)) return n;
  }
  return undefined;
}
