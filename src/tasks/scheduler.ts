/**
 * Which queued task starts now and why the others wait: pure functions over task records, no
 * processes or timers. The rules: the queue drains FIFO; one task works in a folder at a time, its
 * parent and subfolders included (a queued task claims its folder for the ones behind it, so a
 * task waits behind the one just ahead of it, not only behind the running one); the concurrency
 * cap holds back everything else. Caps are per machine: `maxConcurrent` counts the tasks on this
 * machine, and each remote host's own `maxConcurrent` (else the same number) counts the tasks on
 * that host, so a busy host never holds back local tasks nor the other way round.
 */
import { plural } from './outcome.js';
import { dirsOverlap } from './project-dirs.js';
import { isLive, type TaskRecord } from './types.js';

/** The fields of a task the scheduler reads. */
export type SchedTask = Pick<TaskRecord, 'id' | 'name' | 'projectDir' | 'status'> & { host?: string };

/** What the scheduler reads of a configured host: its own cap (absent: the local number). */
export interface SchedHost {
  maxConcurrent?: number;
}

/** The machine a task runs on: '' for this one, else the host's name. */
const machineOf = (t: { host?: string | undefined }): string => t.host ?? '';

/** Folders overlap only on the same machine: `/srv/api` here and on a host are different folders. */
const sameMachine = (a: { host?: string | undefined }, b: { host?: string | undefined }): boolean =>
  machineOf(a) === machineOf(b);

/** The decision of {@link planSchedule}: ids to start now, and the rest with why they wait (queue order). */
export interface SchedulePlan {
  start: number[];
  wait: { id: number; reason: string }[];
}

/**
 * Decides the queue. `running` are the running tasks (oldest claim first), `queued` the queued
 * ones in arrival order (anything not `queued` in it is dropped from the queue); `maxConcurrent`
 * caps this machine, `hosts` name each remote host's cap.
 */
export function planSchedule(
  running: readonly SchedTask[],
  queued: readonly SchedTask[],
  maxConcurrent: number,
  hosts: Readonly<Record<string, SchedHost>> = {},
): SchedulePlan {
  // Folders claimed by running tasks and by queued ones ahead.
  const claimed: SchedTask[] = running.filter((t) => t.status === 'running');
  const counts = new Map<string, number>();
  for (const t of claimed) counts.set(machineOf(t), (counts.get(machineOf(t)) ?? 0) + 1);
  const capOf = (m: string): number =>
    m !== '' && Object.hasOwn(hosts, m) ? (hosts[m]?.maxConcurrent ?? maxConcurrent) : maxConcurrent;
  const plan: SchedulePlan = { start: [], wait: [] };
  for (const t of queued) {
    if (t.status !== 'queued') continue;
    // The latest claimant: a task waits behind the one just ahead of it, not the one running.
    let ahead: SchedTask | undefined;
    for (let i = claimed.length - 1; i >= 0 && ahead === undefined; i--) {
      const c = claimed[i] as SchedTask;
      if (sameMachine(c, t) && dirsOverlap(c.projectDir, t.projectDir)) ahead = c;
    }
    const m = machineOf(t);
    const count = counts.get(m) ?? 0;
    let reason: string | undefined;
    if (ahead) reason = `waiting for task ${ahead.id} (${ahead.name}) in ${ahead.projectDir}`;
    else if (count >= capOf(m)) reason = `${plural(count, 'task')} already running${m ? ` on host ${m}` : ''}`;
    claimed.push(t);
    if (reason !== undefined) {
      plan.wait.push({ id: t.id, reason });
      continue;
    }
    counts.set(m, count + 1);
    plan.start.push(t.id);
  }
  return plan;
}

/**
 * A live task whose folder overlaps `dir` (the same, a parent or a subfolder) on the same machine
 * (`host`, undefined: this one); a running one first.
 */
export function liveInDir<T extends SchedTask>(tasks: Iterable<T>, dir: string, host?: string): T | undefined {
  let found: T | undefined;
  for (const t of tasks) {
    if (!sameMachine(t, { host }) || !dirsOverlap(t.projectDir, dir) || !isLive(t.status)) continue;
    // Prefer the running one: that is what everybody waits for.
    if (!found || (t.status === 'running' && found.status !== 'running')) found = t;
  }
  return found;
}

/** The refusal when `sameDirPolicy` is 'refuse' and `busy` works in (or around) `dir`. */
export function busyMessage(busy: SchedTask, dir: string): string {
  const on = busy.host ? `${busy.host}:` : '';
  const where = busy.projectDir === dir ? `${on}${dir}` : `${on}${busy.projectDir}, which overlaps ${dir}`;
  return `Task ${busy.id} (${busy.name}) is still ${busy.status} in ${where}; only one task works in a folder at a time, its subfolders included. Wait for it or cancel it.`;
}

/** The refusal of a spawn into `dir` (on `host`) while a live task works in or around it, or undefined. */
export function busyRefusal(tasks: Iterable<{ rec: SchedTask }>, dir: string, host?: string): string | undefined {
  const busy = liveInDir(
    [...tasks].map((t) => t.rec),
    dir,
    host,
  );
  return busy ? busyMessage(busy, dir) : undefined;
}
