/**
 * Copies a remote run's stdout into its local log file, where the task manager's tailer reads it
 * as it reads a local run's. The local file is the saved offset: each connection asks the host for
 * the bytes after what the file already holds, and every chunk is written before the next is read,
 * so a dropped connection (or a restart of voice-orch) resumes with no byte lost or repeated.
 */
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { FOLLOW_SCRIPT } from './remote-scripts.js';
import { streamSsh, type SshResult, type SshTarget } from './ssh-transport.js';

/** Reconnect delays: doubling from `minMs` up to `maxMs`. */
export interface Backoff {
  minMs: number;
  maxMs: number;
}

/** Size of a local file, 0 when it does not exist. */
export function localSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function appendAll(fd: number, chunk: Buffer): void {
  let off = 0;
  while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
}

/** What the follower tells its host about the connection. */
export interface FollowerEvents {
  /** A connection worked (bytes arrived or the follow ended normally). */
  reachable(): void;
  /** A connection failed or dropped; the follower will retry. */
  connectionFailed(result: SshResult): void;
}

/**
 * Follows `runDir/out` on the host into `stdoutPath` (whose first `baseOffset` bytes predate the
 * run) until the run has ended and every byte is copied. Resolves true then; false when stopped.
 */
export function followRemoteLog(opts: {
  target: SshTarget;
  runDir: string;
  stdoutPath: string;
  baseOffset: number;
  backoff: Backoff;
  events: FollowerEvents;
}): { drained: Promise<boolean>; stop: () => void } {
  let stopped = false;
  let stopCurrent: (() => void) | undefined;
  let wake: (() => void) | undefined;
  const drained = (async () => {
    let delay = opts.backoff.minMs;
    while (!stopped) {
      const offset = Math.max(0, localSize(opts.stdoutPath) - opts.baseOffset);
      let fd: number;
      try {
        fd = openSync(opts.stdoutPath, 'a', 0o600);
      } catch {
        return false;
      }
      let sawData = false;
      const s = await streamSsh(
        opts.target,
        ['sh', '-c', FOLLOW_SCRIPT, 'voice-orch-follow', opts.runDir, String(offset)],
        (c) => {
          // After stop, bytes still in the pipe belong to no one: a new follower may own the file.
          if (stopped) return;
          if (!sawData) {
            sawData = true;
            opts.events.reachable();
          }
          appendAll(fd, c);
        },
      );
      stopCurrent = s.stop;
      if (stopped) s.stop();
      const r = await s.done;
      stopCurrent = undefined;
      closeSync(fd);
      if (stopped) return false;
      if (r.exitCode === 0) {
        opts.events.reachable();
        return true;
      }
      // The run folder is gone (removed on the host): nothing more will ever come.
      if (!r.connectionFailed) return true;
      opts.events.connectionFailed(r);
      if (sawData) delay = opts.backoff.minMs;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, delay).unref();
      });
      wake = undefined;
      delay = Math.min(delay * 2, opts.backoff.maxMs);
    }
    return false;
  })();
  return {
    drained,
    stop: () => {
      stopped = true;
      stopCurrent?.();
      wake?.();
    },
  };
}
