import { describe, expect, it } from 'vitest';
import { commitTask, discardTask, listWorktrees, mergeTask } from '../../src/tasks/worktree-landing.js';
import { runningRecord } from './record.fixture.js';

// A finished task that worked in a worktree on a host that is not (any more) in the config; its
// paths do not exist here. Landing on a reachable host is tested against the loopback sshd in
// test/tasks/remote/remote-landing.test.ts.
const remote = runningRecord({
  id: 7,
  name: 'api-fix',
  status: 'completed',
  host: 'gone',
  worktree: {
    repoRoot: '/srv/src/api',
    path: '/home/u/.voice-orch/.worktrees/api-7',
    branch: 'voice-orch/7-api-fix',
    baseCommit: 'a'.repeat(40),
  },
  runs: [{ runNo: 1, prompt: 'p', status: 'completed' }],
});

describe('landing a worktree on a host that cannot be reached', () => {
  it('merge, commit and discard refuse with the host named, never acting on this machine', async () => {
    for (const r of [await mergeTask(remote), await commitTask(remote), await discardTask(remote, true)]) {
      expect(r.ok).toBe(false);
      expect(r.message).toBe(
        'Task 7 (api-fix) worked on gone: there is no host gone in the config; nothing was changed.',
      );
    }
  });

  it('the worktree list names the host instead of calling its worktrees discarded', async () => {
    expect(await listWorktrees([remote])).toEqual({
      worktrees: [],
      unreachable: [{ host: 'gone', reason: 'unconfigured', taskIds: [7] }],
    });
  });
});
