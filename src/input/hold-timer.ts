/** Shared talking state with a maximum hold, so a lost release or a forgotten toggle cannot leave the mic open. */

/** Default maximum talk duration (ms). */
export const DEFAULT_MAX_HOLD_MS = 120_000;

/** Callbacks of a {@link TalkState}. */
export interface TalkStateHooks {
  onMaxHold(reason: string): void;
}

/**
 * Tracks press → release with a timer that fires once `maxHoldMs` after the press. Pure apart from
 * the timer functions, which tests may replace.
 */
export class TalkState {
  private pressedAt: number | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly maxHoldMs: number,
    private readonly hooks: TalkStateHooks,
    private readonly timers: { set: typeof setTimeout; clear: typeof clearTimeout } = {
      set: setTimeout,
      clear: clearTimeout,
    },
  ) {}

  /** True between press and release/discard. */
  get talking(): boolean {
    return this.pressedAt !== null;
  }

  /** Start talking at `at` (ms). Returns false when already talking. */
  press(at: number): boolean {
    if (this.pressedAt !== null) return false;
    this.pressedAt = at;
    if (this.maxHoldMs > 0 && Number.isFinite(this.maxHoldMs)) {
      this.timer = this.timers.set(() => {
        this.timer = null;
        if (this.pressedAt === null) return;
        this.pressedAt = null;
        this.hooks.onMaxHold(`maximum hold of ${formatSeconds(this.maxHoldMs)} exceeded`);
      }, this.maxHoldMs);
      this.timer.unref?.();
    }
    return true;
  }

  /** Stop talking. Returns the hold duration, or null when not talking. */
  release(at: number): number | null {
    if (this.pressedAt === null) return null;
    const held = Math.max(0, at - this.pressedAt);
    this.reset();
    return held;
  }

  /** Stop talking without a duration (discard). Returns false when not talking. */
  reset(): boolean {
    const was = this.pressedAt !== null;
    this.pressedAt = null;
    if (this.timer) this.timers.clear(this.timer);
    this.timer = null;
    return was;
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
