// Landing a worktree task that worked on a host: C, M and X run git on the "host" through the real
// loopback sshd (the host is this machine, so its repository is a temp folder we can inspect), with
// the same refusals as locally. A spy around the host's git records which calls went over ssh.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registerGitHost } from '../../../src/tasks/git/git-host.js';
import { addWorktree } from '../../../src/tasks/git/worktrees.js';
import { sshGitHost } from '../../../src/tasks/remote/remote-git.js';
import type { TaskRecord } from '../../../src/tasks/types.js';
import { commitTask, discardTask, mergeTask } from '../../../src/tasks/worktree-landing.js';
import { startLoopbackSshd, TEST_HOST_ALIAS, type LoopbackSshd } from '../../helpers/loopback-sshd.js';
import { runningRecord } from '../record.fixture.js';

let sshd: LoopbackSshd;
let root: string;
let onHost: string[];
let unregister: () => void;

beforeAll(async () => {
  sshd = await startLoopbackSshd();
  root = mkdtempSync(join(tmpdir(), 'voh-land-'));
  const controlDir = join(root, 'ctl');
  mkdirSync(controlDir, { mode: 0o700 });
  const real = sshGitHost(
    'build',
    { destination: TEST_HOST_ALIAS, configFile: sshd.sshConfigFile, controlPersistSeconds: 5, controlDir },
    join(root, '.remote-state'),
  );
  onHost = [];
  unregister = registerGitHost('build', {
    exec: (cwd, args, opts) => {
      onHost.push(args.find((a) => !a.startsWith('-') && !a.includes('=')) ?? '');
      return real.exec(cwd, args, opts);
    },
    worktreeRoot: () => real.worktreeRoot(),
  });
}, 300_000);
afterAll(async () => {
  unregister?.();
  await sshd?.close();
  rmSync(root, { recursive: true, force: true });
});
afterEach(() => {
  onHost.length = 0;
});

const git = (dir: string, ...args: string[]): string =>
  execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    encoding: 'utf8',
  });

let seq = 0;
/** A repository on the "host" with one commit, and a finished task whose worktree git made over ssh. */
async function hostTask(): Promise<{ repo: string; rec: TaskRecord }> {
  seq += 1;
  // A folder name full of shell metacharacters: every git word is quoted for the host's shell.
  const repo = join(root, `repo ${seq} it's $(touch PWNED) \`x\`; y`);
  execFileSync('mkdir', ['-p', '--', repo]);
  git(repo, 'init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'a.txt'), 'one\n');
  git(repo, 'add', 'a.txt');
  git(repo, 'commit', '-q', '-m', 'first');
  const base = git(repo, 'rev-parse', 'HEAD').trim();
  const branch = `voice-orch/${seq}-fix`;
  const made = await addWorktree(repo, join(root, '.remote-state', 'wt', `${seq}-fix`), branch, base, 'build');
  if (!made.ok) throw new Error(made.message);
  const rec = runningRecord({
    id: seq,
    name: 'fix',
    status: 'completed',
    host: 'build',
    projectDir: made.value.path,
    worktree: { repoRoot: repo, ...made.value },
    resultText: 'changed a',
    runs: [{ runNo: 1, prompt: 'p', status: 'completed' }],
  });
  return { repo, rec };
}

const noPwned = (repo: string): void => {
  expect(existsSync(join(root, 'PWNED'))).toBe(false);
  expect(existsSync(join(repo, 'PWNED'))).toBe(false);
};

describe('landing a worktree task on a host (loopback sshd)', () => {
  it('C commits the uncommitted work in the worktree on the host', async () => {
    const { repo, rec } = await hostTask();
    const wt = rec.worktree?.path as string;
    writeFileSync(join(wt, 'new.txt'), 'new\n');
    const r = await commitTask(rec);
    expect(r).toEqual({ ok: true, message: `Task ${rec.id}: committed 1 file on ${rec.worktree?.branch}.` });
    expect(onHost).toEqual(expect.arrayContaining(['status', 'add', 'commit']));
    expect(git(wt, 'status', '--porcelain')).toBe('');
    expect(git(wt, 'log', '-1', '--format=%s')).toBe('fix: changed a\n');
    noPwned(repo);
  }, 300_000);

  it('M fast-forwards the host checkout to the task branch (committing leftovers first)', async () => {
    const { repo, rec } = await hostTask();
    writeFileSync(join(rec.worktree?.path as string, 'a.txt'), 'one\ntwo\n');
    const r = await mergeTask(rec);
    expect(r).toEqual({ ok: true, message: `Task ${rec.id}: fast-forwarded main to ${rec.worktree?.branch}.` });
    expect(onHost).toEqual(expect.arrayContaining(['commit', 'merge']));
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(git(repo, 'rev-parse', rec.worktree?.branch as string));
    expect(git(repo, 'show', 'HEAD:a.txt')).toBe('one\ntwo\n');
    expect(git(repo, 'status', '--porcelain')).toBe('');
    noPwned(repo);
  }, 300_000);

  it('M refuses a merge that would conflict, checked with merge-tree, and changes nothing', async () => {
    const { repo, rec } = await hostTask();
    writeFileSync(join(rec.worktree?.path as string, 'a.txt'), 'task\n');
    writeFileSync(join(repo, 'a.txt'), 'user\n');
    git(repo, 'commit', '-q', '-am', 'user change');
    const before = git(repo, 'rev-parse', 'HEAD');
    const r = await mergeTask(rec);
    expect(r.ok).toBe(false);
    expect(r.message).toContain('conflicts with main in a.txt; nothing was changed');
    expect(onHost).toContain('merge-tree');
    expect(onHost).not.toContain('merge');
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(before);
    expect(git(repo, 'status', '--porcelain')).toBe('');
    expect(existsSync(join(repo, '.git', 'MERGE_HEAD'))).toBe(false);
  }, 300_000);

  it('M refuses when the host checkout has uncommitted changes in the same files', async () => {
    const { repo, rec } = await hostTask();
    writeFileSync(join(rec.worktree?.path as string, 'a.txt'), 'task\n');
    writeFileSync(join(repo, 'a.txt'), 'user, uncommitted\n');
    const before = git(repo, 'rev-parse', 'HEAD');
    const r = await mergeTask(rec);
    expect(r.ok).toBe(false);
    expect(r.message).toContain('uncommitted changes in a.txt');
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(before);
    expect(git(repo, 'diff')).toContain('+user, uncommitted');
  }, 300_000);

  it('X asks again for unmerged work, then removes the worktree and branch on the host', async () => {
    const { repo, rec } = await hostTask();
    const wt = rec.worktree?.path as string;
    writeFileSync(join(wt, 'new.txt'), 'new\n');
    const first = await discardTask(rec, false);
    expect(first).toMatchObject({ ok: false, needsConfirm: true });
    expect(first.message).toContain('1 uncommitted file');
    expect(existsSync(join(wt, 'new.txt'))).toBe(true);
    const r = await discardTask(rec, true);
    expect(r).toEqual({
      ok: true,
      message: `Task ${rec.id}: removed the worktree and the branch ${rec.worktree?.branch}.`,
    });
    expect(onHost).toEqual(expect.arrayContaining(['worktree', 'branch']));
    expect(existsSync(wt)).toBe(false);
    expect(git(repo, 'branch', '--list', rec.worktree?.branch as string)).toBe('');
    noPwned(repo);
  }, 300_000);

  it('refuses with nothing done while the host is down', async () => {
    const { repo, rec } = await hostTask();
    writeFileSync(join(rec.worktree?.path as string, 'new.txt'), 'new\n');
    await sshd.stop();
    try {
      for (const r of [await commitTask(rec), await mergeTask(rec), await discardTask(rec, true)]) {
        expect(r.ok).toBe(false);
        expect(r.message).toContain('worked on build: host build is unreachable; nothing was changed');
      }
    } finally {
      await sshd.restart();
    }
    expect(git(rec.worktree?.path as string, 'status', '--porcelain')).toBe('?? new.txt\n');
    expect(git(repo, 'branch', '--list', rec.worktree?.branch as string)).not.toBe('');
  }, 300_000);
});
