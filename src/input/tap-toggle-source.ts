import { SafeEmitter } from '../shared/events.js';
import type { PttMode, PushToTalkEvents, PushToTalkPort } from './types.js';
import { DEFAULT_MAX_HOLD_MS, TalkState } from './hold-timer.js';

/** Options of {@link TapToggleSource}. */
export interface TapToggleOptions {
  /** Terminal key name that starts and sends a turn (Ink-style lower case). Default "space". */
  toggleKey?: string;
  /** Terminal key name that discards the turn. Default "escape". */
  cancelKey?: string;
  /** Maximum talk duration before the turn is discarded (ms). Default 120 000. */
  maxHoldMs?: number;
  /** Why this mode is in use (shown in the status bar). */
  reason?: string;
  /** Clock (ms); default performance.now. */
  now?: () => number;
}

const LABELS: Record<string, string> = { space: 'Space', escape: 'Esc', enter: 'Enter', tab: 'Tab' };

/**
 * Tap-to-toggle push-to-talk in the terminal: tap the toggle key to start, tap again to send, the
 * cancel key discards. It does not read the terminal itself; the UI calls {@link key}.
 */
export class TapToggleSource extends SafeEmitter<PushToTalkEvents> implements PushToTalkPort {
  readonly toggleKey: string;
  readonly cancelKey: string;
  private readonly state: TalkState;
  private readonly now: () => number;
  private currentMode: PttMode;

  constructor(opts: TapToggleOptions = {}) {
    super();
    this.toggleKey = (opts.toggleKey ?? 'space').toLowerCase();
    this.cancelKey = (opts.cancelKey ?? 'escape').toLowerCase();
    this.now = opts.now ?? (() => performance.now());
    this.state = new TalkState(opts.maxHoldMs ?? DEFAULT_MAX_HOLD_MS, {
      // runs in a timer: fire() turns a throwing listener into an 'error' event, not an uncaught exception
      onMaxHold: (reason) => this.fire('discard', reason),
    });
    this.currentMode = {
      kind: 'toggle',
      key: LABELS[this.toggleKey] ?? this.toggleKey,
      ...(opts.reason ? { reason: opts.reason } : {}),
    };
  }

  /**
   * Feed a terminal key ("space", "escape", …). Returns true when the key was used for push-to-talk,
   * so the UI can skip its own handling.
   */
  key(name: string, at: number = this.now()): boolean {
    const k = name.toLowerCase();
    if (k === this.toggleKey) {
      if (this.state.press(at)) this.fire('press', at);
      else {
        const held = this.state.release(at);
        if (held !== null) this.fire('release', at, held);
      }
      return true;
    }
    if (k === this.cancelKey && this.state.talking) {
      this.state.reset();
      this.fire('discard', 'cancelled');
      return true;
    }
    return false;
  }

  /** Discard an ongoing turn (e.g. when the mode changes). */
  cancel(reason: string): void {
    if (this.state.reset()) this.fire('discard', reason);
  }

  /** Set the reason shown for this mode. */
  setReason(reason: string | undefined): void {
    const { kind, key } = this.currentMode;
    this.currentMode = { kind, key, ...(reason ? { reason } : {}) };
  }

  mode(): PttMode {
    return this.currentMode;
  }

  isTalking(): boolean {
    return this.state.talking;
  }

  async close(): Promise<void> {
    this.state.reset();
  }
}
