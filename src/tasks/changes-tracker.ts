/**
 * Counts what a task changed when one of its runs ends, into `rec.changes`: for a worktree task,
 * everything that differs from its base commit (committed, uncommitted and untracked); for an
 * in-place task in a git repository, the files its tools touched, as they differ from HEAD. A
 * folder outside git has no count. Never throws: what cannot be counted stays uncounted.
 */
import { isAbsolute, join } from 'node:path';
import { changeDiff, changeSummary, type ChangeScope } from './git/changes.js';
import { gitAt } from './git/git-host.js';
import { headCommit, repoOf } from './git/repo.js';
import { worktreeExists } from './git/worktrees.js';
import type { TaskChanges, TaskRecord } from './types.js';

/** Files kept in a record's change list (the counts cover all of them). */
const MAX_FILES_KEPT = 200;

/** A remote task's git runs on its host (git-host.ts). */
function hostOf(rec: TaskRecord): { host?: string } {
  return rec.host !== undefined ? { host: rec.host } : {};
}

/** Where git compares a task's changes, or undefined when it cannot (no repository, folder gone). */
export async function changeScopeOf(rec: TaskRecord): Promise<ChangeScope | { error: string } | undefined> {
  const wt = rec.worktree;
  if (wt) {
    if (!(await worktreeExists(wt.path, rec.host))) {
      // Read from git, like the worktree list: both gone is a discard (X, or by hand).
      const branch = await gitAt(rec.host, wt.repoRoot, [
        'rev-parse',
        '--verify',
        '--quiet',
        `refs/heads/${wt.branch}`,
      ]);
      return {
        error: branch.ok
          ? `its worktree ${wt.path} no longer exists (its branch ${wt.branch} is kept)`
          : `its worktree and its branch ${wt.branch} were discarded`,
      };
    }
    return { checkout: wt.path, base: wt.baseCommit, ...hostOf(rec) };
  }
  if (rec.filesTouched.length === 0) return undefined;
  const repo = await repoOf(rec.projectDir, rec.host);
  if (!repo) return undefined;
  const head = await headCommit(repo.root, rec.host);
  if (!head) return undefined;
  const paths = rec.filesTouched.map((p) => (isAbsolute(p) ? p : join(rec.projectDir, p)));
  return { checkout: repo.root, base: head, paths, ...hostOf(rec) };
}

/** The task's changes now, or undefined when there is nothing git can count. */
export async function countChanges(rec: TaskRecord): Promise<TaskChanges | undefined> {
  try {
    const scope = await changeScopeOf(rec);
    if (scope === undefined || 'error' in scope) return undefined;
    const s = await changeSummary(scope);
    if ('error' in s) return undefined;
    return {
      files: s.files.slice(0, MAX_FILES_KEPT).map(({ untracked: _u, ...f }) => f),
      added: s.added,
      removed: s.removed,
    };
  } catch {
    return undefined;
  }
}

/** Updates `rec.changes` (and notes a worktree folder deleted by hand) at the end of a run. */
export async function recordChanges(rec: TaskRecord): Promise<void> {
  if (rec.worktree && !(await worktreeExists(rec.worktree.path, rec.host))) {
    rec.worktree = { ...rec.worktree, missing: true };
  }
  const changes = await countChanges(rec);
  if (changes) rec.changes = changes;
}

/** The task's unified diff (a sentence when there is none to show). */
export async function taskDiff(rec: TaskRecord): Promise<{ ok: true; diff: string } | { ok: false; message: string }> {
  const scope = await changeScopeOf(rec);
  if (scope === undefined) return { ok: false, message: `Task ${rec.id} (${rec.name}) changed no files git can show.` };
  if ('error' in scope) return { ok: false, message: `Task ${rec.id} (${rec.name}): ${scope.error}.` };
  const d = await changeDiff(scope);
  if (typeof d !== 'string') return { ok: false, message: `git could not show the changes: ${d.error}` };
  return { ok: true, diff: d };
}
