/**
 * The project column's word for a task: the last folder of where it works, after its host
 * (`build:api`). A worktree task works in voice-orch's own copy (`…/worktrees/<id>-<name>`, here or
 * on its host), whose folder name says nothing about the project: its project is the repository the
 * worktree was made from, with the same sub-folder, so it reads like a task working in place there.
 */
import type { TaskRecord } from '../tasks/types.js';

/** `host:` and the last folder of the task's project (a worktree task's repository, not its worktree). */
export function projectName(t: Pick<TaskRecord, 'projectDir' | 'worktree' | 'host'>): string {
  const wt = t.worktree;
  let dir = t.projectDir;
  if (wt && (dir === wt.path || dir.startsWith(`${wt.path}/`))) dir = wt.repoRoot + dir.slice(wt.path.length);
  const parts = dir.split('/').filter(Boolean);
  return (t.host !== undefined ? `${t.host}:` : '') + (parts[parts.length - 1] ?? dir);
}
