/**
 * Isolation for a task on a host, as placeTask (isolation.ts) decides it locally: `in_place`, or a
 * git worktree of its own on a new branch `voice-orch/<id>-<name>` from the repository's HEAD —
 * with `worktree` always (when the folder is in a repository with a commit), with `auto` when
 * another live task on the same host works in that repository's main checkout. Every git call
 * runs on the host (git-host.ts); the worktree goes in `<host state folder>/.worktrees/`. The
 * task's sub-folder of the repository is kept inside the worktree.
 */
import { posix } from 'node:path';
import { gitHost } from '../git/git-host.js';
import { headCommit, repoOf } from '../git/repo.js';
import { addWorktree, slug, taskBranch } from '../git/worktrees.js';
import type { Placement, PlaceContext } from '../isolation.js';
import { dirsOverlap } from '../project-dirs.js';
import { isLive, type ActionResult, type SpawnOptions, type TaskWorktree } from '../types.js';

/** Decides (and makes) the worktree of task `id` named `name` in folder `dir` on `host`. */
export async function placeOnHost(
  ctx: Pick<PlaceContext, 'list'>,
  opts: Pick<SpawnOptions, 'isolation'>,
  id: number,
  name: string,
  dir: string,
  host: string,
): Promise<ActionResult<Placement>> {
  const inPlace: ActionResult<Placement> = { ok: true, value: { projectDir: dir, host } };
  const mode = opts.isolation ?? 'auto';
  if (mode === 'in_place') return inPlace;
  // Nothing else runs in place on that host: `auto` needs no look at the host at all.
  if (mode === 'auto' && !liveTaskIn(ctx, host, '/')) return inPlace;
  const h = gitHost(host);
  if (!h) return mode === 'worktree' ? { ok: false, message: `there is no host ${host} in the config` } : inPlace;
  const root = await h.worktreeRoot();
  // A folder in voice-orch's own worktrees on the host is used as it is.
  if (root.ok && (dir === root.value || dir.startsWith(`${root.value}/`))) return inPlace;
  const repo = await repoOf(dir, host);
  if (repo === undefined) return inPlace;
  const base = await headCommit(repo.root, host);
  if (base === undefined) {
    if (mode === 'worktree')
      return {
        ok: false,
        message: `${repo.root} on ${host} has no commit yet, so a task there cannot have a worktree of its own.`,
      };
    return inPlace;
  }
  if (mode === 'auto' && !liveTaskIn(ctx, host, repo.root)) return inPlace;
  if (!root.ok) return root;
  const path = posix.join(root.value, `${id}-${slug(name)}`);
  const made = await addWorktree(repo.root, path, taskBranch(id, name), base, host);
  if (!made.ok) return made;
  const worktree: TaskWorktree = { repoRoot: repo.root, path, branch: made.value.branch, baseCommit: base };
  return {
    ok: true,
    value: { projectDir: repo.prefix === '' ? path : posix.join(path, repo.prefix), worktree, host },
  };
}

/** A live task on `host` works in the main checkout at `repoRoot`. */
function liveTaskIn(ctx: Pick<PlaceContext, 'list'>, host: string, repoRoot: string): boolean {
  for (const t of ctx.list())
    if (t.host === host && isLive(t.status) && t.worktree === undefined && dirsOverlap(t.projectDir, repoRoot))
      return true;
  return false;
}
