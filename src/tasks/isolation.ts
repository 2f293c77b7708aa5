/**
 * Where a new task works: in place, or in a git worktree of its own on a new branch
 * `voice-orch/<id>-<name>` made from its repository's HEAD. With `auto`, a task whose folder is in
 * a git repository whose main checkout already has a live task gets a worktree (so it runs at once
 * instead of waiting behind that task); otherwise it works in place. A folder outside any git
 * repository, or inside one of voice-orch's own worktrees, always works in place. The task's
 * sub-folder of the repository is kept inside the worktree.
 *
 * Worktrees live under `<state dir>/worktrees/`, outside the user's checkout, so its `git status`
 * does not change. They are voice-orch's own folders: allowed as task folders even when that is
 * outside the project roots.
 */
import { realpathSync } from 'node:fs';
import { mkdir, realpath } from 'node:fs/promises';
import { isAbsolute, join, sep } from 'node:path';
import { headCommit, repoOf } from './git/repo.js';
import { addWorktree, taskBranch, taskWorktreePath, worktreeRoot } from './git/worktrees.js';
import { dirsOverlap, resolveProjectDir } from './project-dirs.js';
import { isLive, type ActionResult, type SpawnOptions, type TaskRecord, type TaskWorktree } from './types.js';

export type { IsolationMode } from '../shared/settings-values.js';

/** Where a spawn was placed: the folder its runs use, and its worktree when it has one. */
export interface Placement {
  projectDir: string;
  worktree?: TaskWorktree;
  /** The configured remote host it runs on (set by task-placement.ts; its worktree, if any, is on that host). */
  host?: string;
}

/** What {@link placeTask} reads of the task engine. */
export interface PlaceContext {
  stateDir: string;
  /** The allowed project roots. */
  roots(): string[];
  /** The tasks now (read after the checks that wait, so the decision sees the latest ones). */
  list(): Iterable<TaskRecord>;
}

/** The folder holding voice-orch's worktrees, symlinks resolved when it exists. */
export function managedRoot(stateDir: string): string {
  const root = worktreeRoot(stateDir);
  try {
    return realpathSync(root);
  } catch {
    return root;
  }
}

/** The allowed roots plus voice-orch's worktree folder (a task folder is re-checked against them). */
export function rootsWithWorktrees(roots: string[], stateDir: string): string[] {
  return [...roots, managedRoot(stateDir)];
}

/**
 * Resolves spawn `opts`'s folder and decides whether task `id` named `name` gets a worktree
 * (`opts.isolation`, `auto` when unset); makes it if so.
 */
export async function placeTask(
  m: PlaceContext,
  opts: Pick<SpawnOptions, 'projectDir' | 'isolation'>,
  id: number,
  name: string,
): Promise<ActionResult<Placement>> {
  const req = { mode: opts.isolation ?? 'auto', stateDir: m.stateDir };
  const dir = await resolveTaskDir(opts.projectDir, m.roots(), req.stateDir);
  if (!dir.ok) return dir;
  if (req.mode === 'in_place' || isInside(dir.value, managedRoot(req.stateDir)))
    return { ok: true, value: { projectDir: dir.value } };
  const repo = await repoOf(dir.value);
  if (repo === undefined) return { ok: true, value: { projectDir: dir.value } };
  const base = await headCommit(repo.root);
  if (base === undefined) {
    if (req.mode === 'worktree')
      return {
        ok: false,
        message: `${repo.root} has no commit yet, so a task there cannot have a worktree of its own.`,
      };
    return { ok: true, value: { projectDir: dir.value } };
  }
  if (req.mode === 'auto' && !hasLiveTaskIn(m.list(), repo.root)) return { ok: true, value: { projectDir: dir.value } };
  await mkdir(worktreeRoot(req.stateDir), { recursive: true, mode: 0o700 }).catch(() => undefined);
  const made = await addWorktree(repo.root, taskWorktreePath(req.stateDir, id, name), taskBranch(id, name), base);
  if (!made.ok) return made;
  const path = await realpath(made.value.path).catch(() => made.value.path);
  const worktree: TaskWorktree = { repoRoot: repo.root, path, branch: made.value.branch, baseCommit: base };
  return { ok: true, value: { projectDir: repo.prefix === '' ? path : join(path, repo.prefix), worktree } };
}

/** A live task works in the main checkout at `repoRoot` (tasks in worktrees have their own). */
function hasLiveTaskIn(tasks: Iterable<TaskRecord>, repoRoot: string): boolean {
  for (const t of tasks)
    if (isLive(t.status) && t.worktree === undefined && dirsOverlap(t.projectDir, repoRoot)) return true;
  return false;
}

/** The folder against the roots; an absolute path inside voice-orch's worktrees is allowed too. */
async function resolveTaskDir(input: string, roots: string[], stateDir: string): Promise<ActionResult<string>> {
  const dir = await resolveProjectDir(input, roots);
  if (dir.ok || !isAbsolute(input.trim())) return dir;
  const managed = await resolveProjectDir(input, [managedRoot(stateDir)]);
  return managed.ok ? managed : dir;
}

function isInside(p: string, root: string): boolean {
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
}
