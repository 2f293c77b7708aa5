/**
 * The Runner port: where and how one agent run is started, signalled, observed and re-adopted.
 * The task manager does every piece of process work through it, so a runner on another machine
 * (over SSH, in a container) can be added beside the local one without touching scheduling, the
 * output pipeline or persistence.
 *
 * Contract (every implementation):
 * - Nothing throws and nothing rejects: failures are result values (`ok: false`, `false`,
 *   `undefined`, an exit with `error`).
 * - A process is named by a {@link RunProcess}: pid plus start time. The start time guards against
 *   pid reuse; a method given a pid whose start time no longer matches treats it as gone and never
 *   signals it.
 * - A run writes its stdout and stderr to the two log paths it is given (appending), where the
 *   manager's tailer reads them; the run must outlive voice-orch (its own session/process group,
 *   no pipes back to voice-orch).
 * - `exited` settles once, with the exit code or signal; for a runner that cannot wait for the
 *   process, it settles when the process is seen gone (code and signal `null`).
 */
import type { ActionResult } from './types.js';

/** How a run's process ended. */
export interface ChildExit {
  exitCode: number | null;
  signal: string | null;
  /** Set when the process could not be started or waited for (ENOENT, EACCES…). */
  error?: string;
}

/** One run to start: the complete argv, environment and working directory, and where output goes. */
export interface RunSpec {
  /** The executable (absolute path, resolved by the agent backend). */
  file: string;
  args: readonly string[];
  cwd: string;
  /** The complete environment of the run (nothing else is inherited). */
  env: Record<string, string>;
  /** Appended to, created 0600 if missing. */
  stdoutPath: string;
  stderrPath: string;
  /** The configured remote host to run on; undefined: this machine. */
  host?: string;
}

/** A process of a run, identified across pid reuse. `startTime` is unknown only when it could not be read. */
export interface RunProcess {
  pid: number;
  startTime?: number;
}

/** A process the runner saw, for signalling later (start time required: never hit a reused pid). */
export interface SeenProcess {
  pid: number;
  startTime: number;
}

/** A started run: its process and a promise of its end (never rejects). */
export interface StartedRun extends RunProcess {
  exited: Promise<ChildExit>;
}

/** A live process that carries the asked-for environment variable, with that variable's value. */
export interface MarkedRunProcess extends SeenProcess {
  ppid: number;
  value: string;
}

/** A snapshot of the process table as far as runs are concerned (see {@link Runner.snapshot}). */
export interface ProcessSnapshot {
  /** Start time of a live process, undefined when the pid is gone. */
  startTimeOf(pid: number): number | undefined;
  /** Every live descendant of `pid` (children, grandchildren…), not including it. */
  descendantsOf(pid: number): SeenProcess[];
}

/** Where and how agent runs execute (contract in this file's header). */
export interface Runner {
  /** Starts a run; a refusal (sentence) when its files cannot be opened or it cannot start. */
  start(spec: RunSpec): Promise<ActionResult<StartedRun>>;
  /** The process is alive and is still the same process (start time matches when known). */
  isAlive(proc: RunProcess): Promise<boolean>;
  /** Synchronous {@link isAlive}, for checks just before a signal. */
  isSameProcess(proc: RunProcess): boolean;
  /** Asks the run to end (SIGTERM to its process group and top process; the agent ends its tools itself). */
  terminate(proc: RunProcess): void;
  /**
   * Interrupts the agent's current turn (SIGINT to its process group, as Ctrl-C would): the agent
   * ends the turn and exits, its session stays resumable. False when the process is gone or this
   * runner cannot signal it that way. Optional: a runner without it cannot steer a running task.
   */
  interrupt?(proc: RunProcess): boolean;
  /** Ends the run at once: SIGKILL to its process group and its top process (if still the same). */
  kill(proc: RunProcess): void;
  /** SIGKILL to each recorded descendant still the same process; how many were signalled. */
  killDescendants(procs: Iterable<SeenProcess>): number;
  /** The process table now; undefined when it cannot be read (callers keep what they recorded). */
  snapshot(): Promise<ProcessSnapshot | undefined>;
  /** Live processes whose environment holds `variable` (re-adoption of runs after a restart). */
  findMarked(variable: string): Promise<MarkedRunProcess[]>;
}
