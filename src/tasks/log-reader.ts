/**
 * Reading a task's logs back from disk: the map from runs to log files and byte ranges, one page
 * of the log view (paged by byte offset, bounded whatever the log holds), the tail refilled at
 * start, and the end of a stderr log. Every line goes through the one decoder (log-decoder.ts).
 */
import { open, stat } from 'node:fs/promises';
import { sanitizeText } from '../shared/sanitize.js';
import { LineSplitter } from './line-splitter.js';
import { logLineEntries, type LineEntry } from './log-decoder.js';
import { LogPager, type LogRange, type PagedLine } from './log-pager.js';
import type { TaskStore } from './task-store.js';
import { currentRun, type TaskState } from './task-state.js';
import type { LogCursor, LogPage, LogPageRequest, TaskOutputEntry, TaskRecord, TaskRun } from './types.js';

/**
 * Size of one page of the log view. Entry texts are capped (display.ts), so a page stays within
 * a few MB whatever the log holds; a view keeps a few pages.
 */
const LOG_PAGE_LIMITS = { maxEntries: 500, maxChars: 1_000_000, maxScanBytes: 8 * 1024 * 1024 };

/** The part of the log one run wrote. */
interface RunLogRange extends LogRange {
  runNo: number;
}

/** Size of a file, 0 when it does not exist. */
export async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/** The text of `path` from `from` to its end, at most the last `maxBytes` of it; '' when unreadable. */
export async function readRange(path: string, from: number, maxBytes: number): Promise<string> {
  let fh;
  try {
    fh = await open(path, 'r');
    const size = (await fh.stat()).size;
    const start = Math.max(from, size - maxBytes);
    if (size <= start) return '';
    const buf = Buffer.alloc(size - start);
    const { bytesRead } = await fh.read(buf, 0, buf.length, start);
    return buf.toString('utf8', 0, bytesRead);
  } catch {
    return '';
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/**
 * Where each run's output is: the one place that maps runs to log files. A run has a log of its
 * own; runs recorded before per-run logs share the task's log, each from its `logOffset` to the
 * next such run's. The last run's range is still growing while the task runs.
 */
async function logRanges(store: TaskStore, rec: TaskRecord): Promise<RunLogRange[]> {
  const runs = rec.runs.filter((r) => r.logOffset !== undefined || r.runNo === 1).sort((a, b) => a.runNo - b.runNo);
  const sizes = new Map<string, number>();
  const sizeOf = async (path: string): Promise<number> => {
    const known = sizes.get(path);
    if (known !== undefined) return known;
    const size = await fileSize(path);
    sizes.set(path, size);
    return size;
  };
  const ranges: RunLogRange[] = [];
  for (let i = 0; i < runs.length; i++) {
    const r = runs[i] as TaskRun;
    const path = store.runLogPath(rec.id, r);
    const size = await sizeOf(path);
    // A run with a log of its own ends at the end of its file; runs recorded before per-run logs
    // share the task's log, each up to where the next run of that log begins.
    const next = runs.slice(i + 1).find((n) => store.runLogPath(rec.id, n) === path);
    const start = Math.min(r.logOffset ?? 0, size);
    const end = next ? Math.min(next.logOffset ?? size, size) : size;
    const range: RunLogRange = { runNo: r.runNo, path, start, end: Math.max(start, end) };
    if (i === runs.length - 1 && rec.status === 'running') range.growing = true;
    ranges.push(range);
  }
  return ranges;
}

/** The page a request asks for when there is none (no task, no log). */
export const EMPTY_LOG_PAGE: LogPage = {
  entries: [],
  start: { runNo: 1, offset: 0 },
  end: { runNo: 1, offset: 0 },
  atStart: true,
  atEnd: true,
  hasStderr: false,
};

/**
 * One page of a task's output (see TaskManagerPort.readLogPage). A read failure ends the page
 * where it got to and is passed to `onError`.
 */
export async function readLogPage(
  store: TaskStore,
  rec: TaskRecord,
  req: LogPageRequest,
  maxLineBytes: number,
  onError: (e: unknown) => void,
): Promise<LogPage> {
  const empty = EMPTY_LOG_PAGE;
  const ranges = await logRanges(store, rec);
  const pager = new LogPager(
    (line) => logLineEntries(rec.backend, line.text, line.truncated, rec.projectDir),
    maxLineBytes,
  );
  const budget = pager.budget(LOG_PAGE_LIMITS);
  const lines: { runNo: number; line: PagedLine<LineEntry> }[] = [];
  let start: LogCursor | undefined;
  let end: LogCursor | undefined;
  let atStart = ranges.length === 0;
  let atEnd = ranges.length === 0;
  const indexOf = (c: LogCursor): number => {
    const i = ranges.findIndex((r) => r.runNo === c.runNo);
    return i >= 0 ? i : c.runNo < (ranges[0]?.runNo ?? 0) ? 0 : ranges.length - 1;
  };
  try {
    if (req.after) {
      let i = indexOf(req.after);
      let pos = ranges[i]?.runNo === req.after.runNo ? req.after.offset : (ranges[i]?.start ?? 0);
      start = req.after;
      atStart = false;
      for (; i < ranges.length; i++) {
        const r = ranges[i] as RunLogRange;
        const read = await pager.after(r, pos, budget);
        for (const line of read.lines) lines.push({ runNo: r.runNo, line });
        end = { runNo: r.runNo, offset: read.to };
        if (!read.reachedEdge) break;
        if (i === ranges.length - 1) atEnd = true;
        if (budget.full) break;
        pos = (ranges[i + 1] as RunLogRange | undefined)?.start ?? 0;
      }
    } else {
      let i = req.before ? indexOf(req.before) : ranges.length - 1;
      const last = ranges[i];
      let pos = req.before && last?.runNo === req.before.runNo ? req.before.offset : (last?.end ?? 0);
      end = req.before ?? (last ? { runNo: last.runNo, offset: pos } : undefined);
      atEnd = req.before === undefined;
      const older: (typeof lines)[] = [];
      for (; i >= 0; i--) {
        const r = ranges[i] as RunLogRange;
        const read = await pager.before(r, pos, budget);
        if (req.before === undefined && i === ranges.length - 1) end = { runNo: r.runNo, offset: read.to };
        older.push(read.lines.map((line) => ({ runNo: r.runNo, line })));
        start = { runNo: r.runNo, offset: read.from };
        if (!read.reachedEdge) break;
        if (i === 0) atStart = true;
        if (budget.full) break;
        pos = (ranges[i - 1] as RunLogRange | undefined)?.end ?? 0;
      }
      for (let k = older.length - 1; k >= 0; k--) lines.push(...(older[k] as typeof lines));
    }
  } catch (e) {
    onError(e);
  }
  const runOf = new Map(rec.runs.map((r) => [r.runNo, r]));
  const entries: TaskOutputEntry[] = [];
  let seq = 0;
  for (const { runNo, line } of lines) {
    const ts = runOf.get(runNo)?.startedAt ?? rec.createdAt;
    for (const e of line.entries) entries.push({ seq: seq++, ts, runNo, offset: line.offset, ...e });
  }
  const hasStderr = atEnd && rec.status !== 'running';
  if (hasStderr) {
    const last = currentRun(rec);
    const errText = await readRange(store.runStderrPath(rec.id, last), 0, 64 * 1024);
    for (const line of sanitizeText(errText).split('\n')) {
      if (line.trim() === '') continue;
      entries.push({ seq: seq++, ts: last.endedAt ?? rec.updatedAt, runNo: last.runNo, kind: 'stderr', text: line });
    }
  }
  return {
    ...empty,
    entries,
    start: start ?? empty.start,
    end: end ?? start ?? empty.end,
    atStart,
    atEnd,
    hasStderr,
  };
}

/** Fills the in-memory tail of a loaded task from the end of its log (up to the ingested offset). */
export async function refillTail(store: TaskStore, st: TaskState, maxLineBytes: number): Promise<void> {
  const end = st.readOffset;
  if (end <= 0) return;
  // Bounded so a start with hundreds of old tasks stays fast; enough for a full tail of typical lines.
  const budget = Math.min(end, 256 * 1024);
  let fh;
  try {
    fh = await open(store.runLogPath(st.rec.id, currentRun(st.rec)), 'r');
    const buf = Buffer.allocUnsafe(budget);
    const { bytesRead } = await fh.read(buf, 0, budget, end - budget);
    let chunk = buf.subarray(0, bytesRead);
    let from = end - budget;
    if (from > 0) {
      // Started mid-line: skip to the first line boundary.
      const nl = chunk.indexOf(0x0a);
      chunk = nl >= 0 ? chunk.subarray(nl + 1) : chunk.subarray(chunk.length);
      from = end - chunk.length;
    }
    const splitter = new LineSplitter({ maxLineBytes, startOffset: from });
    const entries: Omit<TaskOutputEntry, 'seq'>[] = [];
    const run = currentRun(st.rec);
    for (const line of splitter.push(chunk)) {
      for (const e of logLineEntries(st.rec.backend, line.text, line.truncated, st.rec.projectDir))
        entries.push({ ts: run.startedAt ?? st.rec.createdAt, runNo: run.runNo, offset: line.offset, ...e });
    }
    const keep = entries.slice(-st.tail.capacity);
    let seq = Math.max(0, st.nextSeq - keep.length);
    for (const e of keep) st.tail.push({ seq: seq++, ...e });
  } catch {
    // A missing or unreadable log only means an empty tail view.
  } finally {
    await fh?.close().catch(() => undefined);
  }
}
