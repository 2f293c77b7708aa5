import { SafeEmitter } from '../shared/events.js';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PttMode, PushToTalkEvents, PushToTalkPort } from './types.js';
import { DEFAULT_MAX_HOLD_MS, TalkState } from './hold-timer.js';
import { DEFAULT_PTT_KEY, resolveKey, type ResolvedKey } from './key-names.js';

/** Options of {@link GlobalHoldSource}. */
export interface GlobalHoldOptions {
  /** Hold key: a name ("RightCtrl", "ScrollLock", "F12") or a uiohook keycode. Default Right Ctrl. */
  key?: string | number;
  /** Maximum hold (ms) before the turn is discarded. Default 120 000. */
  maxHoldMs?: number;
  /** Environment of the helper (DISPLAY decides whether it can work). Default process.env. */
  env?: NodeJS.ProcessEnv;
  /**
   * How long to wait for the helper's ready message (ms). Default 3000. (On a dead display uiohook
   * usually aborts at once, but sometimes hangs in start(); the helper is then killed.)
   */
  readyTimeoutMs?: number;
  /** Helper script; default hotkey-helper.cjs next to this module. */
  helperPath?: string;
}

/** Resolves `key` or throws an Error naming the bad key. */
export function resolvePttKey(key: string | number | undefined): ResolvedKey {
  const resolved = resolveKey(key ?? DEFAULT_PTT_KEY);
  if (!resolved)
    throw new Error(`unknown push-to-talk key "${String(key)}" (try RightCtrl, ScrollLock, F12 or a uiohook keycode)`);
  return resolved;
}

/**
 * Hold-to-talk on a global key, through the hotkey helper process (uiohook over X11). Auto-repeat
 * keydowns are ignored; a hold longer than `maxHoldMs` is discarded and the next release ignored.
 * Emits `mode` `{kind:'hold'}` when the helper is ready and `{kind:'none', reason}` when it failed or
 * exited (reason e.g. "global key unavailable: hotkey helper exited (SIGABRT)").
 */
export class GlobalHoldSource extends SafeEmitter<PushToTalkEvents> implements PushToTalkPort {
  readonly key: ResolvedKey;
  private readonly state: TalkState;
  private readonly opts: GlobalHoldOptions;
  private child: ChildProcess | null = null;
  private isReady = false;
  private failure: string | null = null;
  private closing = false;
  /** X time of the accepted keydown; null when the key is up or the hold was discarded. */
  private downTime: number | null = null;
  /** The key is physically down (including after a max-hold discard). */
  private keyDown = false;
  private stderr = '';
  private startPromise: Promise<boolean> | null = null;

  constructor(opts: GlobalHoldOptions = {}) {
    super();
    this.opts = opts;
    this.key = resolvePttKey(opts.key);
    this.state = new TalkState(opts.maxHoldMs ?? DEFAULT_MAX_HOLD_MS, {
      onMaxHold: (reason) => {
        this.downTime = null;
        this.fire('discard', reason); // runs in a timer
      },
    });
  }

  /** Start the helper. Resolves true once it is hooked in, false when it failed (see `mode`). */
  start(): Promise<boolean> {
    this.startPromise ??= new Promise<boolean>((resolve) => {
      const env = this.opts.env ?? process.env;
      if (!env.DISPLAY) {
        this.fail('no display');
        resolve(false);
        return;
      }
      const path = this.opts.helperPath ?? fileURLToPath(new URL('./hotkey-helper.cjs', import.meta.url));
      let child: ChildProcess;
      try {
        child = fork(path, [String(this.key.keycode)], {
          env,
          stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
          serialization: 'advanced',
          execArgv: [],
        });
      } catch (err) {
        this.fail(`hotkey helper did not start: ${(err as Error).message}`);
        resolve(false);
        return;
      }
      this.child = child;
      child.stdout?.resume();
      child.stderr?.on('data', (d: Buffer) => {
        this.stderr = (this.stderr + d.toString()).slice(-2000);
      });
      // Listeners run inside these handlers (fire() keeps a throwing one from becoming an uncaught
      // exception in the app); the kill and resolve() come first so they always happen.
      const timer = setTimeout(() => {
        if (this.isReady || this.failure) return;
        child.kill('SIGKILL');
        resolve(false);
        this.fail(
          `hotkey helper did not become ready within ${((this.opts.readyTimeoutMs ?? 3000) / 1000).toFixed(1)} s`,
        );
      }, this.opts.readyTimeoutMs ?? 3000);
      timer.unref();
      child.on('message', (m: HelperMessage) => {
        if (m.t === 'ready') {
          clearTimeout(timer);
          this.isReady = true;
          resolve(true);
          this.fire('mode', this.mode());
        } else if (m.t === 'fatal') {
          clearTimeout(timer);
          resolve(false);
          this.fail(m.reason);
        } else if (m.t === 'down' || m.t === 'up') {
          this.onKey(m);
        }
      });
      child.on('error', (err) => {
        clearTimeout(timer);
        resolve(false);
        this.fail(`hotkey helper error: ${err.message}`);
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        this.child = null;
        resolve(false);
        if (!this.closing) {
          const how = signal ?? `code ${code}`;
          const detail = lastLine(this.stderr);
          this.fail(`hotkey helper exited (${how})${detail ? `: ${detail}` : ''}`);
        }
      });
    });
    return this.startPromise;
  }

  /** Why the helper is not working, or null. */
  unavailableReason(): string | null {
    return this.failure;
  }

  mode(): PttMode {
    if (this.failure) return { kind: 'none', key: this.key.label, reason: `global key unavailable: ${this.failure}` };
    return { kind: 'hold', key: this.key.label };
  }

  isTalking(): boolean {
    return this.state.talking;
  }

  /** Feed a key event (the helper's messages come through here; tests may call it directly). */
  onKey(m: { t: 'down' | 'up'; keycode: number; time: number; lagMs?: number }): void {
    if (m.keycode !== this.key.keycode) return;
    const at = performance.now() - (m.lagMs ?? 0);
    if (m.t === 'down') {
      if (this.keyDown) return; // auto-repeat, or still held after a max-hold discard
      this.keyDown = true;
      this.downTime = m.time;
      if (this.state.press(at)) this.fire('press', at);
      return;
    }
    this.keyDown = false;
    const downTime = this.downTime;
    this.downTime = null;
    if (downTime === null) return; // discarded (max hold): this release sends nothing
    const fallback = this.state.release(at);
    if (fallback === null) return;
    this.fire('release', at, Math.max(0, m.time - downTime));
  }

  async close(): Promise<void> {
    this.closing = true;
    this.state.reset();
    const child = this.child;
    if (!child) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, 1000);
      t.unref();
      child.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      if (child.connected) child.disconnect();
      else child.kill('SIGTERM');
    });
  }

  private fail(reason: string): void {
    if (this.failure) return;
    this.failure = reason;
    this.isReady = false;
    if (this.state.reset()) {
      this.downTime = null;
      this.fire('discard', `global key lost: ${reason}`);
    }
    this.fire('mode', this.mode());
  }
}

type HelperMessage =
  { t: 'ready' } | { t: 'fatal'; reason: string } | { t: 'down' | 'up'; keycode: number; time: number; lagMs: number };

function lastLine(s: string): string {
  const lines = s.trim().split('\n').filter(Boolean);
  return (lines[lines.length - 1] ?? '').trim().slice(0, 200);
}
