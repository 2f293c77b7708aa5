// The project column of the task table: a worktree task shows the repository it works on (here or
// on its host), never voice-orch's worktree folder.
import { describe, expect, it } from 'vitest';
import { columnsFor } from '../../src/components/TaskTable.js';
import { projectName } from '../../src/components/project-name.js';
import { task } from '../commands/fakes.js';

const worktree = (path: string, repoRoot: string) => ({
  repoRoot,
  path,
  branch: 'voice-orch/1-notes',
  baseCommit: 'a'.repeat(40),
});

describe('the project column', () => {
  const remote = task({
    id: 1,
    name: 'notes',
    host: 'build',
    projectDir: '/home/u/.voice-orch/.worktrees/1-notes',
    worktree: worktree('/home/u/.voice-orch/.worktrees/1-notes', '/srv/src/api'),
  });

  it('a worktree task on a host shows host:project, not its worktree folder', () => {
    expect(projectName(remote)).toBe('build:api');
    const col = columnsFor(120).find((c) => c.key === 'project');
    expect(col?.cell(remote, 0, 0)).toBe('build:api');
  });

  it('a local worktree task shows its repository, and a sub-folder of it as in place', () => {
    const wt = worktree('/home/u/.local/state/voice-orch/worktrees/2-fix', '/home/u/src/web');
    expect(projectName(task({ id: 2, name: 'fix', projectDir: wt.path, worktree: wt }))).toBe('web');
    expect(projectName(task({ id: 2, name: 'fix', projectDir: `${wt.path}/packages/ui`, worktree: wt }))).toBe('ui');
  });

  it('a task in place shows the last folder of where it works, after its host', () => {
    expect(projectName(task({ id: 3, name: 'x', projectDir: '/home/u/src/api/' }))).toBe('api');
    expect(projectName(task({ id: 3, name: 'x', projectDir: '/srv/src/app', host: 'build' }))).toBe('build:app');
  });
});
