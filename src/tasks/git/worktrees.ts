/**
 * voice-orch's git worktrees: one per isolated task, on its own branch made from the repository's
 * HEAD, in a folder under the state directory (outside the user's checkout, so the checkout's
 * `git status` never shows it). Made, checked and removed here; every result is a value.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { gitAt, gitHost } from './git-host.js';
import { git, trimmed } from './git-run.js';

/** Prefix of every branch voice-orch makes for a task. */
export const BRANCH_PREFIX = 'voice-orch/';

/** The folder under the state directory that holds every task worktree. */
export function worktreeRoot(stateDir: string): string {
  return join(stateDir, 'worktrees');
}

/** A task name as a branch and folder word: lower-case letters, digits and dashes, at most 40. */
export function slug(name: string): string {
  const s = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return s === '' ? 'task' : s;
}

/** The branch of task `id` named `name`: `voice-orch/<id>-<slug>`. */
export function taskBranch(id: number, name: string): string {
  return `${BRANCH_PREFIX}${id}-${slug(name)}`;
}

/** Where task `id`'s worktree lives. */
export function taskWorktreePath(stateDir: string, id: number, name: string): string {
  return join(worktreeRoot(stateDir), `${id}-${slug(name)}`);
}

/** What {@link addWorktree} made. */
export interface NewWorktree {
  path: string;
  branch: string;
  baseCommit: string;
}

/**
 * Makes a worktree of the repository at `repoRoot` in `path` on a new branch `branch` from
 * `baseCommit` (on `host`, or here). Refused with git's reason (the branch exists, the folder is taken…).
 */
export async function addWorktree(
  repoRoot: string,
  path: string,
  branch: string,
  baseCommit: string,
  host?: string,
): Promise<{ ok: true; value: NewWorktree } | { ok: false; message: string }> {
  const r = await gitAt(host, repoRoot, ['worktree', 'add', '--quiet', '-b', branch, '--', path, baseCommit]);
  if (!r.ok) return { ok: false, message: `could not make a git worktree: ${r.message}` };
  return { ok: true, value: { path, branch, baseCommit } };
}

/**
 * True when the worktree's folder still exists (a user may delete it by hand). On a host that
 * cannot be reached now it counts as existing: unknown is not "deleted".
 */
export async function worktreeExists(path: string, host?: string): Promise<boolean> {
  if (host !== undefined) {
    const r = await gitAt(host, path, ['rev-parse', '--is-inside-work-tree']);
    return r.ok || r.exitCode === 255;
  }
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Removes a task's worktree and its branch (on `host`, or here). `force` also drops uncommitted
 * work and an unmerged branch: the caller asks the user first. A folder already deleted by hand is
 * pruned, not an error.
 */
export async function removeWorktree(
  repoRoot: string,
  path: string,
  branch: string,
  force: boolean,
  host?: string,
): Promise<{ ok: true } | { ok: false; message: string }> {
  if (await worktreeExists(path, host)) {
    const r = await gitAt(host, repoRoot, ['worktree', 'remove', ...(force ? ['--force'] : []), '--', path]);
    if (!r.ok) return { ok: false, message: `could not remove the worktree ${path}: ${r.message}` };
  } else {
    await gitAt(host, repoRoot, ['worktree', 'prune']);
  }
  const exists = await gitAt(host, repoRoot, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]);
  if (!exists.ok) return exists.exitCode === 255 ? exists : { ok: true };
  const b = await gitAt(host, repoRoot, ['branch', force ? '-D' : '-d', '--', branch]);
  if (!b.ok) return { ok: false, message: `could not delete the branch ${branch}: ${b.message}` };
  return { ok: true };
}

/** The branches of voice-orch's task worktrees known to the repository at `repoRoot`. */
export async function listTaskBranches(repoRoot: string): Promise<string[]> {
  const r = await git(repoRoot, ['for-each-ref', '--format=%(refname:short)', `refs/heads/${BRANCH_PREFIX}`]);
  return r.ok
    ? trimmed(r)
        .split('\n')
        .filter((l) => l !== '')
    : [];
}

/** The argv that measures a folder's disk use, here or on a host. */
export const duArgv = (path: string): string[] => ['du', '-sk', '--', path];

/** Bytes from what `du -sk` printed, or undefined when it failed or printed something else. */
export function duBytes(exitCode: number | undefined, stdout: string): number | undefined {
  const kb = stdout.split('\t')[0]?.trim() ?? '';
  return exitCode === 0 && /^\d+$/.test(kb) ? Number(kb) * 1024 : undefined;
}

/**
 * Disk use of a folder in bytes (`du -sk`, on `host` or here), or undefined when it cannot be
 * measured (a host that cannot measure it, or cannot be reached, says nothing).
 */
export async function diskUse(path: string, host?: string): Promise<number | undefined> {
  if (host !== undefined) return gitHost(host)?.diskUse?.(path);
  const [cmd, ...args] = duArgv(path) as [string, ...string[]];
  const r = await execa(cmd, args, { reject: false, stdin: 'ignore' });
  return duBytes(r.exitCode, String(r.stdout));
}
