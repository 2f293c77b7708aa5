/**
 * The state the whole screen renders from. Task output fills `tails` many times a second, but the
 * screen never draws `tails` (the log view draws `tailLog`): a change to nothing else keeps the
 * previous snapshot, so output of tasks that are not open costs no render at all.
 */
import { useRef, useSyncExternalStore } from 'react';
import type { AppState } from '../state/types.js';
import { useApp } from './context.js';

/** Top-level fields of the state no view draws from the screen's snapshot. */
const UNDRAWN: ReadonlySet<string> = new Set<keyof AppState>(['tails']);

/** True when `a` and `b` differ at most in fields the screen does not draw. */
export function sameOnScreen(a: AppState, b: AppState): boolean {
  if (a === b) return true;
  const ka = Object.keys(a) as (keyof AppState)[];
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (a[k] !== b[k] && !UNDRAWN.has(k)) return false;
  return true;
}

/** The whole state, re-read only when something the screen draws changed (see the file header). */
export function useScreenState(): AppState {
  const { store } = useApp();
  const last = useRef<AppState | null>(null);
  return useSyncExternalStore(store.subscribe, () => {
    const s = store.getState();
    const prev = last.current;
    if (prev !== null && sameOnScreen(prev, s)) return prev;
    last.current = s;
    return s;
  });
}
