/**
 * Landing a task's branch: committing what is uncommitted in its worktree, and merging its branch
 * into the branch checked out in the main checkout. Never forced, never a reset: a merge that would
 * conflict, or that would touch files the user has uncommitted changes in, is refused with the
 * reason before anything changes. Each runs where the repository is: here, or on a host through
 * {@link gitAt} (the same argv, every word quoted for the host's shell).
 */
import { gitAt } from './git-host.js';
import { trimmed } from './git-run.js';
import { currentBranch, dirtyPaths, headCommit, isMerged } from './repo.js';

/** Result of a landing action: what happened, in a sentence, or why nothing did. */
export type LandResult = { ok: true; message: string; fastForward?: boolean } | { ok: false; message: string };

/** Identity used only when the user has none configured, so a commit never fails for want of it. */
async function identityArgs(dir: string, host: string | undefined): Promise<string[]> {
  const name = await gitAt(host, dir, ['config', 'user.name']);
  const email = await gitAt(host, dir, ['config', 'user.email']);
  const out: string[] = [];
  if (!name.ok) out.push('-c', 'user.name=voice-orch');
  if (!email.ok) out.push('-c', 'user.email=voice-orch@localhost');
  return out;
}

/**
 * Commits everything uncommitted in the worktree (untracked files included) with `message`.
 * `ok` with "nothing to commit" when it is clean. `host`: the worktree is on that host.
 */
export async function commitAll(worktree: string, message: string, host?: string): Promise<LandResult> {
  const dirty = await dirtyPaths(worktree, host);
  if ('error' in dirty) return { ok: false, message: dirty.error };
  if (dirty.length === 0) return { ok: true, message: 'nothing to commit' };
  const add = await gitAt(host, worktree, ['add', '--all', '--', '.']);
  if (!add.ok) return { ok: false, message: `git add failed: ${add.message}` };
  const id = await identityArgs(worktree, host);
  const c = await gitAt(host, worktree, [...id, 'commit', '--quiet', '--no-verify', '-m', message]);
  if (!c.ok) return { ok: false, message: `git commit failed: ${c.message}` };
  return { ok: true, message: `committed ${dirty.length} ${dirty.length === 1 ? 'file' : 'files'}` };
}

/**
 * Merges `branch` into the branch checked out in `mainCheckout`: a fast-forward when possible,
 * otherwise a merge commit with `message`. Refused, with nothing changed, when the main checkout
 * is on no branch, when the merge would conflict, or when the files the branch changes have
 * uncommitted changes in the main checkout. `host`: the repository is on that host.
 */
export async function mergeBranch(
  mainCheckout: string,
  branch: string,
  message: string,
  host?: string,
): Promise<LandResult> {
  const target = await currentBranch(mainCheckout, host);
  if (target === undefined)
    return { ok: false, message: 'the main checkout is on no branch (detached HEAD); check out a branch first' };
  const head = await headCommit(mainCheckout, host);
  const tip = await gitAt(host, mainCheckout, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]);
  if (head === undefined || !tip.ok) return { ok: false, message: `the branch ${branch} no longer exists` };
  const tipCommit = trimmed(tip);
  if (await isMerged(mainCheckout, tipCommit, head, host))
    return { ok: true, message: `${branch} is already merged into ${target}` };
  // Files the branch changes since it left the target, against the user's uncommitted ones.
  const base = await gitAt(host, mainCheckout, ['merge-base', head, tipCommit]);
  if (!base.ok) return { ok: false, message: `no common history with ${target}: ${base.message}` };
  const changed = await gitAt(host, mainCheckout, [
    'diff',
    '--name-only',
    '-z',
    '--no-renames',
    trimmed(base),
    tipCommit,
    '--',
  ]);
  if (!changed.ok) return { ok: false, message: changed.message };
  const dirty = await dirtyPaths(mainCheckout, host);
  if ('error' in dirty) return { ok: false, message: dirty.error };
  const dirtySet = new Set(dirty);
  const clash = changed.stdout.split('\0').filter((p) => p !== '' && dirtySet.has(p));
  if (clash.length > 0) {
    return {
      ok: false,
      message: `not merged: the main checkout has uncommitted changes in ${listOf(clash)}, which the task also changed; commit or stash them first`,
    };
  }
  const ff = await isMerged(mainCheckout, head, tipCommit, host);
  if (!ff) {
    // A dry run in memory: git merge-tree writes no files and touches no ref.
    const trial = await gitAt(
      host,
      mainCheckout,
      ['merge-tree', '--write-tree', '--name-only', '--no-messages', head, tipCommit],
      {
        okCodes: [1],
      },
    );
    if (!trial.ok) return { ok: false, message: `could not check the merge: ${trial.message}` };
    if (trial.exitCode === 1) {
      const files = trimmed(trial)
        .split('\n')
        .slice(1)
        .filter((l) => l !== '');
      return { ok: false, message: `not merged: it conflicts with ${target} in ${listOf(files)}; nothing was changed` };
    }
  }
  const id = await identityArgs(mainCheckout, host);
  const args = ff
    ? ['merge', '--ff-only', '--quiet', tipCommit]
    : ['merge', '--no-ff', '--no-edit', '--quiet', '-m', message, tipCommit];
  const m = await gitAt(host, mainCheckout, [...id, ...args]);
  if (!m.ok) {
    await gitAt(host, mainCheckout, ['merge', '--abort']);
    return { ok: false, message: `git merge failed: ${m.message}` };
  }
  return ff
    ? { ok: true, message: `fast-forwarded ${target} to ${branch}`, fastForward: true }
    : { ok: true, message: `merged ${branch} into ${target} with a merge commit`, fastForward: false };
}

function listOf(paths: string[]): string {
  const shown = paths.slice(0, 5).join(', ');
  return paths.length > 5 ? `${shown} and ${paths.length - 5} more` : shown;
}
