import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changeDiff, changeLine, changeSummary } from '../../../src/tasks/git/changes.js';
import { commitAll, mergeBranch } from '../../../src/tasks/git/landing.js';
import { dirtyPaths, headCommit, repoOf } from '../../../src/tasks/git/repo.js';
import { addWorktree, removeWorktree, slug, taskBranch, taskWorktreePath } from '../../../src/tasks/git/worktrees.js';
import { makeRepo, sh, tempDir, write } from './git-repo.fixture.js';

async function worktreeOf(repo: string, id = 1, name = 'fix login') {
  const state = tempDir('vo-state-');
  const base = (await headCommit(repo)) as string;
  const made = await addWorktree(repo, taskWorktreePath(state, id, name), taskBranch(id, name), base);
  if (!made.ok) throw new Error(made.message);
  return made.value;
}

describe('git repository facts', () => {
  it('finds the top of a repository from a sub-folder, and nothing outside one', async () => {
    const repo = makeRepo({ 'packages/api/index.ts': 'x\n' });
    const info = await repoOf(join(repo, 'packages/api'));
    expect(info?.root).toBe(repo);
    expect(info?.prefix).toBe('packages/api');
    expect(await repoOf(tempDir())).toBeUndefined();
  });

  it('names branches voice-orch/<id>-<slug>', () => {
    expect(taskBranch(7, 'Fix the Login!')).toBe('voice-orch/7-fix-the-login');
    expect(slug('--')).toBe('task');
  });
});

describe('task worktrees', () => {
  it('makes a worktree on a new branch from HEAD without changing the main checkout status', async () => {
    const repo = makeRepo();
    const before = sh(repo, 'status', '--porcelain');
    const wt = await worktreeOf(repo);
    expect(existsSync(join(wt.path, 'README.md'))).toBe(true);
    expect(sh(wt.path, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('voice-orch/1-fix-login');
    write(wt.path, 'new.txt', 'a\nb\n');
    expect(sh(repo, 'status', '--porcelain')).toBe(before);
  });

  it('counts committed, uncommitted and untracked changes against the base commit', async () => {
    const repo = makeRepo({ 'a.txt': '1\n2\n3\n', 'b.txt': 'x\n' });
    const wt = await worktreeOf(repo);
    write(wt.path, 'a.txt', '1\nTWO\n3\n4\n');
    sh(wt.path, 'commit', '--quiet', '-am', 'edit a');
    write(wt.path, 'b.txt', '');
    write(wt.path, 'dir/c.txt', 'c1\nc2\n');
    const s = await changeSummary({ checkout: wt.path, base: wt.baseCommit });
    if ('error' in s) throw new Error(s.error);
    expect(s.files).toEqual([
      { path: 'a.txt', added: 2, removed: 1 },
      { path: 'b.txt', added: 0, removed: 1 },
      { path: 'dir/c.txt', added: 2, removed: 0, untracked: true },
    ]);
    expect(changeLine(s)).toBe('3 files, +4 \u22122');
    const diff = await changeDiff({ checkout: wt.path, base: wt.baseCommit });
    expect(diff).toContain('+TWO');
    expect(diff).toContain('+++ b/dir/c.txt');
  });

  it('counts only the given paths for an in-place task, against HEAD', async () => {
    const repo = makeRepo({ 'a.txt': '1\n', 'b.txt': '2\n' });
    write(repo, 'a.txt', '1\nmore\n');
    write(repo, 'b.txt', 'user edit\n');
    write(repo, 'new.txt', 'n\n');
    const head = (await headCommit(repo)) as string;
    const s = await changeSummary({
      checkout: repo,
      base: head,
      paths: [join(repo, 'a.txt'), join(repo, 'new.txt'), '/etc/passwd'],
    });
    if ('error' in s) throw new Error(s.error);
    expect(s.files.map((f) => f.path)).toEqual(['a.txt', 'new.txt']);
    expect(changeLine(s)).toBe('2 files, +2 \u22120');
  });

  it('removes a worktree and its branch, and refuses unmerged work without force', async () => {
    const repo = makeRepo();
    const wt = await worktreeOf(repo);
    write(wt.path, 'x.txt', 'x\n');
    expect((await removeWorktree(repo, wt.path, wt.branch, false)).ok).toBe(false);
    expect(existsSync(wt.path)).toBe(true);
    expect((await commitAll(wt.path, 'x')).ok).toBe(true);
    const refused = await removeWorktree(repo, wt.path, wt.branch, false);
    expect(refused.ok).toBe(false);
    expect((await removeWorktree(repo, wt.path, wt.branch, true)).ok).toBe(true);
    expect(existsSync(wt.path)).toBe(false);
    expect(sh(repo, 'branch', '--list', 'voice-orch/*').trim()).toBe('');
  });

  it('removes a worktree whose folder was deleted by hand', async () => {
    const repo = makeRepo();
    const wt = await worktreeOf(repo);
    sh(repo, 'worktree', 'list');
    const { rmSync } = await import('node:fs');
    rmSync(wt.path, { recursive: true, force: true });
    expect(await removeWorktree(repo, wt.path, wt.branch, true)).toEqual({ ok: true });
    expect(sh(repo, 'worktree', 'list').trim().split('\n')).toHaveLength(1);
  });
});

describe('landing a task branch', () => {
  it('fast-forwards the main branch when it has not moved', async () => {
    const repo = makeRepo();
    const wt = await worktreeOf(repo);
    write(wt.path, 'feature.txt', 'f\n');
    expect(await commitAll(wt.path, 'fix login')).toEqual({ ok: true, message: 'committed 1 file' });
    const r = await mergeBranch(repo, wt.branch, 'Merge fix login');
    expect(r).toMatchObject({ ok: true, fastForward: true });
    expect(existsSync(join(repo, 'feature.txt'))).toBe(true);
    expect(sh(repo, 'status', '--porcelain')).toBe('');
  });

  it('makes a merge commit when the main branch moved on', async () => {
    const repo = makeRepo();
    const wt = await worktreeOf(repo);
    write(wt.path, 'feature.txt', 'f\n');
    await commitAll(wt.path, 'fix login');
    write(repo, 'other.txt', 'o\n');
    sh(repo, 'add', '-A');
    sh(repo, 'commit', '--quiet', '-m', 'user work');
    const r = await mergeBranch(repo, wt.branch, 'Merge fix login');
    expect(r).toMatchObject({ ok: true, fastForward: false });
    expect(sh(repo, 'log', '-1', '--format=%p').trim().split(' ')).toHaveLength(2);
    expect(sh(repo, 'log', '-1', '--format=%s')).toContain('Merge fix login');
  });

  it('refuses a conflicting merge and changes nothing', async () => {
    const repo = makeRepo({ 'a.txt': 'one\n' });
    const wt = await worktreeOf(repo);
    write(wt.path, 'a.txt', 'task\n');
    await commitAll(wt.path, 'task edit');
    write(repo, 'a.txt', 'user\n');
    sh(repo, 'commit', '--quiet', '-am', 'user edit');
    const head = sh(repo, 'rev-parse', 'HEAD');
    const r = await mergeBranch(repo, wt.branch, 'Merge');
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/conflicts with main in a\.txt/);
    expect(sh(repo, 'rev-parse', 'HEAD')).toBe(head);
    expect(sh(repo, 'status', '--porcelain')).toBe('');
  });

  it('refuses when the main checkout has uncommitted changes in the same files', async () => {
    const repo = makeRepo({ 'a.txt': 'one\n' });
    const wt = await worktreeOf(repo);
    write(wt.path, 'a.txt', 'task\n');
    await commitAll(wt.path, 'task edit');
    write(repo, 'a.txt', 'user dirty\n');
    const head = sh(repo, 'rev-parse', 'HEAD');
    const r = await mergeBranch(repo, wt.branch, 'Merge');
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/uncommitted changes in a\.txt/);
    expect(sh(repo, 'rev-parse', 'HEAD')).toBe(head);
    expect(await dirtyPaths(repo)).toEqual(['a.txt']);
  });

  it('fails with the reason git gave', async () => {
    const r = await mergeBranch(tempDir(), 'voice-orch/1-x', 'm');
    expect(r.ok).toBe(false);
  });
});
