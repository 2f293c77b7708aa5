/**
 * A tiny external store (getState/dispatch/subscribe) that lives outside React, so tool calls
 * and port events can read and change UI state at once. Subscribers are told at most ~30 times
 * a second: bursts of task output or audio levels cost one render, not hundreds.
 *
 * Timing choices, and why:
 * - Background changes (task output, records, audio levels) are batched: the first change after a
 *   quiet spell goes out on the next tick, later ones at most once per `intervalMs`. The app's
 *   store uses {@link APP_INTERVAL_MS} (10 a second): every notification redraws the whole screen,
 *   and under load (twenty busy tasks) drawing at 30 a second took more of a core than ingesting
 *   the output did; ten a second is still smooth for rows of activity and a scrolling log.
 * - A key press does not wait for the batch: the screen calls `flush()` right after handling a key
 *   (components/App.tsx), so the press and any pending output are drawn in the same frame. Ink's
 *   own frame cap is set above the store's rate for the same reason (components/render-options.ts).
 * - The screen skips a notification whose change it does not draw, such as the output tails of
 *   tasks that are not open (components/screen-state.ts).
 */

/** Shortest time between two background notifications of the app's store (see the header). */
export const APP_INTERVAL_MS = 100;

/** The store as commands, bindings and components see it. */
export interface Store<S, A> {
  getState(): S;
  dispatch(action: A): void;
  /** Listener runs after state changed (coalesced); returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Tell subscribers now about a pending change (tests, shutdown). */
  flush(): void;
}

/** Options for {@link createStore}. */
export interface StoreOptions {
  /** Notify subscribers inside dispatch (tests). Default false. */
  sync?: boolean;
  /** Shortest time between two notifications. Default 33 ms (~30 fps); the app store uses {@link APP_INTERVAL_MS}. */
  intervalMs?: number;
}

/** Creates a store around a pure reducer. A reducer that returns the same object notifies nobody. */
export function createStore<S, A>(
  reducer: (state: S, action: A) => S,
  initial: S,
  opts: StoreOptions = {},
): Store<S, A> {
  const intervalMs = opts.intervalMs ?? 33;
  let state = initial;
  const listeners = new Set<() => void>();
  let dirty = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastNotify = -Infinity;

  const notify = (): void => {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (!dirty) return;
    dirty = false;
    lastNotify = Date.now();
    for (const l of [...listeners]) {
      try {
        l();
      } catch {
        // One broken subscriber must not starve the others of updates.
      }
    }
  };

  return {
    getState: () => state,
    dispatch(action) {
      const next = reducer(state, action);
      if (next === state) return;
      state = next;
      dirty = true;
      if (opts.sync) {
        notify();
        return;
      }
      if (timer) return;
      // The first change after a quiet spell goes out on the next tick (fast key feedback);
      // changes during the following interval are folded into one notification.
      const wait = Math.max(0, lastNotify + intervalMs - Date.now());
      timer = setTimeout(notify, wait);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    flush: notify,
  };
}
