// C on a finished worktree task: the confirm dialog holds the commit message in a one-line field
// the user edits with the shared line editor; Esc commits nothing, Enter commits the edited text
// (real git in a temp repository).
import { describe, expect, it } from 'vitest';
import { headCommit } from '../../src/tasks/git/repo.js';
import { addWorktree, taskBranch, taskWorktreePath } from '../../src/tasks/git/worktrees.js';
import { CONFIRM_GUARD_MS } from '../../src/commands/dispatch.js';
import { task } from '../commands/fakes.js';
import { makeRepo, sh, tempDir, write } from '../tasks/git/git-repo.fixture.js';
import { KEY, mount, tick } from './harness.js';

const CTRL_U = '\u0015';
const CTRL_A = '\u0001';

async function worktreeTask() {
  const repo = makeRepo({ 'README.md': 'hi\n' });
  const base = (await headCommit(repo)) as string;
  const made = await addWorktree(repo, taskWorktreePath(tempDir('vo-state-'), 7, 'docs'), taskBranch(7, 'docs'), base);
  if (!made.ok) throw new Error(made.message);
  const wt = { repoRoot: repo, path: made.value.path, branch: made.value.branch, baseCommit: base };
  write(wt.path, 'docs.md', 'new docs\n');
  const t = task({
    id: 7,
    name: 'docs',
    status: 'completed',
    projectDir: wt.path,
    resultText: 'Wrote the docs.\nMore detail.',
    worktree: wt,
  });
  return { wt, t };
}

async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await tick(50);
  }
}

describe('C: the commit dialog with an editable message', () => {
  it('shows the default message, edits it in place, Esc cancels and Enter commits the edited text', async () => {
    const { wt, t } = await worktreeTask();
    const head = sh(wt.path, 'rev-parse', 'HEAD');
    const app = await mount({ tasks: [t], columns: 110, rows: 30 });
    await app.press('C');
    expect(app.frame()).toContain("Commit task 7's work?");
    expect(app.frame()).toContain(`on ${wt.branch}`);
    // The task's name and the first line of its result.
    expect(app.frame()).toMatch(/› Message: docs: Wrote the docs\.▍/);
    expect(app.frame()).toContain('Enter commit');

    // y and n are text here, not answers.
    await app.press(CTRL_U, 'yes, ', 'n', 'ot this');
    expect(app.frame()).toMatch(/› Message: yes, not this/);
    app.later(CONFIRM_GUARD_MS);
    await app.press(KEY.esc);
    expect(app.frame()).not.toContain("Commit task 7's work?");
    expect(sh(wt.path, 'rev-parse', 'HEAD')).toBe(head);
    expect(sh(wt.path, 'status', '--porcelain')).toContain('docs.md');

    // Opened again, it starts from the default message; Ctrl+A and typing put words in front.
    await app.press('C');
    expect(app.frame()).toMatch(/› Message: docs: Wrote the docs\./);
    await app.press(CTRL_A, 'Edited: ');
    expect(app.frame()).toMatch(/› Message: Edited: docs: Wrote the docs\./);
    app.later(CONFIRM_GUARD_MS);
    await app.press(KEY.enter);
    await until(() => app.frame().includes('committed 1 file'), 'the commit notice');
    expect(app.frame()).not.toContain("Commit task 7's work?");
    expect(sh(wt.path, 'log', '-1', '--format=%B').trim()).toBe('Edited: docs: Wrote the docs.');
    app.unmount();
  });

  it('an emptied message is refused in the dialog, which stays open with the text line', async () => {
    const { wt, t } = await worktreeTask();
    const head = sh(wt.path, 'rev-parse', 'HEAD');
    const app = await mount({ tasks: [t], columns: 110, rows: 30 });
    await app.press('C', CTRL_U);
    app.later(CONFIRM_GUARD_MS);
    await app.press(KEY.enter);
    await until(() => app.frame().includes('commit message is empty'), 'the refusal');
    expect(app.frame()).toContain("Commit task 7's work?");
    expect(sh(wt.path, 'rev-parse', 'HEAD')).toBe(head);
    app.unmount();
  });
});
