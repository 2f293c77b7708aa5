/**
 * Which queued task starts now and why the others wait: pure functions over task records, no
 * processes or timers. The rules: the queue drains FIFO; one task works in a folder at a time, its
 * parent and subfolders included (a queued task claims its folder for the ones behind it, so a
 * task waits behind the one just ahead of it, not only behind the running one); the concurrency
 * cap holds back everything else.
 */
import { plural } from './outcome.js';
import { dirsOverlap } from './project-dirs.js';
import { isLive, type TaskRecord } from './types.js';

/** The fields of a task the scheduler reads. */
export type SchedTask = Pick<TaskRecord, 'id' | 'name' | 'projectDir' | 'status'>;

/** The decision of {@link planSchedule}: ids to start now, and the rest with why they wait (queue order). */
export interface SchedulePlan {
  start: number[];
  wait: { id: number; reason: string }[];
}

/**
 * Decides the queue. `running` are the running tasks (oldest claim first), `queued` the queued
 * ones in arrival order (anything not `queued` in it is dropped from the queue).
 */
export function planSchedule(
  running: readonly SchedTask[],
  queued: readonly SchedTask[],
  maxConcurrent: number,
): SchedulePlan {
  // Folders claimed by running tasks and by queued ones ahead.
  const claimed: SchedTask[] = running.filter((t) => t.status === 'running');
  let runningCount = claimed.length;
  const plan: SchedulePlan = { start: [], wait: [] };
  for (const t of queued) {
    if (t.status !== 'queued') continue;
    // The latest claimant: a task waits behind the one just ahead of it, not the one running.
    let ahead: SchedTask | undefined;
    for (let i = claimed.length - 1; i >= 0 && ahead === undefined; i--) {
      const c = claimed[i] as SchedTask;
      if (dirsOverlap(c.projectDir, t.projectDir)) ahead = c;
    }
    let reason: string | undefined;
    if (ahead) reason = `waiting for task ${ahead.id} (${ahead.name}) in ${ahead.projectDir}`;
    else if (runningCount >= maxConcurrent) reason = `${plural(runningCount, 'task')} already running`;
    claimed.push(t);
    if (reason !== undefined) {
      plan.wait.push({ id: t.id, reason });
      continue;
    }
    runningCount++;
    plan.start.push(t.id);
  }
  return plan;
}

/** A live task whose folder overlaps `dir` (the same, a parent or a subfolder); a running one first. */
export function liveInDir<T extends SchedTask>(tasks: Iterable<T>, dir: string): T | undefined {
  let found: T | undefined;
  for (const t of tasks) {
    if (!dirsOverlap(t.projectDir, dir) || !isLive(t.status)) continue;
    // Prefer the running one: that is what everybody waits for.
    if (!found || (t.status === 'running' && found.status !== 'running')) found = t;
  }
  return found;
}

/** The refusal when `sameDirPolicy` is 'refuse' and `busy` works in (or around) `dir`. */
export function busyMessage(busy: SchedTask, dir: string): string {
  const where = busy.projectDir === dir ? dir : `${busy.projectDir}, which overlaps ${dir}`;
  return `Task ${busy.id} (${busy.name}) is still ${busy.status} in ${where}; only one task works in a folder at a time, its subfolders included. Wait for it or cancel it.`;
}

/** The refusal of a spawn into `dir` while a live task works in or around it, or undefined. */
export function busyRefusal(tasks: Iterable<{ rec: SchedTask }>, dir: string): string | undefined {
  const busy = liveInDir(
    [...tasks].map((t) => t.rec),
    dir,
  );
  return busy ? busyMessage(busy, dir) : undefined;
}
