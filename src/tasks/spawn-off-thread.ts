/**
 * Starts processes on a thread of their own (spawn-thread.cjs), so the app's thread, which draws
 * the screen and reads the task logs, never waits for a process to start. Starting one blocks its
 * caller until the child has called exec; with twenty busy agents on two cores that was 13–300 ms
 * per process (bench/tasks.bench.ts: the event-loop delay p99 was the spawns of the tasks and of
 * their git calls). One thread, created on first use, serves every caller; it holds the process
 * open only while a request waits for its answer (a detached child's end is awaited without
 * holding it, like an unref'd child).
 */
import { SHARE_ENV, Worker } from 'node:worker_threads';
import { errorText } from '../shared/errors.js';

/** What execa said about a process that ran (the plain fields voice-orch reads). */
export interface ProcessFacts {
  exitCode?: number;
  signal?: string;
  stdout?: string;
  stderr?: string;
  failed: boolean;
  timedOut: boolean;
  shortMessage?: string;
  originalMessage?: string;
}

/** The end of a process run through execa: its facts, or the message of what execa threw. */
export type ProcessOutcome = { ok: true; facts: ProcessFacts } | { ok: false; message: string };

/** execa options that can cross to the thread: plain values, file descriptors as numbers. */
export type ThreadExecaOptions = Record<string, string | number | boolean | Record<string, string> | undefined>;

/** A process started detached: its pid (undefined when it did not start) and its end. */
export interface ThreadChild {
  pid: number | undefined;
  exited: Promise<ProcessOutcome>;
}

type Reply =
  | { id: number; t: 'started'; pid: number | undefined }
  | { id: number; t: 'exited' | 'done'; result?: ProcessFacts; threw?: string };

interface Pending {
  /** Holds the process open (an answer is awaited) rather than only watching a detached child. */
  holds: boolean;
  started?: (pid: number | undefined) => void;
  ended: (o: ProcessOutcome) => void;
}

const WORKER_URL = new URL('./spawn-thread.cjs', import.meta.url);

let worker: Worker | undefined;
let nextId = 1;
let holding = 0;
const pending = new Map<number, Pending>();

function outcomeOf(r: Extract<Reply, { t: 'exited' | 'done' }>): ProcessOutcome {
  return r.result !== undefined ? { ok: true, facts: r.result } : { ok: false, message: r.threw ?? 'no answer' };
}

function release(p: Pending): void {
  if (!p.holds) return;
  p.holds = false;
  holding--;
  if (holding === 0) worker?.unref();
}

function onReply(r: Reply): void {
  const p = pending.get(r.id);
  if (p === undefined) return;
  if (r.t === 'started') {
    p.started?.(r.pid);
    p.started = undefined;
    // Without a pid, its `exited` (with the reason) follows.
    release(p);
    return;
  }
  pending.delete(r.id);
  release(p);
  p.started?.(undefined);
  p.ended(outcomeOf(r));
}

/** The thread died: every waiting caller gets an answer, and the next request starts a new one. */
function onDeath(why: string): void {
  worker = undefined;
  holding = 0;
  const all = [...pending.values()];
  pending.clear();
  for (const p of all) {
    p.started?.(undefined);
    p.ended({ ok: false, message: `the spawn thread stopped: ${why}` });
  }
}

function thread(): Worker {
  if (worker !== undefined) return worker;
  // No --import hooks (tsx) in the thread: it is plain CommonJS. The environment is shared, so a
  // variable set later by voice-orch reaches processes started from the thread as it would here.
  const w = new Worker(WORKER_URL, { execArgv: [], env: SHARE_ENV });
  w.on('message', onReply);
  w.on('error', (e) => onDeath(errorText(e)));
  w.on('exit', (code) => {
    if (worker === w) onDeath(`exit code ${code}`);
  });
  w.unref();
  worker = w;
  return w;
}

function send(
  kind: 'detached' | 'run',
  file: string,
  args: readonly string[],
  options: ThreadExecaOptions,
  p: Pending,
): void {
  const id = nextId++;
  try {
    const w = thread();
    pending.set(id, p);
    holding++;
    if (holding === 1) w.ref();
    w.postMessage({ id, kind, file, args: [...args], options });
  } catch (e) {
    pending.delete(id);
    release(p);
    p.started?.(undefined);
    p.ended({ ok: false, message: errorText(e) });
  }
}

/**
 * Starts `file args` with execa `options` on the spawn thread and resolves once it has started
 * (or failed to): the pid, and a promise of its end that does not hold the process open.
 */
export function startOffThread(
  file: string,
  args: readonly string[],
  options: ThreadExecaOptions,
): Promise<ThreadChild> {
  return new Promise((resolve) => {
    let ended!: (o: ProcessOutcome) => void;
    const exited = new Promise<ProcessOutcome>((r) => (ended = r));
    send('detached', file, args, options, { holds: true, started: (pid) => resolve({ pid, exited }), ended });
  });
}

/** Runs `file args` with execa `options` on the spawn thread to its end. Never rejects. */
export function runOffThread(
  file: string,
  args: readonly string[],
  options: ThreadExecaOptions,
): Promise<ProcessOutcome> {
  return new Promise((resolve) => send('run', file, args, options, { holds: true, ended: resolve }));
}
