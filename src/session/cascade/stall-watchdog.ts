/**
 * An abort signal for one streamed request that follows the turn's own signal and also fires when
 * the stream stops sending: the HTTP client's timeout ends with the response headers, so a body
 * that stalls after them would otherwise hold the turn open forever.
 */

/** A request's abort signal and its inactivity watchdog. */
export interface StallWatchdog {
  /** Pass to the request: aborted by the outer signal or by the watchdog. */
  readonly signal: AbortSignal;
  /** (Re)starts the inactivity timer: call when the request starts and on every chunk. */
  arm(): void;
  /** The watchdog fired (the stream stopped sending for the timeout). */
  stalled(): boolean;
  /** Stops the timer and the link to the outer signal. */
  dispose(): void;
}

/** A watchdog that aborts after `timeoutMs` without {@link StallWatchdog.arm}, linked to `outer`. */
export function stallWatchdog(outer: AbortSignal, timeoutMs: number): StallWatchdog {
  const local = new AbortController();
  const onOuterAbort = (): void => local.abort();
  outer.addEventListener('abort', onOuterAbort, { once: true });
  let fired = false;
  let timer: NodeJS.Timeout | null = null;
  return {
    signal: local.signal,
    arm(): void {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        fired = true;
        local.abort();
      }, timeoutMs);
    },
    stalled: () => fired,
    dispose(): void {
      if (timer) clearTimeout(timer);
      outer.removeEventListener('abort', onOuterAbort);
    },
  };
}
