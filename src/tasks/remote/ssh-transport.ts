/**
 * How voice-orch talks to a host: the user's own OpenSSH client (`ssh`, with ~/.ssh/config, its
 * aliases, jump hosts and keys), one multiplexed connection per host (ControlMaster), host keys
 * checked as ssh checks them, no agent forwarding, BatchMode (never a prompt in the pane). Every
 * remote command is an argv made into one quoted command line by shell-quote.ts.
 */
import { existsSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { errorText } from '../../shared/errors.js';
import { remoteCommandLine } from './shell-quote.js';

/** One host as the user configured it (see the README's "Remote hosts"). */
export interface SshTarget {
  /** The ssh destination: an alias from ~/.ssh/config or `user@host`. */
  destination: string;
  port?: number;
  identityFile?: string;
  /** An ssh_config file to use instead of ~/.ssh/config (`-F`). */
  configFile?: string;
  /** Where ControlMaster sockets live (a private local folder). */
  controlDir: string;
  /** How long an idle multiplexed connection stays open, in seconds. */
  controlPersistSeconds?: number;
  /** Seconds for a connection to be made before the host counts as unreachable. */
  connectTimeoutSeconds?: number;
}

/** What one remote command did. `connectionFailed`: ssh itself failed (exit 255), nothing ran or it was cut. */
export interface SshResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  connectionFailed: boolean;
}

function baseOptions(t: SshTarget, clearForwards = true): string[] {
  const opts: string[] = [];
  if (t.configFile !== undefined) opts.push('-F', t.configFile);
  if (t.port !== undefined) opts.push('-p', String(t.port));
  if (t.identityFile !== undefined) opts.push('-i', t.identityFile);
  opts.push(
    '-T',
    '-o',
    'BatchMode=yes',
    '-o',
    'ForwardAgent=no',
    '-o',
    'ForwardX11=no',
    ...(clearForwards ? ['-o', 'ClearAllForwardings=yes'] : []),
    '-o',
    `ControlPath=${controlPath(t)}`,
    '-o',
    `ConnectTimeout=${t.connectTimeoutSeconds ?? 10}`,
    '-o',
    'ServerAliveInterval=5',
    '-o',
    'ServerAliveCountMax=3',
  );
  return opts;
}

function controlPath(t: SshTarget): string {
  return join(t.controlDir, 'master');
}

/**
 * The ssh argv of one remote command (options, `--`, destination, one quoted command line). It
 * uses the host's shared connection when there is one and connects on its own when there is not.
 */
export function sshArgv(t: SshTarget, remoteArgv: readonly string[]): string[] {
  return [...baseOptions(t), '-o', 'ControlMaster=no', '--', t.destination, remoteCommandLine(remoteArgv)];
}

const masters = new Map<string, Promise<void>>();
const masterHooks = new Map<string, Set<() => void>>();

/**
 * Calls `hook` each time a new shared connection to the host comes up (the first one and every
 * one after a drop): what lives on a connection (a forwarded socket) is set up again there.
 * Returns the unsubscribe.
 */
export function onNewMaster(t: SshTarget, hook: () => void): () => void {
  const path = controlPath(t);
  let set = masterHooks.get(path);
  if (!set) masterHooks.set(path, (set = new Set()));
  set.add(hook);
  return () => set.delete(hook);
}

/** Which shared connection is up now (its socket's inode; a new connection makes a new socket), if any. */
export function masterId(t: SshTarget): number | undefined {
  try {
    return statSync(controlPath(t)).ino;
  } catch {
    return undefined;
  }
}

/**
 * Asks the host's shared connection to forward a Unix socket on the host (`remote`) to one here
 * (`local`): OpenSSH stream-local forwarding (`ssh -O forward -R remote:local`). It lasts as long
 * as that connection; {@link onNewMaster} says when to ask again. `cancel` takes such a forward
 * back (`-O cancel`; a forward that is not there is no error).
 */
export async function forwardSocket(
  t: SshTarget,
  remote: string,
  local: string,
  op: 'forward' | 'cancel' = 'forward',
): Promise<SshResult> {
  // `-R` splits its argument at ":"; a path with one (or a space) cannot be said there.
  if (/[:\s]/.test(remote) || /[:\s]/.test(local)) {
    return {
      exitCode: -1,
      stdout: '',
      stderr: 'a socket path with ":" or a space cannot be forwarded',
      connectionFailed: false,
    };
  }
  try {
    const r = await execa(
      'ssh',
      [...baseOptions(t, false), '-O', op, '-R', `${remote}:${local}`, '--', t.destination],
      { reject: false, stdin: 'ignore', timeout: 15_000 },
    );
    const exitCode = r.exitCode ?? -1;
    return {
      exitCode,
      stdout: String(r.stdout ?? ''),
      stderr: String(r.stderr ?? ''),
      connectionFailed: exitCode === 255,
    };
  } catch (e) {
    return { exitCode: -1, stdout: '', stderr: errorText(e), connectionFailed: true };
  }
}

/**
 * Opens the host's shared (multiplexed) connection when none is open. It is started on its own,
 * with no pipe of ours (a persisting master would hold it open and stall the command that
 * started it), and stays up for `controlPersistSeconds` after the last use.
 */
export function ensureMaster(t: SshTarget): Promise<void> {
  const path = controlPath(t);
  if (existsSync(path)) return Promise.resolve();
  let p = masters.get(path);
  if (p) return p;
  p = (async () => {
    try {
      await execa(
        'ssh',
        [
          ...baseOptions(t),
          '-o',
          'ControlMaster=yes',
          '-o',
          `ControlPersist=${t.controlPersistSeconds ?? 60}`,
          '-N',
          '-f',
          '--',
          t.destination,
        ],
        { stdio: 'ignore', reject: false, timeout: ((t.connectTimeoutSeconds ?? 10) + 5) * 1000 },
      );
    } catch {
      // no shared connection: each command connects on its own (and reports what failed)
    } finally {
      masters.delete(path);
    }
    if (existsSync(path)) for (const hook of masterHooks.get(path) ?? []) hook();
  })();
  masters.set(path, p);
  return p;
}

/** Forgets a shared connection that failed (a dead master's socket would only slow the next try). */
function dropMaster(t: SshTarget): void {
  try {
    unlinkSync(controlPath(t));
  } catch {
    // already gone
  }
}

/** Runs one remote command to its end (never throws: a failure is a result); `input` is its stdin. */
export async function runSsh(
  t: SshTarget,
  remoteArgv: readonly string[],
  timeoutMs = 30_000,
  input?: Buffer,
): Promise<SshResult> {
  await ensureMaster(t);
  let argv: string[];
  try {
    argv = sshArgv(t, remoteArgv);
  } catch (e) {
    return { exitCode: -1, stdout: '', stderr: errorText(e), connectionFailed: false };
  }
  try {
    const r = await execa('ssh', argv, {
      reject: false,
      ...(input !== undefined ? { input } : { stdin: 'ignore' as const }),
      timeout: timeoutMs,
      stripFinalNewline: false,
    });
    const exitCode = r.exitCode ?? -1;
    const connectionFailed = exitCode === 255 || r.timedOut === true || r.exitCode === undefined;
    if (connectionFailed) dropMaster(t);
    return { exitCode, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), connectionFailed };
  } catch (e) {
    return { exitCode: -1, stdout: '', stderr: errorText(e), connectionFailed: true };
  }
}

/** Starts a remote command whose stdout is streamed to `onData` (the follower's connection). */
export async function streamSsh(
  t: SshTarget,
  remoteArgv: readonly string[],
  onData: (chunk: Buffer) => void,
): Promise<{ done: Promise<SshResult>; stop: () => void }> {
  await ensureMaster(t);
  let sub: ResultPromise<{
    reject: false;
    stdin: 'ignore';
    buffer: { stdout: false; stderr: true };
    encoding: 'buffer';
  }>;
  try {
    sub = execa('ssh', sshArgv(t, remoteArgv), {
      reject: false,
      stdin: 'ignore',
      buffer: { stdout: false, stderr: true },
      encoding: 'buffer',
    });
  } catch (e) {
    return {
      done: Promise.resolve({ exitCode: -1, stdout: '', stderr: errorText(e), connectionFailed: false }),
      stop: () => undefined,
    };
  }
  let stopped = false;
  sub.stdout?.on('data', (c: Buffer) => onData(c));
  const done = sub.then(
    (r) => {
      const exitCode = r.exitCode ?? -1;
      const connectionFailed = exitCode === 255 || r.exitCode === undefined;
      if (connectionFailed && !stopped) dropMaster(t);
      return { exitCode, stdout: '', stderr: Buffer.from(r.stderr ?? []).toString('utf8'), connectionFailed };
    },
    (e: unknown) => ({ exitCode: -1, stdout: '', stderr: errorText(e), connectionFailed: true }),
  );
  return {
    done,
    stop: () => {
      stopped = true;
      sub.kill('SIGTERM');
    },
  };
}
