// What `v` says about a worktree task whose worktree is gone, read from git like the worktree list:
// discarded with X (folder and branch removed) or its folder deleted by hand (branch kept).
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIRM_GUARD_MS, createDispatcher, dispatchCommand } from '../../src/commands/dispatch.js';
import type { CommandContext } from '../../src/commands/types.js';
import { createInitialState, reducer } from '../../src/state/reducer.js';
import { createStore } from '../../src/state/store.js';
import { headCommit } from '../../src/tasks/git/repo.js';
import { addWorktree, taskBranch, taskWorktreePath } from '../../src/tasks/git/worktrees.js';
import { makeRepo, tempDir } from '../tasks/git/git-repo.fixture.js';
import { FakePtt, FakeTasks, T0, task } from './fakes.js';

async function setup() {
  const repo = makeRepo();
  const base = (await headCommit(repo)) as string;
  const made = await addWorktree(repo, taskWorktreePath(tempDir('vo-state-'), 7, 'gone'), taskBranch(7, 'gone'), base);
  if (!made.ok) throw new Error(made.message);
  const wt = { repoRoot: repo, path: made.value.path, branch: made.value.branch, baseCommit: base };
  const t = task({ id: 7, name: 'gone', status: 'completed', projectDir: wt.path, worktree: wt });
  const store = createStore(reducer, createInitialState({ tasks: [t], pttMode: new FakePtt().mode() }), { sync: true });
  let time = T0;
  const ctx: CommandContext = { tasks: new FakeTasks([t]), store, quit: () => undefined, now: () => time };
  store.dispatch({ type: 'select/set', taskId: 7 });
  return { wt, ctx, later: () => (time += CONFIRM_GUARD_MS), d: createDispatcher(ctx) };
}

describe('a worktree task whose worktree is gone', () => {
  it('after X: v says it was discarded, and the list says discarded', async () => {
    const { ctx, later, d } = await setup();
    await d.press('discard_task');
    later();
    expect((await d.answerConfirm('y'))?.say).toMatch(/removed the worktree/);
    const v = await d.press('view_diff');
    expect(v.ok).toBe(false);
    expect(v.say).toBe('Task 7 (gone): its worktree and its branch voice-orch/7-gone were discarded.');
    expect((await dispatchCommand(ctx, 'list_worktrees', {}, 'voice')).say).toContain('voice-orch/7-gone, discarded');
  });

  it('deleted by hand: v says the folder is gone and the branch kept', async () => {
    const { wt, d } = await setup();
    rmSync(wt.path, { recursive: true, force: true });
    const v = await d.press('view_diff');
    expect(v.say).toBe(
      `Task 7 (gone): its worktree ${wt.path} no longer exists (its branch voice-orch/7-gone is kept).`,
    );
  });
});
