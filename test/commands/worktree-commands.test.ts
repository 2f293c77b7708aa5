// Landing a worktree task's work by key and by voice, with real git: the voice tools only open the
// confirm dialog; the key answers it. Discarding work that is not merged asks a second time.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIRM_GUARD_MS, createDispatcher, dispatchCommand } from '../../src/commands/dispatch.js';
import type { CommandContext } from '../../src/commands/types.js';
import { createInitialState, reducer } from '../../src/state/reducer.js';
import { createStore } from '../../src/state/store.js';
import { headCommit } from '../../src/tasks/git/repo.js';
import { addWorktree, taskBranch, taskWorktreePath } from '../../src/tasks/git/worktrees.js';
import type { TaskRecord } from '../../src/tasks/types.js';
import { makeRepo, sh, tempDir, write } from '../tasks/git/git-repo.fixture.js';
import { FakePtt, FakeTasks, T0, task } from './fakes.js';

async function setup(files: Record<string, string> = { 'README.md': 'hi\n' }) {
  const repo = makeRepo(files);
  const state = tempDir('vo-state-');
  const base = (await headCommit(repo)) as string;
  const made = await addWorktree(repo, taskWorktreePath(state, 5, 'feature'), taskBranch(5, 'feature'), base);
  if (!made.ok) throw new Error(made.message);
  const wt = { repoRoot: repo, path: made.value.path, branch: made.value.branch, baseCommit: base };
  const t: TaskRecord = task({
    id: 5,
    name: 'feature',
    status: 'completed',
    projectDir: wt.path,
    resultText: 'Added the feature file.',
    worktree: wt,
    changes: { files: [{ path: 'feature.txt', added: 1, removed: 0 }], added: 1, removed: 0 },
  });
  const tasks = new FakeTasks([t]);
  const store = createStore(reducer, createInitialState({ tasks: [t], pttMode: new FakePtt().mode() }), { sync: true });
  let time = T0 + 65_000;
  const later = () => {
    time += CONFIRM_GUARD_MS;
  };
  const ctx: CommandContext = { tasks, store, quit: () => undefined, now: () => time };
  store.dispatch({ type: 'select/set', taskId: 5 });
  return { repo, wt, store, ctx, later, d: createDispatcher(ctx) };
}

describe('landing a worktree task', () => {
  it('merge_task by voice only opens the dialog; y by key merges (fast-forward)', async () => {
    const { repo, wt, store, ctx, later, d } = await setup();
    write(wt.path, 'feature.txt', 'f\n');
    const r = await dispatchCommand(ctx, 'merge_task', { task: 5 }, 'voice');
    expect(r.ok).toBe(true);
    expect(r.say).toMatch(/press y/);
    const o = store.getState().overlay;
    expect(o?.kind === 'confirm' && o.request.title).toBe('Merge task 5 "feature"?');
    expect(o?.kind === 'confirm' && o.request.detail).toContain(wt.branch);
    expect(existsSync(join(repo, 'feature.txt'))).toBe(false);
    later();
    const done = await d.answerConfirm('y');
    expect(done?.say).toMatch(/fast-forwarded main/);
    expect(existsSync(join(repo, 'feature.txt'))).toBe(true);
    expect(sh(repo, 'log', '-1', '--format=%s').trim()).toBe('feature: Added the feature file.');
    expect(sh(repo, 'status', '--porcelain')).toBe('');
  });

  it('a conflicting merge is refused with the reason and changes nothing', async () => {
    const { repo, wt, later, d } = await setup({ 'a.txt': 'one\n' });
    write(wt.path, 'a.txt', 'task\n');
    write(repo, 'a.txt', 'user\n');
    sh(repo, 'commit', '--quiet', '-am', 'user edit');
    const head = sh(repo, 'rev-parse', 'HEAD');
    await d.press('merge_task');
    later();
    const r = await d.answerConfirm('y');
    expect(r?.ok).toBe(false);
    expect(r?.say).toMatch(/conflicts with main in a\.txt/);
    expect(sh(repo, 'rev-parse', 'HEAD')).toBe(head);
  });

  it('discard asks a second time when the worktree holds unmerged work, then removes worktree and branch', async () => {
    const { repo, wt, store, later, d } = await setup();
    write(wt.path, 'feature.txt', 'f\n');
    await d.press('discard_task');
    later();
    const first = await d.answerConfirm('y');
    expect(first?.say).toMatch(/1 uncommitted file/);
    const o = store.getState().overlay;
    expect(o?.kind === 'confirm' && o.request.title).toBe("Really discard task 5's work?");
    expect(existsSync(wt.path)).toBe(true);
    later();
    const r = await d.answerConfirm('y');
    expect(r?.say).toMatch(/removed the worktree/);
    expect(existsSync(wt.path)).toBe(false);
    expect(sh(repo, 'branch', '--list', wt.branch).trim()).toBe('');
  });

  it('discard_task by voice only opens the dialog; nothing is deleted until y by key', async () => {
    const { repo, wt, store, ctx, later, d } = await setup();
    const r = await dispatchCommand(ctx, 'discard_task', { task: 5 }, 'voice');
    expect(r.ok).toBe(true);
    expect(r.say).toMatch(/press y/);
    const o = store.getState().overlay;
    expect(o?.kind === 'confirm' && o.request.title).toBe('Discard task 5 "feature"?');
    expect(existsSync(wt.path)).toBe(true);
    expect(sh(repo, 'branch', '--list', wt.branch)).toContain(wt.branch);
    later();
    expect((await d.answerConfirm('y'))?.say).toMatch(/removed the worktree and the branch/);
    expect(existsSync(wt.path)).toBe(false);
  });

  it('v on an in-place task shows the files it touched against HEAD, not the user’s other edits', async () => {
    const repo = makeRepo({ 'a.txt': 'one\n', 'b.txt': 'two\n' });
    write(repo, 'a.txt', 'one\nmore\n');
    write(repo, 'b.txt', 'the user edits this\n');
    write(repo, 'new.txt', 'made by the agent\n');
    const t = task({
      id: 3,
      name: 'inplace',
      status: 'completed',
      projectDir: repo,
      filesTouched: ['a.txt', 'new.txt'],
    });
    const store = createStore(reducer, createInitialState({ tasks: [t], pttMode: new FakePtt().mode() }), {
      sync: true,
    });
    const d = createDispatcher({ tasks: new FakeTasks([t]), store, quit: () => undefined, now: () => T0 });
    store.dispatch({ type: 'select/set', taskId: 3 });
    expect((await d.press('view_diff')).ok).toBe(true);
    const o = store.getState().overlay;
    if (o?.kind !== 'diff') throw new Error('no diff view');
    expect(o.title).toContain('(files it touched, against HEAD)');
    expect(o.lines).toContain('+more');
    expect(o.lines).toContain('+++ b/new.txt');
    expect(o.lines.join('\n')).not.toContain('b.txt');
  });

  it('show_changes gives the model the files and counts, paths fenced', async () => {
    const { ctx } = await setup();
    const r = await dispatchCommand(ctx, 'show_changes', { task: 5 }, 'voice');
    expect(r.say).toContain('changed 1 file, +1 \u22120 in its own branch voice-orch/5-feature');
    expect(r.say).toMatch(/<task_output task="5" untrusted="true">\nfeature\.txt \+1 -0\n<\/task_output>/);
  });

  it('list_worktrees reports a worktree deleted by hand', async () => {
    const { wt, ctx } = await setup();
    const { rmSync } = await import('node:fs');
    rmSync(wt.path, { recursive: true, force: true });
    const r = await dispatchCommand(ctx, 'list_worktrees', {}, 'voice');
    expect(r.say).toContain('voice-orch/5-feature, missing');
    expect(r.say).toMatch(/deleted by hand/);
  });

  it('v opens the diff view (committed, uncommitted and untracked), scrolls it, Esc closes it', async () => {
    const { store, wt, d } = await setup({ 'a.txt': 'one\n' });
    write(wt.path, 'a.txt', 'two\n');
    write(wt.path, 'new/b.txt', 'b\n');
    const shown = await d.press('view_diff');
    expect(shown.say).toBe('Showing the changes of feature.');
    const o = store.getState().overlay;
    if (o?.kind !== 'diff') throw new Error('no diff view');
    expect(o.title).toContain('on voice-orch/5-feature');
    expect(o.lines).toContain('-one');
    expect(o.lines).toContain('+two');
    expect(o.lines).toContain('+++ b/new/b.txt');
    await d.press('diff_down');
    expect(store.getState().overlay).toMatchObject({ kind: 'diff', scroll: 1 });
    await d.press('diff_end');
    expect(store.getState().overlay).toMatchObject({ scroll: o.lines.length - 1 });
    await d.press('diff_close');
    expect(store.getState().overlay).toBeNull();
  });
});

describe('C: commit with a message the user edits', () => {
  /** The commit form C opened, or a failure. */
  function commitForm(store: Awaited<ReturnType<typeof setup>>['store']) {
    const o = store.getState().overlay;
    if (o?.kind !== 'form' || o.form.kind !== 'commit-message') throw new Error('no commit form');
    return o.form;
  }
  /** Replaces the message in the open form, as Ctrl+U and typing do. */
  function retype(d: Awaited<ReturnType<typeof setup>>['d'], text: string) {
    d.formKey({ name: 'end' });
    d.formKey({ name: 'delete-to-start' });
    if (text) d.formKey({ name: 'text', text });
  }

  it('C opens the dialog pre-filled; the edited message is the commit message (real git)', async () => {
    const { wt, store, later, d } = await setup();
    write(wt.path, 'feature.txt', 'f\n');
    const opened = await d.press('commit_task');
    expect(opened.ok).toBe(true);
    const form = commitForm(store);
    expect(form.title).toBe("Commit task 5's work?");
    expect(form.detail).toContain(wt.branch);
    expect(form.fields[0]?.value).toBe('feature: Added the feature file.');
    retype(d, 'Add the feature file, edited');
    later();
    const r = await d.submitForm();
    expect(r?.ok).toBe(true);
    expect(r?.say).toMatch(/committed 1 file on voice-orch\/5-feature/);
    expect(store.getState().overlay).toBeNull();
    expect(sh(wt.path, 'log', '-1', '--format=%B').trim()).toBe('Add the feature file, edited');
    expect(sh(wt.path, 'status', '--porcelain')).toBe('');
  });

  it('a message that looks like an option is a message: --amend makes a new commit', async () => {
    const { wt, later, d } = await setup();
    const before = sh(wt.path, 'rev-parse', 'HEAD').trim();
    write(wt.path, 'feature.txt', 'f\n');
    await d.press('commit_task');
    retype(d, '--amend');
    later();
    expect((await d.submitForm())?.ok).toBe(true);
    expect(sh(wt.path, 'log', '-1', '--format=%B').trim()).toBe('--amend');
    expect(sh(wt.path, 'rev-parse', 'HEAD~1').trim()).toBe(before);
  });

  it('control sequences and line breaks are taken out of the message before git sees it', async () => {
    const { wt, ctx } = await setup();
    write(wt.path, 'feature.txt', 'f\n');
    const message = 'first\u001b[31m red\u0007\nsecond\rline';
    const r = await dispatchCommand(ctx, 'commit_task', { task: 5, message }, 'key');
    expect(r.ok).toBe(true);
    expect(sh(wt.path, 'log', '-1', '--format=%B').trim()).toBe('first red second line');
  });

  it('an empty message is refused with a clear line and commits nothing; Esc commits nothing', async () => {
    const { wt, store, later, d } = await setup();
    write(wt.path, 'feature.txt', 'f\n');
    const head = sh(wt.path, 'rev-parse', 'HEAD');
    await d.press('commit_task');
    retype(d, '   ');
    later();
    const r = await d.submitForm();
    expect(r?.ok).toBe(false);
    expect(commitForm(store).error).toBe(
      'Not committed: the commit message is empty; type one, or press Esc to commit nothing',
    );
    d.close();
    expect(store.getState().overlay).toBeNull();
    expect(sh(wt.path, 'rev-parse', 'HEAD')).toBe(head);
    expect(sh(wt.path, 'status', '--porcelain')).toContain('feature.txt');
  });

  it('C on a task that worked on a remote host opens the same dialog, naming the host; a host not reachable commits nothing', async () => {
    const wt = { repoRoot: '/srv/api', path: '/srv/wt/9-far', branch: 'voice-orch/9-far', baseCommit: 'a'.repeat(40) };
    const t = task({ id: 9, name: 'far', status: 'completed', projectDir: wt.path, worktree: wt, host: 'box' });
    const store = createStore(reducer, createInitialState({ tasks: [t], pttMode: new FakePtt().mode() }), {
      sync: true,
    });
    let now = T0;
    const d = createDispatcher({ tasks: new FakeTasks([t]), store, quit: () => undefined, now: () => now });
    store.dispatch({ type: 'select/set', taskId: 9 });
    await d.press('commit_task');
    expect(commitForm(store).detail).toBe(
      'Commits everything uncommitted in /srv/wt/9-far on box on voice-orch/9-far, with this message.',
    );
    now += CONFIRM_GUARD_MS;
    const r = await d.submitForm();
    expect(r?.ok).toBe(false);
    // "box" is in no config here: git there cannot run, and nothing runs here instead.
    expect(commitForm(store).error).toMatch(/worked on box: there is no host box in the config; nothing was changed/);
  });

  it('an Enter that runs on from the C that opened the dialog commits nothing', async () => {
    const { wt, store, later, d } = await setup();
    write(wt.path, 'feature.txt', 'f\n');
    const head = sh(wt.path, 'rev-parse', 'HEAD');
    await d.press('commit_task');
    expect(await d.submitForm()).toBeUndefined();
    expect(sh(wt.path, 'rev-parse', 'HEAD')).toBe(head);
    later();
    expect((await d.submitForm())?.ok).toBe(true);
    expect(store.getState().overlay).toBeNull();
  });
});
