/**
 * Append-only JSON-lines file, created with mode 0600 (its directory 0700). Writes are queued
 * on a stream so callers on the hot path never wait for the disk.
 */
import { toError } from '../shared/errors.js';
import { createWriteStream, mkdirSync, chmodSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

/** One JSON object per line. Write failures go to `onError`, never throw. */
export class JsonlFile {
  private stream: WriteStream | null = null;
  private failed = false;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly onError: (err: Error) => void = () => {},
  ) {}

  /** Append one record. Ignored after close() (a late event must not reopen the file). */
  append(record: unknown): void {
    if (this.failed || this.closed) return;
    try {
      if (!this.stream) this.open();
      this.stream?.write(`${JSON.stringify(record)}\n`);
    } catch (err) {
      this.fail(err);
    }
  }

  /** Flush and close. */
  close(): Promise<void> {
    this.closed = true;
    const s = this.stream;
    this.stream = null;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => s.end(() => resolve()));
  }

  private open(): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const s = createWriteStream(this.path, { flags: 'a', mode: 0o600 });
    s.on('error', (err) => this.fail(err));
    s.on('open', () => {
      // `mode` only applies when the file is created; an older file may be wider.
      try {
        chmodSync(this.path, 0o600);
      } catch {
        // Not ours to fix (e.g. owned by someone else); writing still works.
      }
    });
    this.stream = s;
  }

  private fail(err: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.stream = null;
    this.onError(toError(err));
  }
}
