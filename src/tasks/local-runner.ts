/**
 * The local {@link Runner}: agents as detached child processes of this machine (spawn.ts), observed
 * and signalled through /proc (process-tree.ts).
 */
import {
  descendantsOf,
  isProcessRunning,
  isRunningStat,
  listProcesses,
  processesWithEnv,
  readProcStatSync,
  signalGroup,
  signalProcess,
  signalRefs,
} from './process-tree.js';
import type {
  MarkedRunProcess,
  ProcessSnapshot,
  RunProcess,
  Runner,
  RunSpec,
  SeenProcess,
  StartedRun,
} from './runner.js';
import { spawnDetached } from './spawn.js';
import type { ActionResult } from './types.js';

/** Runs agents on this machine, detached, in their own process groups. */
export class LocalRunner implements Runner {
  async start(spec: RunSpec): Promise<ActionResult<StartedRun>> {
    const child = await spawnDetached(spec);
    if (!child.ok) return child;
    const started: StartedRun = { pid: child.value.pid, exited: child.value.exited };
    const startTime = readProcStatSync(child.value.pid)?.startTime;
    if (startTime !== undefined) started.startTime = startTime;
    return { ok: true, value: started };
  }

  isAlive(proc: RunProcess): Promise<boolean> {
    if (proc.pid <= 0) return Promise.resolve(false);
    return isProcessRunning(proc.pid, proc.startTime);
  }

  isSameProcess(proc: RunProcess): boolean {
    if (proc.pid <= 0) return false;
    return isRunningStat(readProcStatSync(proc.pid), proc.startTime);
  }

  terminate(proc: RunProcess): void {
    if (!this.isSameProcess(proc)) return;
    // The whole group: agent launchers that ignore SIGTERM at their own pid (Gemini CLI's
    // relaunching parent) or leave a native child behind (Codex's) are ended with their children.
    // The agent leads its group (detached), so one signal reaches it; the pid alone when the group is gone.
    if (!signalGroup(proc.pid, 'SIGTERM')) signalProcess(proc.pid, 'SIGTERM');
  }

  interrupt(proc: RunProcess): boolean {
    if (!this.isSameProcess(proc)) return false;
    // The group, like Ctrl-C in a terminal: Gemini CLI ends its turn only when its group gets it.
    return signalGroup(proc.pid, 'SIGINT') || signalProcess(proc.pid, 'SIGINT');
  }

  kill(proc: RunProcess): void {
    if (!this.isSameProcess(proc)) return;
    // The agent leads its own group (detached): this reaches helpers that stayed in it.
    signalGroup(proc.pid, 'SIGKILL');
    signalProcess(proc.pid, 'SIGKILL');
  }

  killDescendants(procs: Iterable<SeenProcess>): number {
    return signalRefs(procs, 'SIGKILL');
  }

  async snapshot(): Promise<ProcessSnapshot | undefined> {
    const procs = await listProcesses();
    if (procs.length === 0) return undefined;
    const startTimes = new Map<number, number>();
    for (const p of procs) startTimes.set(p.pid, p.startTime);
    return {
      startTimeOf: (pid) => startTimes.get(pid),
      descendantsOf: (pid) => descendantsOf([pid], procs).map((d) => ({ pid: d.pid, startTime: d.startTime })),
    };
  }

  async findMarked(variable: string): Promise<MarkedRunProcess[]> {
    return (await processesWithEnv(variable)).map((p) => ({
      pid: p.pid,
      ppid: p.ppid,
      startTime: p.startTime,
      value: p.value,
    }));
  }
}
