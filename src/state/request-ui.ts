/**
 * What the screen keeps about each pending request while the user looks at it: the options picked
 * for a multi-select question (`1`–`9` toggle them, Enter sends them) and how far its panel is
 * scrolled (PgUp/PgDn). Keyed by request id; entries of answered requests are dropped when the
 * pending list changes.
 */
import type { AppState, RequestView } from './types.js';

/** Per-request screen state. */
export interface RequestUiState {
  /** Request id → picked option numbers (1-based, ascending). */
  picks: Readonly<Record<string, readonly number[]>>;
  /** Request id → the first line shown in its panel. */
  scroll: Readonly<Record<string, number>>;
}

/** Actions of this slice. */
export type RequestUiAction =
  | { type: 'request-ui/pick'; id: string; option: number }
  | { type: 'request-ui/scroll'; id: string; delta: number; lines: number };

const EMPTY: RequestUiState = { picks: {}, scroll: {} };

/**
 * Longest piece of a request line the panel wraps as one unit. A long command is one line: cut into
 * pieces of this size, every part of it can be scrolled to even when it is taller than the panel.
 */
export const PANEL_PIECE = 200;

/** The lines of a request's detail as the panel scrolls them (long lines cut into pieces). */
export function panelLines(detail: string): string[] {
  const out: string[] = [];
  for (const line of detail.split('\n')) {
    if (line.length <= PANEL_PIECE) out.push(line);
    else for (let i = 0; i < line.length; i += PANEL_PIECE) out.push(line.slice(i, i + PANEL_PIECE));
  }
  return out;
}

/** The slice, never undefined. */
export function requestUiOf(state: AppState): RequestUiState {
  return state.requestUi ?? EMPTY;
}

/** The options picked for a request (ascending). */
export function picksOf(state: AppState, id: string): readonly number[] {
  return requestUiOf(state).picks[id] ?? [];
}

/** The first line shown in a request's panel. */
export function scrollOf(state: AppState, id: string): number {
  return requestUiOf(state).scroll[id] ?? 0;
}

/** The reducer's cases for `request-ui/*`. */
export function requestUiReducer(state: AppState, action: RequestUiAction): AppState {
  const ui = requestUiOf(state);
  if (action.type === 'request-ui/pick') {
    const now = ui.picks[action.id] ?? [];
    const next = now.includes(action.option)
      ? now.filter((n) => n !== action.option)
      : [...now, action.option].sort((a, b) => a - b);
    return { ...state, requestUi: { ...ui, picks: { ...ui.picks, [action.id]: next } } };
  }
  const from = ui.scroll[action.id] ?? 0;
  // Like the diff view: the last line may reach the top, never further.
  const to = Math.max(0, Math.min(Math.max(0, action.lines - 1), from + action.delta));
  return to === from ? state : { ...state, requestUi: { ...ui, scroll: { ...ui.scroll, [action.id]: to } } };
}

/** Drops the entries of requests that are no longer pending. */
export function pruneRequestUi(ui: RequestUiState, requests: readonly RequestView[]): RequestUiState {
  const live = new Set(requests.map((r) => r.id));
  const keep = <T>(m: Readonly<Record<string, T>>): Record<string, T> =>
    Object.fromEntries(Object.entries(m).filter(([id]) => live.has(id)));
  return { picks: keep(ui.picks), scroll: keep(ui.scroll) };
}
