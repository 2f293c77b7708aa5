/**
 * The vocabulary of `voice-orch doctor`: one check, its finding, and how bad a problem is. An
 * error means voice-orch cannot run tasks or talk as configured; a warning means it runs with less
 * (keyboard-only, tap-to-talk, no sound).
 */
import type { Settings } from '../config/config.js';

/** How a finding counts: `ok`, or a problem that is a `warning` or an `error`. */
export type DoctorSeverity = 'ok' | 'warning' | 'error';

/** One finding, as printed and as `--json` writes it (`{name, ok, severity, detail}`). */
export interface DoctorFinding {
  /** Short stable name, e.g. `agent-cli`, `state-dir`, `endpoint:chat`. */
  name: string;
  ok: boolean;
  severity: DoctorSeverity;
  /** What was found and, for a problem, what to do about it. */
  detail: string;
}

/** What every check gets: the settings, the environment, and a progress callback. */
export interface DoctorContext {
  settings: Settings;
  env: NodeJS.ProcessEnv;
  /** Longest wait for a network connection or an external command (ms). */
  timeoutMs: number;
  /** Longest wait for an agent started headless to print its first event (ms; Gemini CLI needs 3–9 s; default twice `timeoutMs`). */
  headlessTimeoutMs?: number;
  /** A line before a slow step ("Recording 2 s — say something…"). */
  progress: (line: string) => void;
}

/** One check: a name for the list and a function that never throws. */
export interface DoctorCheck {
  name: string;
  /** Skipped (not run, not printed) when this returns false. */
  applies?: (ctx: DoctorContext) => boolean;
  run: (ctx: DoctorContext) => Promise<DoctorFinding[]>;
}

/** A finding that is fine. */
export const ok = (name: string, detail: string): DoctorFinding => ({ name, ok: true, severity: 'ok', detail });
/** A finding that is a warning. */
export const warning = (name: string, detail: string): DoctorFinding => ({
  name,
  ok: false,
  severity: 'warning',
  detail,
});
/** A finding that is an error. */
export const error = (name: string, detail: string): DoctorFinding => ({ name, ok: false, severity: 'error', detail });

/** A duration for a finding: "0.6 s". */
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
