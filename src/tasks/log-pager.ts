/**
 * Reads a log a page at a time, by byte offset, so a view of a huge log holds a bounded window
 * and never the whole file: the newest page is read backwards from the end in chunks, older and
 * newer pages from the offsets the previous page ended at. Lines are cut by the same
 * {@link LineSplitter} (and its line cap) as the live path, and decoded by the caller's function
 * (the live parser and renderer), so a paged line reads like a live one.
 *
 * Memory per call: one read buffer, the splitter's capped line, and the decoded page (bounded by
 * entry count and characters). The bytes scanned per call are bounded too, so a long run of
 * lines that show nothing (partial-message deltas) cannot make one page read the whole file.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { LineSplitter, type SplitLine } from './line-splitter.js';

/** A byte range of one log file, `[start, end)`, starting at a line start. */
export interface LogRange {
  path: string;
  start: number;
  end: number;
  /** The file is still being written: a last line without its newline is left out (it comes later, whole). */
  growing?: boolean;
}

/** One log line that showed something: where it starts and what it shows. */
export interface PagedLine<E> {
  offset: number;
  entries: E[];
}

/** Lines read from one range. */
export interface RangeRead<E> {
  lines: PagedLine<E>[];
  /** Offset of the first line covered (older pages continue before it). */
  from: number;
  /** Offset just after the last line covered (newer pages continue here). */
  to: number;
  /** The read reached the start (backwards) or the end (forwards) of the range. */
  reachedEdge: boolean;
}

/** How much one page may hold and read. */
export interface PageLimits {
  /** Entries in a page (whole lines: a page ends at the line that reaches this). */
  maxEntries: number;
  /** Characters of entry text in a page. */
  maxChars: number;
  /** Bytes read to fill a page before giving up on filling it. */
  maxScanBytes: number;
}

/** Decodes one line into what it shows (possibly nothing). */
export type LineDecoder<E> = (line: SplitLine) => E[];

/** Read size; also the step of the backward scan. */
const CHUNK = 256 * 1024;
const NL = 0x0a;

/** What a page has taken so far, against its {@link PageLimits}. */
class Budget {
  entries = 0;
  chars = 0;
  scanned = 0;
  constructor(readonly limits: PageLimits) {}
  take<E extends { text: string }>(entries: E[]): void {
    this.entries += entries.length;
    for (const e of entries) this.chars += e.text.length;
  }
  get full(): boolean {
    const l = this.limits;
    return this.entries >= l.maxEntries || this.chars >= l.maxChars || this.scanned >= l.maxScanBytes;
  }
}

/** Reads pages of log ranges; see the module comment. */
export class LogPager<E extends { text: string }> {
  constructor(
    private readonly decode: LineDecoder<E>,
    private readonly maxLineBytes: number,
  ) {}

  /** A budget for one page, shared by the ranges the page spans. */
  budget(limits: PageLimits): Budget {
    return new Budget(limits);
  }

  /** The newest lines of `range` that end at or before `pos`, oldest first, until the budget is full. */
  async before(range: LogRange, pos: number, budget: Budget): Promise<RangeRead<E>> {
    return this.withFile(range, pos, async (fh, buf) => {
      let cur = Math.min(pos, range.end);
      if (range.growing && cur === range.end) cur = await lineEndAtOrBefore(fh, buf, range.start, cur);
      const to = cur;
      const batches: PagedLine<E>[][] = [];
      while (cur > range.start && !budget.full) {
        const from = await earliestLineStart(fh, buf, range.start, cur);
        const batch: PagedLine<E>[] = [];
        await this.forEachLine(fh, buf, from, cur, true, (offset, line) => {
          const entries = this.decode(line);
          if (entries.length > 0) batch.push({ offset, entries });
          return true;
        });
        // Newest lines first, so a full budget keeps the lines nearest `pos`.
        for (let i = batch.length - 1; i >= 0 && !budget.full; i--) {
          const l = batch[i] as PagedLine<E>;
          budget.take(l.entries);
          if (budget.full) {
            batches.push(batch.slice(i));
            return { lines: batches.reverse().flat(), from: l.offset, to, reachedEdge: l.offset <= range.start };
          }
        }
        batches.push(batch);
        budget.scanned += cur - from;
        cur = from;
      }
      return { lines: batches.reverse().flat(), from: cur, to, reachedEdge: cur <= range.start };
    });
  }

  /** Lines of `range` from `pos` on, until the budget is full or the range ends. */
  async after(range: LogRange, pos: number, budget: Budget): Promise<RangeRead<E>> {
    return this.withFile(range, pos, async (fh, buf) => {
      const from = Math.max(range.start, pos);
      const lines: PagedLine<E>[] = [];
      const { next, stopped } = await this.forEachLine(fh, buf, from, range.end, !range.growing, (offset, line) => {
        const entries = this.decode(line);
        if (entries.length > 0) {
          lines.push({ offset, entries });
          budget.take(entries);
        }
        budget.scanned += line.bytes + 1;
        return !budget.full;
      });
      return { lines, from, to: next, reachedEdge: !stopped };
    });
  }

  private async withFile(
    range: LogRange,
    pos: number,
    read: (fh: FileHandle, buf: Buffer) => Promise<RangeRead<E>>,
  ): Promise<RangeRead<E>> {
    let fh: FileHandle | undefined;
    try {
      fh = await open(range.path, 'r');
    } catch (e) {
      // No log yet (a run that printed nothing): an empty range.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      const at = Math.max(range.start, Math.min(pos, range.end));
      return { lines: [], from: at, to: at, reachedEdge: true };
    }
    try {
      return await read(fh, Buffer.allocUnsafe(Math.max(1, Math.min(CHUNK, range.end - range.start))));
    } finally {
      await fh.close().catch(() => undefined);
    }
  }

  /**
   * Feeds `[from, to)` through a line splitter, calling `onLine` with each line's offset until it
   * returns false. `flushTail`: a last line without a newline counts (the file is complete).
   * Returns the offset after the last line handed out, and whether `onLine` stopped the read.
   */
  private async forEachLine(
    fh: FileHandle,
    buf: Buffer,
    from: number,
    to: number,
    flushTail: boolean,
    onLine: (offset: number, line: SplitLine) => boolean,
  ): Promise<{ next: number; stopped: boolean }> {
    const splitter = new LineSplitter({ maxLineBytes: this.maxLineBytes, startOffset: from });
    let at = from;
    let next = from;
    while (at < to) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, to - at), at);
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      const lines = splitter.push(chunk);
      // The last line a chunk completes ends at the chunk's last newline.
      const chunkNext = at + chunk.lastIndexOf(NL) + 1;
      at += bytesRead;
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i] as SplitLine;
        next = i + 1 < lines.length ? ((lines[i + 1] as SplitLine).offset as number) : chunkNext;
        if (!onLine(line.offset as number, line)) return { next, stopped: true };
      }
    }
    if (flushTail) {
      for (const line of splitter.end()) {
        next = at;
        if (!onLine(line.offset as number, line)) return { next, stopped: true };
      }
    }
    return { next, stopped: false };
  }
}

/** Offset just after the last newline in `[start, end)` (or `start`): where the complete lines end. */
async function lineEndAtOrBefore(fh: FileHandle, buf: Buffer, start: number, end: number): Promise<number> {
  let hi = end;
  while (hi > start) {
    const lo = Math.max(start, hi - buf.length);
    const { bytesRead } = await fh.read(buf, 0, hi - lo, lo);
    const nl = buf.subarray(0, bytesRead).lastIndexOf(NL);
    if (nl >= 0) return lo + nl + 1;
    hi = lo;
  }
  return start;
}

/**
 * The earliest line start in the chunk before `end` (`end` is a line start or the range end):
 * the first line start at or after `end - CHUNK`. When one line is longer than that, its start,
 * found by scanning back (only offsets are kept, not its bytes).
 */
async function earliestLineStart(fh: FileHandle, buf: Buffer, start: number, end: number): Promise<number> {
  const lo = Math.max(start, end - buf.length);
  if (lo === start) return start;
  // The byte before `end` is the newline of the line that ends there: not a line start.
  const { bytesRead } = await fh.read(buf, 0, end - 1 - lo, lo);
  const nl = buf.subarray(0, bytesRead).indexOf(NL);
  if (nl >= 0) return lo + nl + 1;
  return lineEndAtOrBefore(fh, buf, start, lo);
}
