/**
 * Follows a growing log file from a byte offset: fs.watch for promptness plus a poll as a
 * fallback (watch events can be lost or missing on some file systems), reading in big chunks
 * through a {@link LineSplitter}, so memory stays bounded however long a line is.
 *
 * The agent writes the file directly (its stdout is the file), so the file is the source of
 * truth and the tailer can start anywhere: after a restart it continues from the saved offset.
 */
import { toError } from '../shared/errors.js';
import { watch, type FSWatcher } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { LineSplitter, type SplitLine } from './line-splitter.js';

/** Options of {@link LogTailer}. */
export interface LogTailerOptions {
  path: string;
  /** Where to start reading (the end of the last line already ingested). */
  startOffset: number;
  /** Receives complete lines in order; `endOffset` is the file offset just after the last newline so far. */
  onLines: (lines: SplitLine[], endOffset: number) => void;
  /** Read failures other than "file not there yet". */
  onError?: (error: Error) => void;
  /** Line cap (bytes kept of one line); default 1 MiB. */
  maxLineBytes?: number;
  /** Poll interval when no watch event comes; default 150 ms. */
  pollMs?: number;
  /** Bytes per read; default 64 KiB: with ten busy logs one poll phase stays around 10 ms of work. */
  chunkBytes?: number;
}

const NL = 0x0a;

/**
 * Chunk processing of all tailers shares one time-sliced queue: when many logs flood at once,
 * their read completions would otherwise be processed back to back in one event-loop turn
 * (tens of ms, a frozen UI). Work runs in `setImmediate` slices of about {@link SLICE_MS}; a
 * tailer reads its next chunk only after its previous one was processed (backpressure).
 */
const SLICE_MS = 8;
const sliceQueue: (() => void)[] = [];
let sliceScheduled = false;

function runSlices(): void {
  const end = performance.now() + SLICE_MS;
  let job: (() => void) | undefined;
  while ((job = sliceQueue.shift()) !== undefined) {
    job();
    if (performance.now() >= end) break;
  }
  if (sliceQueue.length > 0) setImmediate(runSlices);
  else sliceScheduled = false;
}

/** Runs `fn` in a slice; its exception rejects the promise (it must never escape into {@link runSlices}). */
function inSlice(fn: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    sliceQueue.push(() => {
      try {
        fn();
        resolve();
      } catch (e) {
        reject(toError(e));
      }
    });
    if (!sliceScheduled) {
      sliceScheduled = true;
      setImmediate(runSlices);
    }
  });
}

/** Tails one file; see the module comment. */
export class LogTailer {
  private readonly splitter: LineSplitter;
  private readonly chunkBytes: number;
  private readPos: number;
  private lineEnd: number;
  private fh: FileHandle | undefined;
  private buf: Buffer | undefined;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly opts: LogTailerOptions) {
    this.splitter = new LineSplitter({ maxLineBytes: opts.maxLineBytes, startOffset: opts.startOffset });
    this.chunkBytes = opts.chunkBytes ?? 64 * 1024;
    this.readPos = opts.startOffset;
    this.lineEnd = opts.startOffset;
  }

  /** Offset just after the last complete line delivered (where a restart should resume). */
  get offset(): number {
    return this.lineEnd;
  }

  /** Bytes read so far (including an unfinished last line). */
  get position(): number {
    return this.readPos;
  }

  /** Starts watching and polling; the first read happens at once. */
  start(): void {
    if (this.stopped) return;
    try {
      this.watcher = watch(this.opts.path, { persistent: false }, () => this.kick());
      this.watcher.on('error', () => {
        // The poll keeps working; a broken watcher is not worth an error event.
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch {
      // No watch support (or no file yet): the poll covers it.
    }
    this.timer = setInterval(() => this.kick(), this.opts.pollMs ?? 150);
    this.timer.unref();
    this.kick();
  }

  /** Requests a read; reads in progress are followed by one more pass. */
  kick(): void {
    if (this.stopped) return;
    if (this.reading !== undefined) {
      this.again = true;
      return;
    }
    this.reading = this.loop().finally(() => {
      this.reading = undefined;
    });
  }

  /** Reads everything currently in the file (resolves when caught up with its end). */
  async drain(): Promise<void> {
    while (this.reading !== undefined) await this.reading;
    if (this.stopped) return;
    this.reading = this.readAll().finally(() => {
      this.reading = undefined;
    });
    await this.reading;
  }

  /**
   * The writer has gone: reads to the end, delivers a last line that had no newline, and stops.
   */
  async finish(): Promise<void> {
    this.stopWatching();
    await this.drain();
    const rest = this.splitter.end();
    if (rest.length > 0) {
      this.lineEnd = this.readPos;
      this.deliver(rest);
    }
    await this.close();
  }

  /** Stops watching and reading without consuming more (the offset stays where it is). */
  async stop(): Promise<void> {
    this.stopWatching();
    this.stopped = true;
    while (this.reading !== undefined) await this.reading;
    await this.close();
  }

  private stopWatching(): void {
    this.watcher?.close();
    this.watcher = undefined;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async close(): Promise<void> {
    this.stopped = true;
    const fh = this.fh;
    this.fh = undefined;
    this.buf = undefined;
    await fh?.close().catch(() => undefined);
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      await this.readAll();
    } while (this.again && !this.stopped);
  }

  private async readAll(): Promise<void> {
    try {
      if (this.fh === undefined) {
        try {
          this.fh = await open(this.opts.path, 'r');
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
          throw e;
        }
      }
      this.buf ??= Buffer.allocUnsafe(this.chunkBytes);
      for (;;) {
        const fh = this.fh;
        const buf = this.buf;
        if (fh === undefined || buf === undefined) return;
        const { bytesRead } = await fh.read(buf, 0, buf.length, this.readPos);
        if (bytesRead === 0) return;
        const chunk = bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
        const start = this.readPos;
        this.readPos += bytesRead;
        await inSlice(() => {
          // The splitter copies what it keeps, so the read buffer can be reused.
          const lines = this.splitter.push(chunk);
          const nl = chunk.lastIndexOf(NL);
          if (nl >= 0) this.lineEnd = start + nl + 1;
          if (lines.length > 0) this.deliver(lines);
        });
        if (bytesRead < buf.length) return;
      }
    } catch (e) {
      this.opts.onError?.(toError(e));
    }
  }

  private deliver(lines: SplitLine[]): void {
    try {
      this.opts.onLines(lines, this.lineEnd);
    } catch (e) {
      this.opts.onError?.(toError(e));
    }
  }
}
