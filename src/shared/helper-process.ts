/**
 * The one launcher of voice-orch's helper processes (the audio helper owning naudiodon, the hotkey
 * helper owning uiohook): native code that can abort or print to fd 1 runs in a forked child, never
 * in the app. One owner of fork: IPC with advanced serialization (Buffers arrive as Uint8Array),
 * stdout/stderr piped into a bounded log (never the app's terminal), an optional ready handshake
 * with a timeout, every failure as an `error` event, and a shutdown that ends in SIGKILL if it must.
 *
 * Helper protocol shared by every helper script: messages are objects with a type `t`; the ready
 * message's type is the caller's choice (`readyMessage`); `{t:'fatal', reason}` means the helper
 * cannot work and is about to exit (it is reported once, as a `fatal` error, not as a crash).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { errorText } from './errors.js';
import { SafeEmitter } from './events.js';

/** How a helper process ended. */
export interface HelperExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Last line the helper wrote to stderr (else stdout), for the reason text. */
  lastLine: string;
}

/** "SIGSEGV" or "code 3", then ": last line" when the helper said something. */
export function describeExit(e: HelperExit): string {
  return `${e.signal ?? `code ${e.code}`}${e.lastLine ? `: ${e.lastLine}` : ''}`;
}

/**
 * Why a helper does not work: it could not be started, did not send its ready message in time,
 * said it cannot work (`fatal`), ended without being asked (`crash`), or its process object failed.
 */
export type HelperFailure = 'start' | 'ready-timeout' | 'fatal' | 'crash' | 'process';

/** An `error` event of a {@link HelperProcess}; the message is the sentence for the user. */
export class HelperError extends Error {
  constructor(
    readonly failure: HelperFailure,
    message: string,
    /** How the process ended (crash only). */
    readonly exit?: HelperExit,
  ) {
    super(message);
    this.name = 'HelperError';
  }
}

/** Options of {@link HelperProcess}. */
export interface HelperProcessOptions {
  /** How messages name the helper: "audio helper". */
  name: string;
  /** Path of the helper script (resolve it next to the module that owns the helper). */
  script: string;
  args?: readonly string[];
  /** Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Type `t` of the helper's ready message; without it the helper counts as ready once spawned. */
  readyMessage?: string;
  /** With `readyMessage`: kill the helper (SIGKILL) and report `ready-timeout` after this long (ms). */
  readyTimeoutMs?: number;
  /** Keeps the last lines of the helper's output here ("out: …", "err: …", "app: …"); may be shared across restarts. */
  log?: string[];
}

/** Events of a {@link HelperProcess}. */
export interface HelperProcessEvents {
  /** The ready message arrived (or the process spawned, without `readyMessage`). */
  ready: [];
  /** Every message except `fatal`, the ready message included. */
  message: [message: unknown];
  /** The process ended (asked to or not); once, after its last output was read. Not after a failed start. */
  exit: [exit: HelperExit];
  /** A {@link HelperError}, or a listener that threw. */
  error: [error: Error];
}

const LOG_LINES = 200;
const LAST_LINE_CHARS = 200;

/** One helper process: `start()` once, then `send`, and `shutdown()` at the end. */
export class HelperProcess extends SafeEmitter<HelperProcessEvents> {
  readonly log: string[];
  private readonly opts: HelperProcessOptions;
  private child: ChildProcess | null = null;
  private startPromise: Promise<boolean> | null = null;
  private settleStart: (ready: boolean) => void = () => {};
  private ready = false;
  /** The end is no failure: shutdown() or kill() asked for it, or it was already reported. */
  private endExplained = false;
  private exited = false;
  private readyTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(opts: HelperProcessOptions) {
    super();
    this.opts = opts;
    this.log = opts.log ?? [];
  }

  /** Forks the helper. Resolves true once it is ready, false when it failed (see the `error` event). */
  start(): Promise<boolean> {
    this.startPromise ??= new Promise<boolean>((resolve) => {
      this.settleStart = (ready) => {
        this.settleStart = () => {};
        if (this.readyTimer) clearTimeout(this.readyTimer);
        this.readyTimer = null;
        resolve(ready);
      };
      this.launch();
    });
    return this.startPromise;
  }

  /** Pid of the running helper, or null. */
  get pid(): number | null {
    return this.child && !this.exited ? (this.child.pid ?? null) : null;
  }

  /** True while the IPC channel is open. */
  get connected(): boolean {
    return this.child?.connected ?? false;
  }

  /** Sends a message; false (and a log line) when the helper is gone. */
  send(message: object): boolean {
    const child = this.child;
    if (!child || !child.connected) return false;
    try {
      child.send(message);
      return true;
    } catch (err) {
      this.note(`send failed: ${errorText(err)}`);
      return false;
    }
  }

  /** Kills the helper at once; its end is then no crash. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.endExplained = true;
    if (this.child && !this.exited) this.child.kill(signal);
  }

  /**
   * Asks the helper to end: sends `message` (else closes the IPC channel, which helpers take as the
   * end, else SIGTERM), and kills it with SIGKILL after `graceMs`. Resolves once it has ended.
   */
  async shutdown(opts: { message?: object; graceMs?: number } = {}): Promise<void> {
    this.endExplained = true;
    this.settleStart(false);
    const child = this.child;
    if (!child || this.exited || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, opts.graceMs ?? 1000);
      kill.unref();
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      if (opts.message && this.send(opts.message)) return;
      if (child.connected) child.disconnect();
      else child.kill('SIGTERM');
    });
  }

  private launch(): void {
    const { name } = this.opts;
    let child: ChildProcess;
    try {
      // The cwd is the temp dir: naudiodon's segfault handler writes crash.log into the cwd.
      child = fork(this.opts.script, [...(this.opts.args ?? [])], {
        cwd: tmpdir(),
        env: this.opts.env ?? process.env,
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        serialization: 'advanced',
        execArgv: [],
      });
    } catch (err) {
      this.failStart(`${name} did not start: ${errorText(err)}`);
      return;
    }
    this.child = child;
    child.stdout?.on('data', this.collect('out'));
    child.stderr?.on('data', this.collect('err'));
    if (this.opts.readyMessage === undefined) {
      child.once('spawn', () => this.onReady());
    } else if (this.opts.readyTimeoutMs !== undefined) {
      const ms = this.opts.readyTimeoutMs;
      this.readyTimer = setTimeout(() => {
        if (this.ready || this.exited) return;
        this.endExplained = true;
        child.kill('SIGKILL');
        this.settleStart(false);
        this.fire(
          'error',
          new HelperError('ready-timeout', `${name} did not become ready within ${(ms / 1000).toFixed(1)} s`),
        );
      }, ms);
      this.readyTimer.unref();
    }
    child.on('message', (m: unknown) => this.onMessage(m));
    child.on('error', (err) => {
      this.note(`helper error: ${err.message}`);
      if (child.pid === undefined) {
        // never spawned: no exit follows
        this.exited = true;
        this.failStart(`${name} did not start: ${err.message}`);
      } else {
        this.fire('error', new HelperError('process', `${name} error: ${err.message}`));
      }
    });
    child.on('exit', (code, signal) => {
      if (this.exited) return;
      this.exited = true;
      // stdout/stderr may still hold the last words; give them a moment
      setImmediate(() => this.onExit({ code, signal, lastLine: this.lastLine() }));
    });
  }

  private onMessage(m: unknown): void {
    const t = m && typeof m === 'object' ? (m as { t?: unknown }).t : undefined;
    if (t === 'fatal') {
      const reason = (m as { reason?: unknown }).reason;
      this.endExplained = true;
      this.settleStart(false);
      this.fire('error', new HelperError('fatal', typeof reason === 'string' ? reason : `${this.opts.name} failed`));
      return;
    }
    if (!this.ready && this.opts.readyMessage !== undefined && t === this.opts.readyMessage) this.onReady();
    this.fire('message', m);
  }

  private onReady(): void {
    if (this.ready) return;
    this.ready = true;
    this.settleStart(true);
    this.fire('ready');
  }

  private onExit(exit: HelperExit): void {
    this.settleStart(false);
    if (!this.endExplained) {
      const detail = exit.lastLine ? `: ${exit.lastLine}` : '';
      const how = exit.signal ?? `code ${exit.code}`;
      this.fire('error', new HelperError('crash', `${this.opts.name} exited (${how})${detail}`, exit));
    }
    this.fire('exit', exit);
  }

  private failStart(message: string): void {
    this.endExplained = true;
    this.settleStart(false);
    this.fire('error', new HelperError('start', message));
  }

  private collect(stream: 'out' | 'err'): (d: Buffer) => void {
    return (d) => {
      for (const line of d.toString().split('\n')) if (line.trim()) this.push(`${stream}: ${line}`);
    };
  }

  private note(text: string): void {
    this.push(`app: ${text}`);
  }

  private push(line: string): void {
    this.log.push(line);
    if (this.log.length > LOG_LINES) this.log.shift();
  }

  private lastLine(): string {
    const errLines = this.log.filter((l) => l.startsWith('err: '));
    const last = errLines[errLines.length - 1] ?? this.log[this.log.length - 1] ?? '';
    return last
      .replace(/^(out|err|app): /, '')
      .trim()
      .slice(0, LAST_LINE_CHARS);
  }
}
