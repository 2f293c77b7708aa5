/**
 * How views reach the store and the command layer: one React context and a few hooks.
 */
import { createContext, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import { useStdout } from 'ink';
import type { Dispatcher } from '../commands/dispatch.js';
import type { AppStore } from '../state/bind.js';
import type { AppState } from '../state/types.js';

/** What every view can reach. */
export interface AppContextValue {
  store: AppStore;
  commands: Dispatcher;
  now: () => number;
}

/** Store, command layer and clock for every view under <App/>. */
export const AppContext = createContext<AppContextValue | null>(null);

/** The app context; throws when a view renders outside <App/> (a programming error, not a runtime state). */
export function useApp(): AppContextValue {
  const ctx = useContext(AppContext);
  if (!ctx) throw new Error('voice-orch views must render inside <App/>');
  return ctx;
}

/**
 * A slice of the state. The selector must return something the reducer keeps stable
 * (a field of the state, a primitive), not a fresh object per call.
 */
export function useAppState<T>(selector: (s: AppState) => T): T {
  const { store } = useApp();
  return useSyncExternalStore(store.subscribe, () => selector(store.getState()));
}

/** The current time, re-read every `intervalMs` while `active` (spinners, elapsed, countdowns). */
export function useNow(intervalMs: number, active: boolean, now: () => number = Date.now): number {
  const [t, setT] = useState(now);
  useEffect(() => {
    if (!active) return undefined;
    setT(now());
    const id = setInterval(() => setT(now()), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs, active, now]);
  return active ? t : now();
}

/** Terminal columns and rows, updated on resize (80×24 when the stream does not say). */
export function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => {
      const next = read();
      setSize((prev) => (prev.columns === next.columns && prev.rows === next.rows ? prev : next));
    };
    stdout.on('resize', onResize);
    // A resize between the first render and this effect had no listener yet: read the size again.
    onResize();
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}
