import { errorText } from '../shared/errors.js';
import { SafeEmitter } from '../shared/events.js';
import type { PttMode, PushToTalkEvents, PushToTalkPort } from './types.js';
import { GlobalHoldSource, resolvePttKey } from './global-hold-source.js';
import { TapToggleSource } from './tap-toggle-source.js';

/** Options of {@link PushToTalk}. */
export interface PushToTalkOptions {
  /** Global hold key (name or uiohook keycode). Default Right Ctrl. */
  key?: string | number;
  /** Terminal tap-to-toggle key name (Ink-style). Default "space". */
  toggleKey?: string;
  /** Terminal key that discards a toggle turn. Default "escape". */
  cancelKey?: string;
  /** Maximum talk duration in either mode (ms). Default 120 000. */
  maxHoldMs?: number;
  /** Do not try the global key at all (e.g. `--no-global-key`). */
  disableGlobalKey?: boolean;
  /** Environment used to decide about and start the hotkey helper. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the hotkey helper (ms). Default 3000. */
  readyTimeoutMs?: number;
  /** Hotkey helper script override (tests). */
  helperPath?: string;
}

/**
 * Push-to-talk selector: the global hold key when the hotkey helper is up (its ready message has
 * arrived), otherwise tap-to-toggle in the terminal. Emits `mode` whenever the active mode changes.
 * The UI feeds terminal keys with {@link key}; they only act while tap-to-toggle is active.
 */
export class PushToTalk extends SafeEmitter<PushToTalkEvents> implements PushToTalkPort {
  readonly toggle: TapToggleSource;
  readonly hold: GlobalHoldSource | null;
  private active: 'hold' | 'toggle' = 'toggle';
  private readonly startPromise: Promise<PttMode>;

  constructor(opts: PushToTalkOptions = {}) {
    super();
    const env = opts.env ?? process.env;
    const maxHoldMs = opts.maxHoldMs;
    let holdError: string | null = null;
    let hold: GlobalHoldSource | null = null;
    if (!opts.disableGlobalKey) {
      try {
        resolvePttKey(opts.key);
        hold = new GlobalHoldSource({
          ...(opts.key !== undefined ? { key: opts.key } : {}),
          ...(maxHoldMs !== undefined ? { maxHoldMs } : {}),
          ...(opts.readyTimeoutMs !== undefined ? { readyTimeoutMs: opts.readyTimeoutMs } : {}),
          ...(opts.helperPath !== undefined ? { helperPath: opts.helperPath } : {}),
          env,
        });
      } catch (err) {
        holdError = errorText(err);
      }
    }
    this.hold = hold;
    const initialReason = opts.disableGlobalKey
      ? 'global key disabled'
      : holdError
        ? `global key unavailable: ${holdError}`
        : !env.DISPLAY
          ? 'global key unavailable: no display'
          : 'starting global key';
    this.toggle = new TapToggleSource({
      ...(opts.toggleKey !== undefined ? { toggleKey: opts.toggleKey } : {}),
      ...(opts.cancelKey !== undefined ? { cancelKey: opts.cancelKey } : {}),
      ...(maxHoldMs !== undefined ? { maxHoldMs } : {}),
      reason: initialReason,
    });
    this.forward(this.toggle, 'toggle');
    if (hold) {
      this.forward(hold, 'hold');
      hold.on('mode', (m) => {
        if (m.kind === 'hold') {
          this.toggle.cancel('push-to-talk mode changed');
          this.active = 'hold';
        } else {
          this.active = 'toggle';
          this.toggle.setReason(m.reason);
        }
        this.fire('mode', this.mode());
      });
    }
    this.startPromise = (hold && env.DISPLAY ? hold.start() : Promise.resolve(false)).then(() => this.mode());
  }

  /** Resolves with the mode once the hotkey helper is ready or has failed. */
  started(): Promise<PttMode> {
    return this.startPromise;
  }

  /**
   * Feed a terminal key from the UI ("space", "escape"). Returns true when push-to-talk used it
   * (only while tap-to-toggle is active).
   */
  key(name: string, at?: number): boolean {
    if (this.active !== 'toggle') return false;
    return at === undefined ? this.toggle.key(name) : this.toggle.key(name, at);
  }

  mode(): PttMode {
    return this.active === 'hold' && this.hold ? this.hold.mode() : this.toggle.mode();
  }

  isTalking(): boolean {
    return this.active === 'hold' ? (this.hold?.isTalking() ?? false) : this.toggle.isTalking();
  }

  async close(): Promise<void> {
    await Promise.all([this.toggle.close(), this.hold?.close()]);
  }

  private forward(src: TapToggleSource | GlobalHoldSource, kind: 'hold' | 'toggle'): void {
    src.on('press', (at) => {
      if (this.active === kind) this.fire('press', at);
    });
    src.on('release', (at, held) => {
      if (this.active === kind) this.fire('release', at, held);
    });
    // A discard from the hold source after it failed still reaches the app: it ends a turn.
    src.on('discard', (reason) => this.fire('discard', reason));
    src.on('error', (err) => this.fire('error', err));
  }
}
