import { describe, expect, it } from 'vitest';
import { commitTask, discardTask, listWorktrees, mergeTask } from '../../src/tasks/worktree-landing.js';
import { runningRecord } from './record.fixture.js';

// A finished task that worked in a worktree on a remote host; its paths do not exist here.
const remote = runningRecord({
  id: 7,
  name: 'api-fix',
  status: 'completed',
  host: 'build',
  worktree: {
    repoRoot: '/srv/src/api',
    path: '/home/u/.voice-orch/.worktrees/api-7',
    branch: 'voice-orch/7-api-fix',
    baseCommit: 'a'.repeat(40),
  },
  runs: [{ runNo: 1, prompt: 'p', status: 'completed' }],
});

describe('landing a remote worktree', () => {
  it('merge, commit and discard refuse with the host and branch named, and report nothing as done', async () => {
    for (const r of [await mergeTask(remote), await commitTask(remote), await discardTask(remote, true)]) {
      expect(r.ok).toBe(false);
      expect(r.message).toContain('worked on build');
      expect(r.message).toContain('voice-orch/7-api-fix');
    }
  });

  it('the worktree list leaves remote worktrees out instead of calling them discarded', async () => {
    expect(await listWorktrees([remote])).toEqual([]);
  });
});
