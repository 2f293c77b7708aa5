import { SafeEmitter } from '../shared/events.js';
import { HelperProcess } from '../shared/helper-process.js';
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
  private helper: HelperProcess | null = null;
  private isReady = false;
  private failure: string | null = null;
  /** X time of the accepted keydown; null when the key is up or the hold was discarded. */
  private downTime: number | null = null;
  /** The key is physically down (including after a max-hold discard). */
  private keyDown = false;
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
    if (this.startPromise) return this.startPromise;
    const env = this.opts.env ?? process.env;
    if (!env.DISPLAY) {
      this.fail('no display');
      this.startPromise = Promise.resolve(false);
      return this.startPromise;
    }
    const helper = new HelperProcess({
      name: 'hotkey helper',
      script: this.opts.helperPath ?? fileURLToPath(new URL('./hotkey-helper.cjs', import.meta.url)),
      args: [String(this.key.keycode)],
      env,
      readyMessage: 'ready',
      readyTimeoutMs: this.opts.readyTimeoutMs ?? 3000,
    });
    this.helper = helper;
    helper.on('ready', () => {
      this.isReady = true;
      this.fire('mode', this.mode());
    });
    helper.on('message', (m) => {
      const k = m as HelperMessage;
      if (k.t === 'down' || k.t === 'up') this.onKey(k);
    });
    // start failure, no ready message in time, 'fatal' from the helper, or an exit nobody asked for
    helper.on('error', (err) => this.fail(err.message));
    helper.on('exit', () => {
      if (this.helper === helper) this.helper = null;
    });
    this.startPromise = helper.start();
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
    this.state.reset();
    // closing the IPC channel ends the helper; SIGKILL after a second
    await this.helper?.shutdown({ graceMs: 1000 });
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

/** The hotkey helper's messages besides its ready and fatal ones (see hotkey-helper.cjs). */
type HelperMessage = { t: 'down' | 'up'; keycode: number; time: number; lagMs: number } | { t: 'ready' };
