/**
 * Push-to-talk sources: a global hold key (hotkey helper process over X11) or tap-to-toggle in
 * the terminal. No React here; the terminal source is fed key presses by the UI layer.
 */

import type { EventSource } from '../shared/events.js';

/** Which push-to-talk mode is active, and why. */
export interface PttMode {
  kind: 'hold' | 'toggle' | 'none';
  /** Human key name: "Right Ctrl", "Space". */
  key: string;
  /** Why this mode (e.g. "global key unavailable: no display"). */
  reason?: string;
}

export interface PushToTalkEvents {
  /** Talking starts. `at` is performance.now() (ms) in the app. */
  press: [at: number];
  /** Talking ends: send the turn. */
  release: [at: number, heldMs: number];
  /** Talking aborted (Esc, or maximum hold exceeded): drop the turn. */
  discard: [reason: string];
  mode: [mode: PttMode];
  error: [error: Error];
}

/** One push-to-talk source, or the selector that combines them. */
export interface PushToTalkPort extends EventSource<PushToTalkEvents> {
  mode(): PttMode;
  /** True between press and release. */
  isTalking(): boolean;
  close(): Promise<void>;
}
