/**
 * What a user does with a finished worktree task's work: commit what is uncommitted in it, merge
 * its branch into the branch checked out in the main checkout, discard it (worktree and branch),
 * and keep the list of worktrees tidy. The state of a worktree is read from git and the disk each
 * time (running, finished, merged, discarded, missing), so it is right even after the user acted
 * by hand. Every action returns a value with a sentence; nothing is forced without the caller
 * saying so (after the user confirmed). A task that worked on a host is landed there: every git
 * call goes to that host (git/git-host.ts), and an unreachable host refuses before anything runs.
 */
import { oneLine, sanitizeLine, sanitizeText } from '../shared/sanitize.js';
import { gitAt } from './git/git-host.js';
import { trimmed } from './git/git-run.js';
import { commitAll, mergeBranch } from './git/landing.js';
import { dirtyPaths, headCommit, isMerged } from './git/repo.js';
import { diskUse, removeWorktree, worktreeExists } from './git/worktrees.js';
import { isLive, type TaskRecord, type TaskWorktree } from './types.js';

/** Where a task's worktree stands. */
export type WorktreeStateName = 'running' | 'finished' | 'merged' | 'discarded' | 'missing';

/** One row of the worktree list. */
export interface WorktreeInfo {
  taskId: number;
  /** The host the worktree is on; undefined: this machine. */
  host?: string;
  taskName: string;
  path: string;
  branch: string;
  state: WorktreeStateName;
  /** Files with uncommitted changes (0 when the folder is gone). */
  uncommitted: number;
  /** The branch holds commits the main checkout's HEAD does not. */
  unmerged: boolean;
  diskBytes?: number;
}

/** A host whose worktrees could not be read now: named in the list, its worktrees left as they are. */
export interface UnreachableHost {
  host: string;
  /** `unreachable`: ssh could not connect; `unconfigured`: the host is no longer in the config. */
  reason: 'unreachable' | 'unconfigured';
  taskIds: number[];
}

/** The worktree list: every worktree that could be read, and the hosts that could not be asked. */
export interface WorktreeList {
  worktrees: WorktreeInfo[];
  unreachable: UnreachableHost[];
}

/** A landing action's outcome; `needsConfirm` when it would lose work and was not forced. */
export type LandingResult = { ok: true; message: string } | { ok: false; message: string; needsConfirm?: boolean };

async function branchTip(wt: TaskWorktree, host: string | undefined): Promise<string | undefined> {
  const r = await gitAt(host, wt.repoRoot, ['rev-parse', '--verify', '--quiet', `refs/heads/${wt.branch}`]);
  return r.ok ? trimmed(r) : undefined;
}

/** The state of task `rec`'s worktree, read from git and the disk. */
export async function worktreeInfo(rec: TaskRecord, withDisk = false): Promise<WorktreeInfo | undefined> {
  const wt = rec.worktree;
  if (!wt) return undefined;
  const host = rec.host;
  const exists = await worktreeExists(wt.path, host);
  const tip = await branchTip(wt, host);
  const head = await headCommit(wt.repoRoot, host);
  const unmerged = tip !== undefined && head !== undefined && !(await isMerged(wt.repoRoot, tip, head, host));
  const dirty = exists ? await dirtyPaths(wt.path, host) : [];
  const uncommitted = Array.isArray(dirty) ? dirty.length : 0;
  let state: WorktreeStateName;
  if (isLive(rec.status)) state = 'running';
  else if (!exists && tip === undefined) state = 'discarded';
  else if (!exists) state = 'missing';
  else if (!unmerged && uncommitted === 0 && tip !== wt.baseCommit) state = 'merged';
  else state = 'finished';
  const info: WorktreeInfo = {
    taskId: rec.id,
    ...(host !== undefined ? { host } : {}),
    taskName: rec.name,
    path: wt.path,
    branch: wt.branch,
    state,
    uncommitted,
    unmerged,
  };
  if (withDisk && exists) {
    const bytes = await diskUse(wt.path, host);
    if (bytes !== undefined) info.diskBytes = bytes;
  }
  return info;
}

/** The commit message of a task's work: its name and the first line of its result. */
export function commitMessage(rec: TaskRecord): string {
  const first = oneLine(
    sanitizeText(rec.resultText ?? '')
      .split('\n')
      .find((l) => l.trim() !== '') ?? '',
    72,
  );
  const name = sanitizeLine(rec.name);
  return first === '' ? name : `${name}: ${first}`;
}

async function refuseLive(rec: TaskRecord): Promise<LandingResult | undefined> {
  if (!rec.worktree)
    return { ok: false, message: `Task ${rec.id} (${rec.name}) works in place, not in a worktree of its own.` };
  if (isLive(rec.status))
    return { ok: false, message: `Task ${rec.id} (${rec.name}) is still ${rec.status}; wait for it to finish.` };
  // On a host, every step below is a git call there: one that cannot connect would read as
  // "no branch" or "no worktree", so an unreachable host refuses first, with nothing done.
  if (rec.host !== undefined) {
    const down = await hostDown(rec.host, rec.worktree.repoRoot);
    if (down)
      return {
        ok: false,
        message: `Task ${rec.id} (${rec.name}) worked on ${rec.host}: ${down.message}; nothing was changed.`,
      };
  }
  return undefined;
}

/** Why `host` cannot answer git about `dir` now, or undefined when it can. */
async function hostDown(
  host: string,
  dir: string,
): Promise<{ reason: UnreachableHost['reason']; message: string } | undefined> {
  const r = await gitAt(host, dir, ['rev-parse', '--git-dir']);
  if (r.ok) return undefined;
  // 255: ssh could not connect; no exit code: the host is not in the config (any more).
  if (r.exitCode === 255) return { reason: 'unreachable', message: r.message };
  if (r.exitCode === undefined) return { reason: 'unconfigured', message: r.message };
  return undefined;
}

/**
 * Commits everything uncommitted in the task's worktree with `message` (default {@link commitMessage};
 * the user may have edited it). The message becomes one line without control characters, and
 * reaches git as the value of `-m` in an argv, so one that starts with `-` is still a message.
 */
export async function commitTask(rec: TaskRecord, message = commitMessage(rec)): Promise<LandingResult> {
  const refused = await refuseLive(rec);
  if (refused) return refused;
  const wt = rec.worktree as TaskWorktree;
  const clean = sanitizeLine(message);
  if (clean === '') return { ok: false, message: `Task ${rec.id} not committed: the commit message is empty.` };
  if (!(await worktreeExists(wt.path, rec.host)))
    return { ok: false, message: `The worktree ${wt.path} no longer exists.` };
  const r = await commitAll(wt.path, clean, rec.host);
  return r.ok ? { ok: true, message: `Task ${rec.id}: ${r.message} on ${wt.branch}.` } : r;
}

/**
 * Merges the task's branch into the branch checked out in the main checkout, after committing what
 * is uncommitted in the worktree. Refused with the reason (and nothing changed in the main
 * checkout) on a conflict or on uncommitted changes there in the same files.
 */
export async function mergeTask(rec: TaskRecord): Promise<LandingResult> {
  const refused = await refuseLive(rec);
  if (refused) return refused;
  const wt = rec.worktree as TaskWorktree;
  if (await worktreeExists(wt.path, rec.host)) {
    const c = await commitAll(wt.path, commitMessage(rec), rec.host);
    if (!c.ok) return { ok: false, message: `Task ${rec.id} not merged: ${c.message}` };
  }
  const m = await mergeBranch(
    wt.repoRoot,
    wt.branch,
    `Merge task ${rec.id} "${oneLine(rec.name, 60)}" (${wt.branch})`,
    rec.host,
  );
  return m.ok
    ? { ok: true, message: `Task ${rec.id}: ${m.message}.` }
    : { ok: false, message: `Task ${rec.id} ${m.message}` };
}

/**
 * Removes the task's worktree and branch. Without `force`, refused with `needsConfirm` when it holds
 * uncommitted work or commits not merged into the main checkout (the caller asks again).
 */
export async function discardTask(rec: TaskRecord, force: boolean): Promise<LandingResult> {
  const refused = await refuseLive(rec);
  if (refused) return refused;
  const wt = rec.worktree as TaskWorktree;
  const info = (await worktreeInfo(rec)) as WorktreeInfo;
  if (info.state === 'discarded') return { ok: true, message: `Task ${rec.id}'s worktree was already discarded.` };
  if (!force && (info.uncommitted > 0 || info.unmerged)) {
    const what = [
      info.uncommitted > 0 ? `${info.uncommitted} uncommitted ${info.uncommitted === 1 ? 'file' : 'files'}` : '',
      info.unmerged ? `commits not merged into the main checkout` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    return {
      ok: false,
      needsConfirm: true,
      message: `Task ${rec.id}'s worktree holds ${what}; discarding deletes them.`,
    };
  }
  const r = await removeWorktree(wt.repoRoot, wt.path, wt.branch, true, rec.host);
  return r.ok ? { ok: true, message: `Task ${rec.id}: removed the worktree and the branch ${wt.branch}.` } : r;
}

/**
 * Every worktree task's state, with disk use, here and on each host (read by git there). A host
 * that cannot be asked is named with its tasks instead; its worktrees are neither guessed at nor
 * counted as gone. Each host is asked alongside this machine, so a dead one holds up no other.
 */
export async function listWorktrees(tasks: readonly TaskRecord[]): Promise<WorktreeList> {
  const byHost = new Map<string | undefined, TaskRecord[]>();
  for (const t of tasks) if (t.worktree) byHost.set(t.host, [...(byHost.get(t.host) ?? []), t]);
  const parts = await Promise.all([...byHost].map(([host, list]) => listOn(host, list)));
  const order = new Map(tasks.map((t, i) => [t.id, i]));
  return {
    worktrees: parts
      .flatMap((p) => p.worktrees)
      .sort((a, b) => (order.get(a.taskId) ?? 0) - (order.get(b.taskId) ?? 0)),
    unreachable: parts.flatMap((p) => p.unreachable),
  };
}

async function listOn(host: string | undefined, tasks: TaskRecord[]): Promise<WorktreeList> {
  const first = tasks[0]?.worktree;
  const down = host !== undefined && first ? await hostDown(host, first.repoRoot) : undefined;
  if (host !== undefined && down)
    return { worktrees: [], unreachable: [{ host, reason: down.reason, taskIds: tasks.map((t) => t.id) }] };
  const worktrees: WorktreeInfo[] = [];
  for (const t of tasks) {
    const info = await worktreeInfo(t, true);
    if (info) worktrees.push(info);
  }
  return { worktrees, unreachable: [] };
}

/**
 * Removes the worktrees (and branches) of merged tasks and the leftovers of missing ones whose
 * branch is merged, here and on their hosts; anything with uncommitted or unmerged work is kept
 * and named, and so are hosts that cannot be reached. The removal is never forced, so git itself
 * refuses one that gained uncommitted work since it was read.
 */
export async function cleanWorktrees(
  tasks: readonly TaskRecord[],
): Promise<{ removed: WorktreeInfo[]; kept: WorktreeInfo[]; unreachable: UnreachableHost[] }> {
  const removed: WorktreeInfo[] = [];
  const kept: WorktreeInfo[] = [];
  const { worktrees, unreachable } = await listWorktrees(tasks);
  for (const info of worktrees) {
    const rec = tasks.find((t) => t.id === info.taskId) as TaskRecord;
    const wt = rec.worktree as TaskWorktree;
    const clean = info.uncommitted === 0 && !info.unmerged;
    if ((info.state === 'merged' || info.state === 'missing' || info.state === 'finished') && clean) {
      const r = await removeWorktree(wt.repoRoot, wt.path, wt.branch, false, rec.host);
      (r.ok ? removed : kept).push(info);
    } else if (info.state !== 'discarded') {
      kept.push(info);
    }
  }
  return { removed, kept, unreachable };
}
