/**
 * Which model tool calls this engine has already run. A call id arrives twice on one socket
 * (`response.output_item.done` and `response.done`) and may arrive again on a later socket; the
 * action behind it (start a task, cancel one) must run at most once per app lifetime. Bounded:
 * the oldest ids are forgotten first, long after any server could repeat them.
 */

/** Default number of call ids remembered. */
export const EXECUTED_CALLS_KEPT = 4096;

/** A bounded, insertion-ordered memory of executed call ids. */
export class ExecutedCalls {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = EXECUTED_CALLS_KEPT) {}

  /** Records `callId`; false when it was already recorded (do not run it again). */
  claim(callId: string): boolean {
    if (this.ids.has(callId)) return false;
    this.ids.add(callId);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
    return true;
  }

  /** Number of ids remembered. */
  size(): number {
    return this.ids.size;
  }
}
