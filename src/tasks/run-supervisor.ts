/**
 * Ending runs: a cancel (SIGTERM to the agent, which ends its tools itself; after the grace period
 * SIGKILL to its process group and every descendant seen while it ran), and the hang timer (an
 * agent still alive some time after its `result` line is ended the same way; that line still
 * decides its outcome). All process work goes through the Runner.
 */
import type { Runner } from './runner.js';
import type { RunState, TaskState } from './task-state.js';
import { runProcess } from './watchdogs.js';

/** What the supervisor needs from the manager. */
export interface RunSupervisorDeps {
  runner: Runner;
  /** Between SIGTERM and SIGKILL (ms). */
  cancelGraceMs: number;
  /** How long an agent may live after its result line (ms). */
  resultHangMs: number;
  /** Records the process tree of every running agent (watchdogs.ts). */
  scanDescendants: () => Promise<void>;
  /** The task's record changed. */
  changed: (st: TaskState) => void;
}

/** See this file's header. */
export class RunSupervisor {
  constructor(private readonly d: RunSupervisorDeps) {}

  /** The run's process is still the one that was started (not gone, pid not reused). */
  isSameProcess(rs: RunState): boolean {
    return this.d.runner.isSameProcess(runProcess(rs));
  }

  /** Starts ending a run for a cancel (once). */
  async beginCancel(rs: RunState): Promise<void> {
    if (rs.cancelRequested || rs.ended) return;
    rs.cancelRequested = true;
    // Record the tree before the agent starts tearing it down (its tools may reparent to init).
    await this.d.scanDescendants();
    if (rs.ended) return;
    this.terminate(rs);
  }

  /** Arms the hang timer of a run whose result line arrived (once). */
  armHangTimer(st: TaskState, rs: RunState): void {
    if (rs.hangTimer || rs.ended) return;
    rs.hangTimer = setTimeout(() => {
      if (rs.ended || !this.isSameProcess(rs)) return;
      rs.hangKilled = true;
      void this.d.scanDescendants().then(() => {
        if (rs.ended) return;
        st.rec.activity = `still running ${Math.round(this.d.resultHangMs / 1000)} s after its result; ending it`;
        this.d.changed(st);
        this.terminate(rs);
      });
    }, this.d.resultHangMs);
    rs.hangTimer.unref();
  }

  /** The run's process is gone: stop its timers; after a cancel or hang kill, end the tools it left. */
  ended(rs: RunState): void {
    this.clearTimers(rs);
    // Tool subprocesses in their own process groups outlive the agent; end them too.
    if (rs.cancelRequested || rs.hangKilled) this.d.runner.killDescendants(rs.descendants.values());
  }

  clearTimers(rs: RunState): void {
    if (rs.hangTimer) clearTimeout(rs.hangTimer);
    if (rs.killTimer) clearTimeout(rs.killTimer);
  }

  /** SIGTERM to the agent (the CLI ends its tools itself), SIGKILL to everything after the grace period. */
  private terminate(rs: RunState): void {
    if (!this.isSameProcess(rs)) return;
    this.d.runner.terminate(runProcess(rs));
    if (rs.killTimer) clearTimeout(rs.killTimer);
    rs.killTimer = setTimeout(() => void this.hardKill(rs), this.d.cancelGraceMs);
    rs.killTimer.unref();
  }

  private async hardKill(rs: RunState): Promise<void> {
    if (rs.ended) return;
    await this.d.scanDescendants();
    this.d.runner.killDescendants(rs.descendants.values());
    this.d.runner.kill(runProcess(rs));
  }
}
