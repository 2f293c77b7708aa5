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
    taskName: rec.name,
    path: wt.path,
    branch: wt.branch,
    state,
    uncommitted,
    unmerged,
  };
  if (withDisk && exists && host === undefined) {
    const bytes = await diskUse(wt.path);
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
    const r = await gitAt(rec.host, rec.worktree.repoRoot, ['rev-parse', '--git-dir']);
    // 255: ssh could not connect; no exit code: the host is not in the config (any more).
    if (!r.ok && (r.exitCode === 255 || r.exitCode === undefined))
      return {
        ok: false,
        message: `Task ${rec.id} (${rec.name}) worked on ${rec.host}: ${r.message}; nothing was changed.`,
      };
  }
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

/** Every worktree task's state, with disk use. */
export async function listWorktrees(tasks: readonly TaskRecord[]): Promise<WorktreeInfo[]> {
  const out: WorktreeInfo[] = [];
  for (const t of tasks) {
    if (t.host !== undefined) continue; // on its host: not visible to git here
    const info = await worktreeInfo(t, true);
    if (info) out.push(info);
  }
  return out;
}

/**
 * Removes the worktrees (and branches) of merged tasks and the leftovers of missing ones whose
 * branch is merged; anything with uncommitted or unmerged work is kept and named.
 */
export async function cleanWorktrees(
  tasks: readonly TaskRecord[],
): Promise<{ removed: WorktreeInfo[]; kept: WorktreeInfo[] }> {
  const removed: WorktreeInfo[] = [];
  const kept: WorktreeInfo[] = [];
  for (const info of await listWorktrees(tasks)) {
    const rec = tasks.find((t) => t.id === info.taskId) as TaskRecord;
    const wt = rec.worktree as TaskWorktree;
    const clean = info.uncommitted === 0 && !info.unmerged;
    if ((info.state === 'merged' || info.state === 'missing' || info.state === 'finished') && clean) {
      const r = await removeWorktree(wt.repoRoot, wt.path, wt.branch, false);
      (r.ok ? removed : kept).push(info);
    } else if (info.state !== 'discarded') {
      kept.push(info);
    }
  }
  return { removed, kept };
}
