/**
 * One voice-orch per state directory. Two instances on one directory both handed out the same task
 * ids and wrote into one log, so the app takes `<stateDir>/voice-orch.lock` before it loads the
 * registry (read-only commands such as `doctor` and `devices` do not).
 *
 * The lock file names its holder by pid and process start time (field 22 of /proc/<pid>/stat): a
 * lock whose holder is gone, or whose pid now belongs to another process, is stale and taken over.
 * It is created whole (written to a temp file, then hard-linked into place, which fails if the
 * name exists), so a reader never sees a half-written lock.
 */
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isRunningStat, readProcStatSync } from '../tasks/process-tree.js';

/** Who holds a lock, as written in the lock file. */
export interface LockHolder {
  pid: number;
  /** Clock ticks since boot when the holder started; absent when /proc was unreadable. */
  startTime?: number;
}

/** A held lock. */
export interface StateLock {
  /** The lock file. */
  path: string;
  /** Removes the lock file if it is still ours. Synchronous, so it also works in an `exit` handler. */
  release(): void;
}

/** Outcome of {@link acquireStateLock}: the lock, or who holds it and a sentence for the user. */
export type StateLockResult = { ok: true; lock: StateLock } | { ok: false; holder?: LockHolder; message: string };

/** Name of the lock file inside the state directory. */
export const LOCK_FILE = 'voice-orch.lock';

function readHolder(path: string): LockHolder | undefined {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    if (typeof v.pid !== 'number' || !Number.isInteger(v.pid) || v.pid <= 0) return undefined;
    return typeof v.startTime === 'number' ? { pid: v.pid, startTime: v.startTime } : { pid: v.pid };
  } catch {
    return undefined;
  }
}

function sameHolder(a: LockHolder | undefined, b: LockHolder | undefined): boolean {
  return a !== undefined && b !== undefined && a.pid === b.pid && a.startTime === b.startTime;
}

/** True while the holder's process runs and is the same process (start time) that wrote the lock. */
function holderAlive(h: LockHolder): boolean {
  return isRunningStat(readProcStatSync(h.pid), h.startTime);
}

function heldMessage(h: LockHolder): string {
  return (
    `voice-orch is already running with this state dir (pid ${h.pid}). ` +
    'Use that one, or start this one with --state-dir <another directory>.'
  );
}

/** Creates `path` with `text` only if it does not exist yet (EEXIST otherwise), never half-written. */
function createWhole(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
  }
}

/**
 * Takes the lock of `stateDir` (which must exist) for this process, taking over a stale one.
 * Never throws: a failure is a result with a sentence.
 */
export function acquireStateLock(stateDir: string): StateLockResult {
  const path = join(stateDir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid };
  const myStart = readProcStatSync(process.pid)?.startTime;
  if (myStart !== undefined) me.startTime = myStart;
  const text = JSON.stringify(me);
  // A few rounds: each stale lock removed may race with another instance doing the same.
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      createWhole(path, text);
      return {
        ok: true,
        lock: {
          path,
          release() {
            if (!sameHolder(readHolder(path), me)) return;
            try {
              unlinkSync(path);
            } catch {
              // already gone
            }
          },
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        return { ok: false, message: `cannot lock the state directory ${stateDir}: ${(e as Error).message}` };
      }
    }
    const holder = readHolder(path);
    if (holder !== undefined && holderAlive(holder)) return { ok: false, holder, message: heldMessage(holder) };
    // Stale (its holder is gone or its pid was reused) or unreadable: move it aside under a name of
    // our own, and check that what we moved is what we judged stale; a lock that another instance
    // created in between is put back.
    const aside = `${path}.stale-${process.pid}`;
    try {
      renameSync(path, aside);
    } catch {
      continue;
    }
    const moved = readHolder(aside);
    if (holder !== undefined && !sameHolder(moved, holder) && moved !== undefined && holderAlive(moved)) {
      try {
        linkSync(aside, path);
      } catch {
        // someone else holds it now; the next round reports them
      }
    }
    try {
      unlinkSync(aside);
    } catch {
      // already gone
    }
  }
  const holder = readHolder(path);
  return holder
    ? { ok: false, holder, message: heldMessage(holder) }
    : { ok: false, message: `cannot lock the state directory ${stateDir}: the lock file keeps changing` };
}
