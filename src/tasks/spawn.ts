/**
 * The one place that starts agent processes (on the spawn thread, spawn-off-thread.ts).
 *
 * Agents must outlive voice-orch, so the child gets its own process group (detached), is
 * unref'd, and writes straight into its log files: stdout and stderr are file descriptors
 * opened with O_APPEND, not pipes to us. When voice-orch dies, nothing of the agent breaks.
 */
import { errorText } from '../shared/errors.js';
import { closeSync, openSync } from 'node:fs';
import { execa } from 'execa';
import { lowerAgentPriority } from './agent-priority.js';
import { LineSplitter } from './line-splitter.js';
import { descendantsOf, listProcesses, signalGroup, signalRefs } from './process-tree.js';
import { startOffThread } from './spawn-off-thread.js';
import type { ChildExit, RunSpec } from './runner.js';
import type { ActionResult } from './types.js';

/** What to run and where its output goes (a Runner's run spec). */
export type DetachedSpawnOptions = RunSpec;

/** A started child: its pid and a promise of its end (never rejects). */
export interface DetachedChild {
  pid: number;
  exited: Promise<ChildExit>;
}

/**
 * Starts a detached child with stdin ignored and stdout/stderr appended to files.
 * Returns a refusal (never throws) when the files cannot be opened or the process cannot start.
 */
export async function spawnDetached(opts: DetachedSpawnOptions): Promise<ActionResult<DetachedChild>> {
  const started = await startChild(opts);
  if (!started.ok || started.value.pid > 0) return started;
  // No pid: the spawn failed (ENOENT, EACCES, bad cwd) and execa reports why through the promise.
  const exit = await started.value.exited;
  return { ok: false, message: exit.error ?? 'the process did not start' };
}

async function startChild(opts: DetachedSpawnOptions): Promise<ActionResult<DetachedChild>> {
  let outFd: number | undefined;
  let errFd: number | undefined;
  try {
    outFd = openSync(opts.stdoutPath, 'a', 0o600);
    errFd = openSync(opts.stderrPath, 'a', 0o600);
  } catch (e) {
    closeQuietly(outFd);
    return { ok: false, message: `cannot open the task log: ${errorText(e)}` };
  }
  try {
    // Started on the spawn thread (spawn-off-thread.ts): this thread draws the screen meanwhile.
    // The descriptors are handed to the child as they are (no stream through us), which is the point.
    const sub = await startOffThread(opts.file, [...opts.args], {
      cwd: opts.cwd,
      env: opts.env,
      extendEnv: false,
      stdin: 'ignore',
      stdout: outFd,
      stderr: errFd,
      detached: true,
      cleanup: false,
      reject: false,
      buffer: false,
      windowsHide: true,
    });
    const exited: Promise<ChildExit> = sub.exited.then((o) => {
      if (!o.ok) return { exitCode: null, signal: null, error: o.message };
      const r = o.facts;
      const exit: ChildExit = { exitCode: r.exitCode ?? null, signal: r.signal ?? null };
      if (r.failed && r.exitCode === undefined && r.signal === undefined)
        exit.error = r.originalMessage || r.shortMessage;
      return exit;
    });
    if (sub.pid === undefined) return { ok: true, value: { pid: -1, exited } };
    lowerAgentPriority(sub.pid);
    return { ok: true, value: { pid: sub.pid, exited } };
  } finally {
    // The child holds its own copies of the descriptors; ours are not needed any more.
    closeQuietly(outFd);
    closeQuietly(errFd);
  }
}

function closeQuietly(fd: number | undefined): void {
  if (fd === undefined) return;
  try {
    closeSync(fd);
  } catch {
    // already closed: nothing to release
  }
}

/** What a short command printed, for checks such as `<agent> --version`. */
export interface ShortRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Why it did not run or did not finish in time. */
  error?: string;
}

/**
 * Runs a short command to its end (stdin ignored, killed after `timeoutMs`) and returns what it
 * printed; never throws. Not for agents' runs (those are detached, see {@link spawnDetached}).
 */
export async function runShort(
  file: string,
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<ShortRun> {
  try {
    const r = await execa(file, [...args], {
      env,
      extendEnv: false,
      stdin: 'ignore',
      reject: false,
      timeout: timeoutMs,
      windowsHide: true,
    });
    const out: ShortRun = {
      exitCode: r.exitCode ?? null,
      stdout: String(r.stdout ?? ''),
      stderr: String(r.stderr ?? ''),
    };
    if (r.timedOut) out.error = `no answer within ${Math.round(timeoutMs / 1000)} s`;
    else if (r.failed && r.exitCode === undefined) out.error = r.shortMessage;
    return out;
  } catch (e) {
    return { exitCode: null, stdout: '', stderr: '', error: errorText(e) };
  }
}

/** How a {@link runUntilLine} probe ended. */
export interface ProbeRun {
  /** The line `until` accepted, when one came in time. */
  line?: string;
  /** Milliseconds from the start to that line, or to the end of the probe. */
  ms: number;
  /** Set when the process ended on its own before such a line. */
  exit?: { exitCode: number | null; signal: string | null };
  /** True when neither a line nor an exit came within the time allowed. */
  timedOut: boolean;
  /** The end of what it wrote to stderr (at most 4 KiB). */
  stderr: string;
  /** Why it could not be started. */
  error?: string;
}

/**
 * Starts a command as agents are started (own process group, stdin closed, the given environment
 * only), reads its stdout line by line until `until` accepts a line, it exits, or `timeoutMs`
 * passes, and then ends it with everything it started (the group and every descendant, SIGKILL:
 * nothing of it is worth keeping). For doctor's "starts headless" probe; never throws.
 */
export async function runUntilLine(
  file: string,
  args: readonly string[],
  o: { env: Record<string, string>; cwd: string; timeoutMs: number; until: (line: string) => boolean },
): Promise<ProbeRun> {
  const started = Date.now();
  let sub: ReturnType<typeof execa>;
  try {
    sub = execa(file, [...args], {
      cwd: o.cwd,
      env: o.env,
      extendEnv: false,
      stdin: 'ignore',
      detached: true,
      cleanup: false,
      reject: false,
      buffer: false,
      windowsHide: true,
    });
  } catch (e) {
    return { ms: 0, timedOut: false, stderr: '', error: errorText(e) };
  }
  let stderr = '';
  sub.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-4096);
  });
  const splitter = new LineSplitter({ maxLineBytes: 64 * 1024 });
  const found = new Promise<{ line: string }>((resolve) => {
    sub.stdout?.on('data', (d: Buffer) => {
      for (const l of splitter.push(d)) if (o.until(l.text)) resolve({ line: l.text });
    });
  });
  const exited = sub.then(
    (r) => ({
      exitCode: r.exitCode ?? null,
      signal: r.signal ?? null,
      error: r.exitCode === undefined && r.signal === undefined ? r.shortMessage : undefined,
    }),
    (e: unknown) => ({ exitCode: null, signal: null, error: errorText(e) }),
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), o.timeoutMs);
  });
  const first = await Promise.race([found, exited, timeout]);
  clearTimeout(timer);
  const ms = Date.now() - started;
  const pid = sub.pid;
  if (pid !== undefined && pid > 0) {
    // Launchers that ignore SIGTERM or leave a native child (Codex, Gemini CLI) end with their whole group.
    const below = descendantsOf([pid], await listProcesses());
    signalGroup(pid, 'SIGKILL');
    signalRefs(below, 'SIGKILL');
  }
  // Its pipes close once it has gone; bounded in case a descendant kept one open.
  await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
  if (first === undefined) return { ms, timedOut: true, stderr };
  if ('line' in first) return { line: first.line, ms, timedOut: false, stderr };
  if (first.error !== undefined && pid === undefined) return { ms, timedOut: false, stderr, error: first.error };
  return { ms, timedOut: false, stderr, exit: { exitCode: first.exitCode, signal: first.signal } };
}
