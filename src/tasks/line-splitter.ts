/** One line cut from a byte stream. */
export interface SplitLine {
  /** The line decoded as UTF-8, without its `\n` (and without a trailing `\r`). */
  text: string;
  /** True when the line was longer than the cap and only its first bytes were kept. */
  truncated: boolean;
  /** Byte length of the whole line as received (without `\n` / `\r\n`), including discarded bytes. */
  bytes: number;
  /**
   * Byte position of the line's first byte in the file (only when the splitter was given a
   * `startOffset`: the position of the first byte pushed). Exact also for `\r\n` lines.
   */
  offset?: number;
}

const NL = 0x0a;
const CR = 0x0d;
const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

/**
 * Length of `buf[0, end)` shortened so it does not end inside a UTF-8 sequence
 * (so a line cut at the cap does not end in a replacement character).
 */
function utf8SafeEnd(buf: Buffer, end: number): number {
  // Look back at most 3 bytes for the lead byte of the last sequence.
  for (let i = end - 1, seen = 1; i >= 0 && seen <= 4; i--, seen++) {
    const b = buf[i] as number;
    if ((b & 0xc0) === 0x80) continue; // continuation byte
    if (b < 0x80) return end; // ASCII: complete
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return seen >= need ? end : i;
  }
  return end;
}

/**
 * Splits a byte stream (a child's stdout) into lines.
 *
 * - Splits on `\n`; a `\r` right before it is dropped.
 * - Bytes are decoded only once a whole line is known, so multi-byte UTF-8 characters split across
 *   chunks decode correctly; invalid bytes become U+FFFD.
 * - Memory is bounded: of a line longer than `maxLineBytes` only the first `maxLineBytes` bytes are
 *   kept (cut back to a character boundary); the rest is counted in `bytes` and discarded until the
 *   next newline. The retained partial line never exceeds the cap.
 */
export class LineSplitter {
  private readonly max: number;
  /** Pieces of the current unfinished line (copies, so input chunks are not retained). */
  private parts: Buffer[] = [];
  private keptBytes = 0;
  /** Bytes of the current line seen so far, kept or not. */
  private lineBytes = 0;
  private overflow = false;
  /** Last byte of the current line seen so far (to drop a `\r` that was itself discarded). */
  private lastByte = -1;
  /** File position of the next byte pushed; undefined when lines carry no offset. */
  private at: number | undefined;
  /** File position where the current unfinished line began. */
  private lineStart = 0;

  /**
   * @param opts.maxLineBytes cap on the kept part of one line (default 1 MiB, minimum 1).
   * @param opts.startOffset file position of the first byte pushed: lines then carry `offset`.
   */
  constructor(opts?: { maxLineBytes?: number; startOffset?: number }) {
    const m = Math.floor(opts?.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
    this.max = Number.isFinite(m) && m >= 1 ? m : DEFAULT_MAX_LINE_BYTES;
    this.at = opts?.startOffset;
  }

  /** Bytes currently held for the unfinished line (always ≤ the cap). */
  get bufferedBytes(): number {
    return this.keptBytes;
  }

  /** Feeds a chunk; returns the lines it completed, in order. */
  push(chunk: Buffer): SplitLine[] {
    const out: SplitLine[] = [];
    const len = chunk.length;
    let pos = 0;
    while (pos < len) {
      const nl = chunk.indexOf(NL, pos);
      if (nl === -1) {
        this.append(chunk, pos, len);
        break;
      }
      if (this.lineBytes === 0) {
        // Fast path: the whole line is inside this chunk.
        let end = nl;
        if (end > pos && chunk[end - 1] === CR) end--;
        const n = end - pos;
        const line: SplitLine =
          n <= this.max
            ? { text: chunk.toString('utf8', pos, end), truncated: false, bytes: n }
            : { text: chunk.toString('utf8', pos, utf8SafeEnd(chunk, pos + this.max)), truncated: true, bytes: n };
        if (this.at !== undefined) line.offset = this.at + pos;
        out.push(line);
      } else {
        this.append(chunk, pos, nl);
        out.push(this.finishLine());
      }
      pos = nl + 1;
    }
    if (this.at !== undefined) this.at += len;
    return out;
  }

  /** Flushes a final line that had no newline (nothing when the stream ended on a newline). */
  end(): SplitLine[] {
    if (this.lineBytes === 0) return [];
    return [this.finishLine()];
  }

  private append(chunk: Buffer, start: number, end: number): void {
    const n = end - start;
    if (n <= 0) return;
    if (this.lineBytes === 0 && this.at !== undefined) this.lineStart = this.at + start;
    this.lineBytes += n;
    this.lastByte = chunk[end - 1] as number;
    if (this.overflow) return;
    const room = this.max - this.keptBytes;
    if (n > room) {
      this.overflow = true;
      if (room > 0) this.keep(chunk, start, start + room);
      return;
    }
    this.keep(chunk, start, end);
  }

  private keep(chunk: Buffer, start: number, end: number): void {
    const copy = Buffer.allocUnsafe(end - start);
    chunk.copy(copy, 0, start, end);
    this.parts.push(copy);
    this.keptBytes += copy.length;
  }

  private finishLine(): SplitLine {
    const buf = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts, this.keptBytes);
    let bytes = this.lineBytes;
    const endsWithCr = this.lastByte === CR;
    if (endsWithCr) bytes--;
    let line: SplitLine;
    if (bytes > this.max) {
      line = { text: buf.toString('utf8', 0, utf8SafeEnd(buf, this.max)), truncated: true, bytes };
    } else {
      // Also reached when only a dropped `\r` pushed the line over the cap.
      line = { text: buf.toString('utf8', 0, bytes), truncated: false, bytes };
    }
    if (this.at !== undefined) line.offset = this.lineStart;
    this.parts = [];
    this.keptBytes = 0;
    this.lineBytes = 0;
    this.overflow = false;
    this.lastByte = -1;
    return line;
  }
}
