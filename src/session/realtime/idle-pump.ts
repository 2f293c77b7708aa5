/**
 * The idle pump's decision: work that must wait for a quiet moment (nobody talking, nothing
 * playing, no answer or tool output pending) — taking over a fresh session, late tool results,
 * spoken task notices, and starting a rotation — in that order, one step per quiet moment.
 */

/** What is waiting for a quiet moment. */
export interface IdleWork {
  /** A rotation socket is configured and waits to take over. */
  pendingConfigured: boolean;
  /** A rotation socket exists (configured or not). */
  pendingOpen: boolean;
  lateResults: boolean;
  /** Notices queued and the mode is `speak`. */
  noticesToSpeak: boolean;
  rotationDue: boolean;
}

/** The next step, `wait` (look again soon: drain and key release may go unheard), or nothing. */
export type IdleStep = 'swap' | 'late_results' | 'notices' | 'rotate' | 'wait' | null;

/** Decides the idle pump's next step. Pure. */
export function nextIdleStep(work: IdleWork, quiet: () => boolean): IdleStep {
  const rotate = !work.pendingOpen && work.rotationDue;
  const wants = work.pendingConfigured || work.lateResults || work.noticesToSpeak || rotate;
  if (!wants) return null;
  if (!quiet()) return 'wait';
  if (work.pendingConfigured) return 'swap';
  if (work.lateResults) return 'late_results';
  if (work.noticesToSpeak) return 'notices';
  return rotate ? 'rotate' : null;
}

/** One re-armable timer that runs `fn` once after `ms`, unless it is already armed or stopped. */
export class PollTimer {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly fn: () => void) {}

  /** Arms the timer unless it is armed. */
  after(ms: number): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.fn();
    }, ms);
    this.timer.unref();
  }

  /** Stops for good. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
