/**
 * In-memory terminal doubles for the screen benchmarks: a TTY stdout that counts Ink's frames and
 * a TTY stdin that types what the bench presses (Ink needs setRawMode and the stream events).
 */
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';

/** The value at percentile `p` of ascending `sorted` values (NaN for none). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** A TTY that counts what Ink writes and calls `onFrame` for every frame. */
export class FrameTerminal extends Writable {
  readonly isTTY = true;
  columns = 120;
  rows = 40;
  frames = 0;
  bytes = 0;
  /** The tail of the output, kept only when `keepTail` is set (for dumping a frame). */
  last = '';
  keepTail = false;
  onFrame: () => void = () => {};
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    // Ink wraps each frame in synchronized-output markers and may write it in several pieces.
    const text = chunk.toString();
    if (text.includes('\u001b[?2026h')) {
      this.frames++;
      this.onFrame();
    }
    this.bytes += chunk.length;
    if (this.keepTail) this.last = (this.last + text).slice(-20000);
    cb();
  }
}

/** A TTY-like stdin; Ink reads what `press` queues on 'readable'. Never pressed, it is silent. */
export class KeyStdin extends EventEmitter {
  readonly isTTY = true;
  private queue: string[] = [];
  press(seq: string): void {
    this.queue.push(seq);
    this.emit('readable');
  }
  setRawMode(): this {
    return this;
  }
  setEncoding(): this {
    return this;
  }
  read(): string | null {
    return this.queue.shift() ?? null;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  resume(): this {
    return this;
  }
  pause(): this {
    return this;
  }
}
