/**
 * Facts about the git repository a folder belongs to: its top folder, its current commit and
 * branch, and whether it has uncommitted changes. Each is a value; "not a repository" is a value too.
 */
import { gitAt } from './git-host.js';
import { trimmed } from './git-run.js';

/** The repository a folder is in. */
export interface RepoInfo {
  /** Top folder of the checkout (a worktree's own folder when `dir` is in a linked worktree). */
  root: string;
  /** The repository's shared git folder: the same for the main checkout and all its worktrees. */
  commonDir: string;
  /** `dir` relative to `root` ('' at the top), for keeping a task's sub-folder. */
  prefix: string;
}

/** The repository `dir` is in (on `host`, or here), or undefined when it is in none (or git is missing). */
export async function repoOf(dir: string, host?: string): Promise<RepoInfo | undefined> {
  const r = await gitAt(host, dir, [
    'rev-parse',
    '--path-format=absolute',
    '--show-toplevel',
    '--git-common-dir',
    '--show-prefix',
  ]);
  if (!r.ok) return undefined;
  const [root, commonDir, prefix] = r.stdout.split('\n');
  if (!root || !commonDir) return undefined;
  return { root, commonDir, prefix: (prefix ?? '').replace(/\/$/, '') };
}

/** The commit HEAD points at (on `host`, or here), or undefined in a repository without commits. */
export async function headCommit(dir: string, host?: string): Promise<string | undefined> {
  const r = await gitAt(host, dir, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  return r.ok ? trimmed(r) : undefined;
}

/** The branch checked out in `dir` (on `host`, or here), or undefined when HEAD is detached. */
export async function currentBranch(dir: string, host?: string): Promise<string | undefined> {
  const r = await gitAt(host, dir, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  return r.ok ? trimmed(r) : undefined;
}

/** Paths (relative to the top) with uncommitted changes in `dir`'s checkout (on `host`, or here), untracked ones included. */
export async function dirtyPaths(dir: string, host?: string): Promise<string[] | { error: string }> {
  const r = await gitAt(host, dir, ['status', '--porcelain=v1', '-z', '--untracked-files=all']);
  if (!r.ok) return { error: r.message };
  const out: string[] = [];
  const parts = r.stdout.split('\0');
  for (let i = 0; i < parts.length; i++) {
    const entry = parts[i] as string;
    if (entry.length < 4) continue;
    out.push(entry.slice(3));
    // A rename or copy is followed by its source path.
    if (entry[0] === 'R' || entry[0] === 'C') out.push(parts[++i] ?? '');
  }
  return out.filter((p) => p !== '');
}

/** True when `commit` is already contained in `into` (merged), in `dir`'s repository on `host` or here. */
export async function isMerged(dir: string, commit: string, into: string, host?: string): Promise<boolean> {
  const r = await gitAt(host, dir, ['merge-base', '--is-ancestor', commit, into], { okCodes: [1] });
  return r.ok && r.exitCode === 0;
}
