/**
 * The log view's window: a bounded run of consecutive entries of one task's output. Pages read
 * from disk (by byte offset, see tasks/log-pager.ts) are added at either side and the other side
 * is cut, so the window never holds more than {@link TAIL_LOG_MAX} entries /
 * {@link TAIL_LOG_MAX_CHARS} characters whatever the log's size. Live output is appended only
 * while the window reaches the end of the log. Entries are placed by (run, offset) of their log
 * line; stderr entries have no offset and always come last. Pure functions, no I/O.
 */
import type { LogCursor, LogPage, TaskOutputEntry } from '../tasks/types.js';
import type { TailLog } from './types.js';

/** Entries the window keeps. */
export const TAIL_LOG_MAX = 5_000;
/** Characters of entry text the window keeps. */
export const TAIL_LOG_MAX_CHARS = 4_000_000;

/** Order of two places in a task's output. */
export function compareCursor(a: LogCursor, b: LogCursor): number {
  return a.runNo - b.runNo || a.offset - b.offset;
}

function cursorOf(e: TaskOutputEntry): LogCursor | undefined {
  return e.offset === undefined ? undefined : { runNo: e.runNo, offset: e.offset };
}

/** At or after `end` (entries of one line share its offset; `end` is just after the last line held). */
function isAtOrAfter(e: TaskOutputEntry, end: LogCursor | undefined): boolean {
  const c = cursorOf(e);
  return c === undefined || end === undefined || compareCursor(c, end) >= 0;
}

/** `end` moved past the newest positioned entry of `added`. */
function endAfter(end: LogCursor | undefined, added: readonly TaskOutputEntry[]): LogCursor | undefined {
  for (let i = added.length - 1; i >= 0; i--) {
    const c = cursorOf(added[i]!);
    if (c === undefined) continue;
    const next = { runNo: c.runNo, offset: c.offset + 1 };
    return end === undefined || compareCursor(next, end) > 0 ? next : end;
  }
  return end;
}

function overBounds(count: number, chars: number): boolean {
  return count > TAIL_LOG_MAX || chars > TAIL_LOG_MAX_CHARS;
}

function charsOf(entries: readonly TaskOutputEntry[]): number {
  let n = 0;
  for (const e of entries) n += e.text.length;
  return n;
}

/** Cuts the oldest entries until the window is within bounds (the window then starts later). */
function trimFront(log: TailLog): TailLog {
  const es = log.entries;
  let chars = charsOf(es);
  let drop = 0;
  while (drop < es.length - 1 && overBounds(es.length - drop, chars)) chars -= es[drop++]!.text.length;
  if (drop === 0) return log;
  const entries = es.slice(drop);
  const first = entries.find((e) => e.offset !== undefined);
  const start = first ? cursorOf(first) : log.end;
  return { ...log, entries, atStart: false, ...(start ? { start } : {}) };
}

/**
 * Cuts the newest entries until the window is within bounds (the window then ends earlier and
 * live output waits on disk). Returns how many entries were cut.
 */
function trimBack(log: TailLog): { log: TailLog; dropped: TaskOutputEntry[] } {
  const es = log.entries;
  let chars = charsOf(es);
  let keep = es.length;
  while (keep > 1 && overBounds(keep, chars)) chars -= es[--keep]!.text.length;
  if (keep === es.length) return { log, dropped: [] };
  const dropped = es.slice(keep);
  const firstDropped = dropped.find((e) => e.offset !== undefined);
  const end = firstDropped ? cursorOf(firstDropped) : log.end;
  return {
    log: { ...log, entries: es.slice(0, keep), atEnd: false, hasStderr: false, ...(end ? { end } : {}) },
    dropped,
  };
}

/** The window of a view that just opened: what the store already has, while the newest page loads. */
export function openWindow(taskId: number, live: readonly TaskOutputEntry[]): TailLog {
  // Stderr entries in the store may belong to an earlier run; the page brings them in order.
  const entries = live.filter((e) => e.offset !== undefined);
  return { taskId, loading: true, entries, atStart: false, atEnd: true, hasStderr: false };
}

/**
 * The newest page arrived: it replaces the window; live output that arrived while it loaded and
 * lies beyond the page is kept after it.
 */
export function loadNewest(log: TailLog, page: LogPage): TailLog {
  const live = log.loading
    ? log.entries.filter((e) => (e.offset === undefined ? !page.hasStderr : isAtOrAfter(e, page.end)))
    : [];
  const entries = live.length ? page.entries.concat(live) : page.entries;
  const end = endAfter(page.end, live);
  const next: TailLog = {
    taskId: log.taskId,
    loading: false,
    entries,
    start: page.start,
    atStart: page.atStart,
    atEnd: page.atEnd,
    hasStderr: page.hasStderr,
    ...(end ? { end } : {}),
  };
  return trimFront(next);
}

/** Live output: appended while the window reaches the end of the log (or is still loading it). */
export function appendLive(
  log: TailLog,
  entries: readonly TaskOutputEntry[],
): { log: TailLog; added: TaskOutputEntry[] } {
  if (!log.atEnd) return { log, added: [] };
  const fresh = log.loading ? entries.slice() : entries.filter((e) => isAtOrAfter(e, log.end));
  if (fresh.length === 0) return { log, added: [] };
  const end = log.loading ? log.end : endAfter(log.end, fresh);
  const next = trimFront({ ...log, entries: log.entries.concat(fresh), ...(end ? { end } : {}) });
  return { log: next, added: fresh };
}

/**
 * An older page arrived: prepended, and the newest entries cut if the window is too big.
 * Returns the entries cut from the bottom (the view's scroll counts from there).
 */
export function prependOlder(log: TailLog, page: LogPage): { log: TailLog; dropped: TaskOutputEntry[] } {
  const start = log.start;
  const older = start
    ? page.entries.filter((e) => e.offset !== undefined && compareCursor(cursorOf(e)!, start) < 0)
    : [];
  const next: TailLog = {
    ...log,
    paging: undefined,
    entries: older.concat(log.entries),
    start: page.start,
    atStart: page.atStart,
  };
  return trimBack(next);
}

/** A newer page arrived: appended, and the oldest entries cut if the window is too big. Returns the entries added. */
export function appendNewer(
  log: TailLog,
  page: LogPage,
  live: readonly TaskOutputEntry[],
): { log: TailLog; added: TaskOutputEntry[] } {
  let added = page.entries.filter((e) => e.offset !== undefined && isAtOrAfter(e, log.end));
  if (page.hasStderr) added = added.concat(page.entries.filter((e) => e.offset === undefined));
  let end: LogCursor | undefined = page.end;
  if (page.atEnd && !page.hasStderr) {
    // Output that arrived while the page was read (the window was not following then).
    const late = live.filter((e) => e.offset !== undefined && isAtOrAfter(e, page.end));
    added = added.concat(late);
    end = endAfter(end, late);
  }
  const next: TailLog = {
    ...log,
    paging: undefined,
    entries: log.entries.concat(added),
    atEnd: page.atEnd,
    hasStderr: page.hasStderr,
    ...(end ? { end } : {}),
  };
  return { log: trimFront(next), added };
}
