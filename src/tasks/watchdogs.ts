/**
 * The periodic checks on running agents: the exit of re-adopted processes (they are not our
 * children, so nothing tells us), the stall watchdog (no output for the timeout marks a task
 * stalled; it does not kill), and the descendant scan that records every process an agent
 * started, so a cancel can end tools that left the agent's process group.
 */
import type { Runner, RunProcess } from './runner.js';
import type { RunState, TaskState } from './task-state.js';

/** A task with a run that has not ended. */
export interface LiveRun {
  st: TaskState;
  rs: RunState;
}

/** The tasks whose run has not ended. */
export function liveRunsOf(tasks: Iterable<TaskState>): LiveRun[] {
  const out: LiveRun[] = [];
  for (const st of tasks) if (st.run && !st.run.ended) out.push({ st, rs: st.run });
  return out;
}

/** What the watchdogs need from the manager. */
export interface WatchdogDeps {
  runner: Runner;
  /** Durations in ms: the tick, the stall timeout, the descendant scan interval. */
  watchIntervalMs: number;
  stallTimeoutMs: number;
  descendantScanMs: number;
  liveRuns: () => LiveRun[];
  /** A re-adopted run's process is gone. */
  adoptedExited: (run: LiveRun) => void;
  /** A task went without output for the stall timeout (its record is already marked). */
  stalled: (st: TaskState) => void;
  /** Whether a task waits for the user's decision: that time is not a stall. */
  waiting?: (taskId: number) => boolean;
  error: (e: unknown) => void;
}

/** The process of a run as the runner names it. */
export function runProcess(rs: RunState): RunProcess {
  const p: RunProcess = { pid: rs.pid };
  if (rs.startTime !== undefined) p.startTime = rs.startTime;
  return p;
}

/** See this file's header. */
export class Watchdogs {
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private stopped = false;
  private lastScan = 0;

  constructor(private readonly d: WatchdogDeps) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.d.watchIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.stopped = true;
  }

  /**
   * Records every descendant of every running agent (pid + start time), and forgets recorded
   * ones that have exited, so a long run with many short tool processes keeps a small set.
   */
  async scanDescendants(): Promise<void> {
    const runs = this.d.liveRuns();
    if (runs.length === 0) return;
    this.lastScan = Date.now();
    const procs = await this.d.runner.snapshot();
    if (procs === undefined) return; // process table unreadable: keep what was recorded
    for (const { rs } of runs) {
      if (rs.pid <= 0) continue;
      for (const [pid, ref] of rs.descendants) if (procs.startTimeOf(pid) !== ref.startTime) rs.descendants.delete(pid);
      for (const d of procs.descendantsOf(rs.pid)) {
        if (!rs.descendants.has(d.pid)) rs.descendants.set(d.pid, { pid: d.pid, startTime: d.startTime });
      }
    }
  }

  /** Periodic: exits of re-adopted processes, the stall watchdog, descendant scans. */
  private async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    try {
      const now = Date.now();
      for (const run of this.d.liveRuns()) {
        const { st, rs } = run;
        if (!rs.own && !(await this.d.runner.isAlive(runProcess(rs)))) {
          this.d.adoptedExited(run);
          continue;
        }
        // An agent waiting for a decision prints nothing by design; its quiet time starts after it.
        if (this.d.waiting?.(st.rec.id)) rs.lastOutputAt = now;
        if (!st.rec.stalled && now - rs.lastOutputAt >= this.d.stallTimeoutMs) {
          st.rec.stalled = true;
          st.rec.updatedAt = now;
          st.dirty = false;
          this.d.stalled(st);
        }
      }
      if (now - this.lastScan >= this.d.descendantScanMs) await this.scanDescendants();
    } catch (e) {
      this.d.error(e);
    } finally {
      this.ticking = false;
    }
  }
}
