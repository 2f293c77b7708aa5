/**
 * The SSH {@link Runner}: agent runs on another machine, started detached there (own session and
 * process group, output to a run folder in a per-user state folder on the host; remote-scripts.ts),
 * their stdout copied into the local log file the task manager tails (remote-follower.ts).
 *
 * A run is known by its wrapper's pid and start time on the host. What voice-orch needs to find a
 * run again after a restart (run folder, local log paths, the task marker) is kept in a small local
 * index, one file per run, written before the run starts and removed once all of its output is
 * local. While a run's output is still being copied it counts as alive, so the manager never
 * decides a run before its last line has arrived. A host that cannot be reached leaves its runs
 * alive (their state is "host unreachable", never failed) until it comes back.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorText } from '../../shared/errors.js';
import { oneLine } from '../../shared/sanitize.js';
import { TASK_MARKER_VAR } from '../persistence.js';
import type {
  ChildExit,
  MarkedRunProcess,
  ProcessSnapshot,
  RunProcess,
  Runner,
  RunSpec,
  SeenProcess,
  StartedRun,
} from '../runner.js';
import type { ActionResult } from '../types.js';
import { removeRunFolder, sweepRunFolders } from './remote-cleanup.js';
import { followRemoteLog, localSize, type Backoff } from './remote-follower.js';
import { registerGitHost } from '../git/git-host.js';
import { sshGitHost } from './remote-git.js';
import { RemotePermissions } from './remote-permissions.js';
import { FINISH_SCRIPT, SIGNAL_SCRIPT, START_SCRIPT, STATUS_SCRIPT } from './remote-scripts.js';
import { runSsh, type SshResult, type SshTarget } from './ssh-transport.js';

/** How a host's connection is doing, as the table shows it. */
export type HostConnection = 'connected' | 'reconnecting' | 'unreachable';

/** One SSH runner = one host. */
export interface SshRunnerOptions {
  /** The host's name in the config (shown in the table and in messages). */
  name: string;
  target: Omit<SshTarget, 'controlDir'>;
  /** A private local folder for the run index and the ControlMaster sockets. */
  localDir: string;
  /** The per-user state folder on the host (relative paths are under the remote home). */
  remoteStateDir?: string;
  /** The agent command on the host (replaces the locally resolved executable). */
  agentPath?: string;
  /** Environment variables passed to remote runs besides the task marker (their values from the run's env). */
  passEnv?: readonly string[];
  backoff?: Backoff;
  /** How long failed connections go on before the host counts as unreachable. */
  unreachableAfterMs?: number;
}

/** What the index keeps of one run (local file `<localDir>/runs/<id>.json`). */
interface IndexEntry {
  id: string;
  runDir: string;
  stdoutPath: string;
  stderrPath: string;
  baseOut: number;
  baseErr: number;
  marker?: string;
  pid?: number;
  startTime?: number;
  /** The local permission socket the run's bridge reaches through the host's forward, if any. */
  socket?: string;
}

interface LiveRun {
  entry: IndexEntry;
  done: boolean;
  exit?: Promise<ChildExit>;
  stop?: () => void;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The first line of what the host or ssh said, cleaned (it is outside text bound for the screen). */
function firstLine(text: string): string {
  return oneLine(text.trim().split('\n')[0] ?? '', 300);
}

/** Remote exit status (as `wait` reports it: 128+n for a signal) to a {@link ChildExit}. */
export function exitFromStatus(status: string): ChildExit {
  const n = Number(status.trim());
  if (!Number.isInteger(n)) return { exitCode: null, signal: null };
  if (n > 128) {
    const names: Record<number, string> = {
      1: 'SIGHUP',
      2: 'SIGINT',
      3: 'SIGQUIT',
      6: 'SIGABRT',
      9: 'SIGKILL',
      15: 'SIGTERM',
    };
    return { exitCode: null, signal: names[n - 128] ?? `SIG${n - 128}` };
  }
  return { exitCode: n, signal: null };
}

/** See this file's header. */
export class SshRunner implements Runner {
  readonly name: string;
  private readonly target: SshTarget;
  private readonly remoteStateDir: string;
  private readonly indexDir: string;
  private readonly backoff: Backoff;
  private readonly unreachableAfterMs: number;
  private readonly runs = new Map<number, LiveRun>();
  private loaded = false;
  private state: HostConnection = 'connected';
  private failingSince: number | undefined;
  private readonly listeners = new Set<(s: HostConnection) => void>();
  private closed = false;
  private swept = false;
  /** Permission requests of this host's runs (remote-permissions.ts). */
  private readonly permissions: RemotePermissions;
  private readonly unregisterGit: () => void;

  constructor(private readonly opts: SshRunnerOptions) {
    this.name = opts.name;
    const controlDir = join(opts.localDir, 'ctl');
    this.indexDir = join(opts.localDir, 'runs');
    mkdirSync(controlDir, { recursive: true, mode: 0o700 });
    mkdirSync(this.indexDir, { recursive: true, mode: 0o700 });
    this.target = { ...opts.target, controlDir };
    this.remoteStateDir = opts.remoteStateDir ?? '.local/state/voice-orch/runs';
    this.backoff = opts.backoff ?? { minMs: 500, maxMs: 10_000 };
    this.unreachableAfterMs = opts.unreachableAfterMs ?? 30_000;
    this.permissions = new RemotePermissions(opts.name, this.target, this.remoteStateDir);
    // git for this host's tasks (worktrees, diffs, change counts) runs there (remote-git.ts).
    this.unregisterGit = registerGitHost(opts.name, sshGitHost(opts.name, this.target, this.remoteStateDir));
  }

  /** The host's connection now. */
  get connection(): HostConnection {
    return this.state;
  }

  /** Called on every change of {@link connection}; returns the unsubscribe. */
  onConnection(listener: (s: HostConnection) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** True when this runner started (or re-found) the run with this pid. */
  owns(proc: RunProcess): boolean {
    this.loadIndex();
    const r = this.runs.get(proc.pid);
    return r !== undefined && (proc.startTime === undefined || r.entry.startTime === proc.startTime);
  }

  /** Stops following (voice-orch is quitting): the runs go on on the host. */
  close(): void {
    this.closed = true;
    this.permissions.close();
    this.unregisterGit();
    for (const r of this.runs.values()) r.stop?.();
  }

  async start(spec: RunSpec): Promise<ActionResult<StartedRun>> {
    this.loadIndex();
    const file = this.opts.agentPath ?? spec.file;
    if (file.includes('=')) return { ok: false, message: `the agent path on ${this.name} may not contain "="` };
    const channel = await this.permissions.runArgs(spec.args);
    const assigns: string[] = [];
    for (const name of [TASK_MARKER_VAR, ...(this.opts.passEnv ?? []), ...channel.passEnv]) {
      const v = spec.env[name];
      if (v !== undefined && ENV_NAME.test(name)) assigns.push(`${name}=${v}`);
    }
    const id = `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
    const entry: IndexEntry = {
      id,
      runDir: `${this.remoteStateDir}/${id}`,
      stdoutPath: spec.stdoutPath,
      stderrPath: spec.stderrPath,
      baseOut: 0,
      baseErr: 0,
    };
    const marker = spec.env[TASK_MARKER_VAR];
    if (marker !== undefined) entry.marker = marker;
    if (channel.socket !== undefined) entry.socket = channel.socket;
    try {
      for (const p of [spec.stdoutPath, spec.stderrPath]) closeSync(openSync(p, 'a', 0o600));
      if (channel.note !== undefined) writeFileSync(spec.stderrPath, `${channel.note}\n`, { flag: 'a', mode: 0o600 });
      entry.baseOut = localSize(spec.stdoutPath);
      entry.baseErr = localSize(spec.stderrPath);
      this.saveEntry(entry);
    } catch (e) {
      return { ok: false, message: `cannot open the task log: ${errorText(e)}` };
    }
    const r = await runSsh(this.target, [
      'sh',
      '-c',
      START_SCRIPT,
      'voice-orch-start',
      entry.runDir,
      spec.cwd,
      file,
      'env',
      '--',
      ...assigns,
      file,
      ...channel.args,
    ]);
    this.note(r);
    const m = /^(\d+) (\d+)\s*$/.exec(r.stdout);
    if (r.exitCode !== 0 || !m) {
      this.dropEntry(entry);
      const why = firstLine(r.stderr) || `exit ${r.exitCode}`;
      return {
        ok: false,
        message: r.connectionFailed ? `host ${this.name} is unreachable: ${why}` : `on ${this.name}: ${why}`,
      };
    }
    entry.pid = Number(m[1]);
    entry.startTime = Number(m[2]);
    this.saveEntry(entry);
    const run: LiveRun = { entry, done: false };
    this.runs.set(entry.pid, run);
    if (!this.swept) {
      this.swept = true;
      const keep = this.indexFiles().map((n) => n.slice(0, -'.json'.length));
      void sweepRunFolders(this.target, this.remoteStateDir, keep);
    }
    const exited = this.follow(run);
    return { ok: true, value: { pid: entry.pid, startTime: entry.startTime, exited } };
  }

  isAlive(proc: RunProcess): Promise<boolean> {
    if (!this.owns(proc)) return Promise.resolve(false);
    const run = this.runs.get(proc.pid) as LiveRun;
    if (!run.done && !run.exit) void this.follow(run);
    return Promise.resolve(!run.done);
  }

  isSameProcess(proc: RunProcess): boolean {
    return this.owns(proc) && !(this.runs.get(proc.pid) as LiveRun).done;
  }

  terminate(proc: RunProcess): void {
    void this.signal(proc, 'TERM');
  }

  kill(proc: RunProcess): void {
    void this.signal(proc, 'KILL');
  }

  /** Descendants on the host are ended by {@link kill} there (it walks the host's process tree). */
  killDescendants(_procs: Iterable<SeenProcess>): number {
    return 0;
  }

  /** The host's process tree is not mirrored: no descendants recorded here (kill finds them on the host). */
  snapshot(): Promise<ProcessSnapshot | undefined> {
    return Promise.resolve({ startTimeOf: () => undefined, descendantsOf: () => [] });
  }

  async findMarked(variable: string): Promise<MarkedRunProcess[]> {
    if (variable !== TASK_MARKER_VAR) return [];
    this.loadIndex();
    const out: MarkedRunProcess[] = [];
    for (const name of this.indexFiles()) {
      const entry = this.readEntry(name);
      if (!entry?.marker) continue;
      if (entry.pid === undefined) {
        // voice-orch stopped between starting the run and recording its pid: ask the host.
        const r = await runSsh(this.target, ['sh', '-c', STATUS_SCRIPT, 'voice-orch-status', entry.runDir]);
        this.note(r);
        const m = /^(\d+) (\d+) /.exec(r.stdout);
        if (!m || m[1] === '0') continue;
        entry.pid = Number(m[1]);
        entry.startTime = Number(m[2]);
        this.saveEntry(entry);
        this.runs.set(entry.pid, { entry, done: false });
      }
      if (entry.startTime === undefined) continue;
      out.push({ pid: entry.pid, ppid: 0, startTime: entry.startTime, value: entry.marker });
    }
    return out;
  }

  /** Copies the run's output until it ends, then its exit status and stderr; removes it from the index. */
  private follow(run: LiveRun): Promise<ChildExit> {
    if (run.exit) return run.exit;
    const { entry } = run;
    // A run re-adopted after a restart may be waiting for a decision: its bridge retries until the
    // host's socket is forwarded again, to this voice-orch (a no-op for a run started here).
    if (entry.socket !== undefined) void this.permissions.prepare(entry.socket);
    run.exit = (async (): Promise<ChildExit> => {
      const f = followRemoteLog({
        target: this.target,
        runDir: entry.runDir,
        stdoutPath: entry.stdoutPath,
        baseOffset: entry.baseOut,
        backoff: this.backoff,
        events: { reachable: () => this.setReachable(), connectionFailed: () => this.setFailing() },
      });
      let stopped = false;
      run.stop = () => {
        stopped = true;
        f.stop();
      };
      if (!(await f.drained)) return { exitCode: null, signal: null, error: 'stopped following' };
      let delay = this.backoff.minMs;
      while (!stopped && !this.closed) {
        const errOffset = Math.max(0, localSize(entry.stderrPath) - entry.baseErr);
        const r = await runSsh(this.target, [
          'sh',
          '-c',
          FINISH_SCRIPT,
          'voice-orch-finish',
          entry.runDir,
          String(errOffset),
        ]);
        this.note(r);
        if (!r.connectionFailed) {
          const nl = r.stdout.indexOf('\n');
          const status = nl < 0 ? r.stdout : r.stdout.slice(0, nl);
          const stderr = nl < 0 ? '' : r.stdout.slice(nl + 1);
          try {
            if (stderr) writeFileSync(entry.stderrPath, stderr, { flag: 'a', mode: 0o600 });
          } catch {
            // the stderr tail is a courtesy; the run's outcome does not depend on it
          }
          run.done = true;
          this.dropEntry(entry);
          // Everything of the run is local now: its folder on the host has served (remote-cleanup.ts).
          await removeRunFolder(this.target, entry.runDir);
          return exitFromStatus(status);
        }
        await new Promise((res) => setTimeout(res, delay).unref());
        delay = Math.min(delay * 2, this.backoff.maxMs);
      }
      return { exitCode: null, signal: null, error: 'stopped following' };
    })();
    return run.exit;
  }

  private async signal(proc: RunProcess, sig: 'TERM' | 'KILL'): Promise<void> {
    const run = this.owns(proc) ? this.runs.get(proc.pid) : undefined;
    if (!run || run.done || run.entry.startTime === undefined) return;
    const r = await runSsh(this.target, [
      'sh',
      '-c',
      SIGNAL_SCRIPT,
      'voice-orch-signal',
      run.entry.runDir,
      String(proc.pid),
      String(run.entry.startTime),
      sig,
    ]);
    this.note(r);
  }

  private note(r: SshResult): void {
    if (r.connectionFailed) this.setFailing();
    else this.setReachable();
  }

  private setReachable(): void {
    this.failingSince = undefined;
    this.setState('connected');
  }

  private setFailing(): void {
    const now = Date.now();
    this.failingSince ??= now;
    this.setState(now - this.failingSince >= this.unreachableAfterMs ? 'unreachable' : 'reconnecting');
  }

  private setState(s: HostConnection): void {
    if (s === this.state) return;
    this.state = s;
    for (const l of this.listeners) l(s);
  }

  private indexFiles(): string[] {
    try {
      return readdirSync(this.indexDir).filter((n) => n.endsWith('.json'));
    } catch {
      return [];
    }
  }

  private readEntry(name: string): IndexEntry | undefined {
    try {
      const e = JSON.parse(readFileSync(join(this.indexDir, name), 'utf8')) as IndexEntry;
      return typeof e.runDir === 'string' && typeof e.stdoutPath === 'string' ? e : undefined;
    } catch {
      return undefined;
    }
  }

  /** The runs an earlier session left (once): known by pid from then on. */
  private loadIndex(): void {
    if (this.loaded) return;
    this.loaded = true;
    for (const name of this.indexFiles()) {
      const e = this.readEntry(name);
      if (e?.pid !== undefined && !this.runs.has(e.pid)) this.runs.set(e.pid, { entry: e, done: false });
    }
  }

  private saveEntry(e: IndexEntry): void {
    const path = join(this.indexDir, `${e.id}.json`);
    writeFileSync(`${path}.tmp`, JSON.stringify(e), { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
  }

  private dropEntry(e: IndexEntry): void {
    rmSync(join(this.indexDir, `${e.id}.json`), { force: true });
  }
}
