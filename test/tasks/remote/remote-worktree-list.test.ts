// The worktree list (list_worktrees) and its cleanup (W) with worktrees on a host: git and `du` run
// on the "host" through the real loopback sshd (the host is this machine, so its repositories are
// temp folders we can inspect), next to a worktree on this machine. A host that is down is named
// in the list and left alone; the local worktrees are listed and cleaned all the same.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIRM_GUARD_MS, createDispatcher, dispatchCommand } from '../../../src/commands/dispatch.js';
import type { CommandContext } from '../../../src/commands/types.js';
import { createInitialState, reducer } from '../../../src/state/reducer.js';
import { createStore } from '../../../src/state/store.js';
import { registerGitHost } from '../../../src/tasks/git/git-host.js';
import { addWorktree } from '../../../src/tasks/git/worktrees.js';
import { sshGitHost } from '../../../src/tasks/remote/remote-git.js';
import type { TaskRecord } from '../../../src/tasks/types.js';
import { FakePtt, FakeTasks, T0, task } from '../../commands/fakes.js';
import { startLoopbackSshd, TEST_HOST_ALIAS, type LoopbackSshd } from '../../helpers/loopback-sshd.js';
import { tempDir } from '../git/git-repo.fixture.js';

let sshd: LoopbackSshd;
let root: string;
let unregister: () => void;

beforeAll(async () => {
  sshd = await startLoopbackSshd();
  root = tempDir('voh-wtlist-');
  const controlDir = join(root, 'ctl');
  mkdirSync(controlDir, { mode: 0o700 });
  unregister = registerGitHost(
    'build',
    sshGitHost(
      'build',
      { destination: TEST_HOST_ALIAS, configFile: sshd.sshConfigFile, controlPersistSeconds: 5, controlDir },
      join(root, '.remote-state'),
    ),
  );
}, 300_000);
afterAll(async () => {
  unregister?.();
  await sshd?.close();
  rmSync(root, { recursive: true, force: true });
});

const git = (dir: string, ...args: string[]): string =>
  execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    encoding: 'utf8',
  });

const branchExists = (repo: string, branch: string): boolean => git(repo, 'branch', '--list', branch) !== '';

type Kind = 'merged' | 'dirty' | 'running' | 'discarded';

/**
 * Task `id` with a worktree in a repository of its own, made by git on `host` (or here): merged
 * (a commit, fast-forwarded into main), dirty (an uncommitted file), running, or discarded.
 */
async function worktreeTask(id: number, kind: Kind, host?: string): Promise<TaskRecord> {
  // A folder name full of shell metacharacters: every word is quoted for the host's shell.
  const repo = join(root, `repo ${id} it's $(touch PWNED) \`x\`; y`);
  mkdirSync(repo);
  git(repo, 'init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'a.txt'), 'one\n');
  git(repo, 'add', 'a.txt');
  git(repo, 'commit', '-q', '-m', 'first');
  const base = git(repo, 'rev-parse', 'HEAD').trim();
  const name = `t${id}`;
  const made = await addWorktree(repo, join(root, 'wt', `${id}-${name}`), `voice-orch/${id}-${name}`, base, host);
  if (!made.ok) throw new Error(made.message);
  const wt = made.value.path;
  if (kind === 'merged') {
    writeFileSync(join(wt, 'b.txt'), 'b\n');
    git(wt, 'add', 'b.txt');
    git(wt, 'commit', '-q', '-m', 'b');
    git(repo, 'merge', '-q', '--ff-only', made.value.branch);
  }
  if (kind === 'dirty') writeFileSync(join(wt, 'work.txt'), 'not committed\n');
  if (kind === 'discarded') {
    git(repo, 'worktree', 'remove', '--', wt);
    git(repo, 'branch', '-D', '--', made.value.branch);
  }
  return task({
    id,
    name,
    status: kind === 'running' ? 'running' : 'completed',
    projectDir: wt,
    worktree: { repoRoot: repo, ...made.value },
    ...(host !== undefined ? { host } : {}),
  });
}

function setup(tasks: TaskRecord[]) {
  const store = createStore(reducer, createInitialState({ tasks, pttMode: new FakePtt().mode() }), { sync: true });
  let time = T0;
  const ctx: CommandContext = { tasks: new FakeTasks(tasks), store, quit: () => undefined, now: () => time };
  const d = createDispatcher(ctx);
  /** W, then y on its confirm dialog (after the guard against stray keys). */
  const clean = async (): Promise<string | undefined> => {
    await d.press('clean_worktrees');
    time += CONFIRM_GUARD_MS;
    return (await d.answerConfirm('y'))?.say;
  };
  return { ctx, clean };
}

const noPwned = (tasks: TaskRecord[]): void => {
  expect(existsSync(join(root, 'PWNED'))).toBe(false);
  for (const t of tasks) expect(existsSync(join(t.worktree?.repoRoot as string, 'PWNED'))).toBe(false);
};

describe('the worktree list with worktrees on a host (loopback sshd)', () => {
  it('lists remote worktrees with host, branch, state and disk use; W removes the merged ones there', async () => {
    const tasks = [
      await worktreeTask(1, 'merged', 'build'),
      await worktreeTask(2, 'dirty', 'build'),
      await worktreeTask(3, 'running', 'build'),
      await worktreeTask(4, 'discarded', 'build'),
      await worktreeTask(5, 'merged'),
    ];
    const { ctx, clean } = setup(tasks);
    const list = (await dispatchCommand(ctx, 'list_worktrees', {}, 'voice')).say;
    expect(list).toMatch(/^5 worktrees:\n/);
    expect(list).toMatch(/\nbuild: task 1 "t1": voice-orch\/1-t1, merged, \d+\.\d MB\n/);
    expect(list).toMatch(/\nbuild: task 2 "t2": voice-orch\/2-t2, finished, 1 uncommitted, \d+\.\d MB\n/);
    expect(list).toMatch(/\nbuild: task 3 "t3": voice-orch\/3-t3, running, \d+\.\d MB\n/);
    expect(list).toContain('\nbuild: task 4 "t4": voice-orch/4-t4, discarded\n');
    expect(list).toMatch(/\ntask 5 "t5": voice-orch\/5-t5, merged, \d+\.\d MB$/);
    expect(list).not.toContain('unreachable');

    const say = await clean();
    expect(say).toMatch(
      /^Removed 2 worktrees\. Kept, with work in them: build: task 2 "t2": voice-orch\/2-t2, finished, 1 uncommitted, \d+\.\d MB\.$/,
    );
    const [one, two, three, , five] = tasks.map((t) => t.worktree as NonNullable<TaskRecord['worktree']>);
    // The merged one on the host: worktree and branch gone there; the local one too.
    for (const w of [one, five]) {
      expect(existsSync(w!.path)).toBe(false);
      expect(branchExists(w!.repoRoot, w!.branch)).toBe(false);
    }
    // Uncommitted work on the host is kept, and so is a running task's worktree.
    expect(existsSync(join(two!.path, 'work.txt'))).toBe(true);
    expect(branchExists(two!.repoRoot, two!.branch)).toBe(true);
    expect(existsSync(three!.path)).toBe(true);
    noPwned(tasks);
  }, 300_000);

  it('a host that is down is named in the list and left alone; local worktrees are listed and cleaned', async () => {
    const tasks = [
      await worktreeTask(11, 'merged', 'build'),
      await worktreeTask(12, 'dirty', 'build'),
      await worktreeTask(13, 'merged'),
    ];
    const { ctx, clean } = setup(tasks);
    await sshd.stop();
    let list: string;
    let say: string | undefined;
    try {
      list = (await dispatchCommand(ctx, 'list_worktrees', {}, 'voice')).say;
      say = await clean();
    } finally {
      await sshd.restart();
    }
    expect(list).toMatch(/^1 worktrees:\ntask 13 "t13": voice-orch\/13-t13, merged, \d+\.\d MB\n/);
    expect(list).toContain('\nhost build unreachable: task 11, task 12 not checked.');
    expect(list).not.toContain('build: task');
    expect(say).toBe('Removed 1 worktree. host build unreachable: task 11, task 12 not checked, left as they are.');
    const [eleven, twelve, thirteen] = tasks.map((t) => t.worktree as NonNullable<TaskRecord['worktree']>);
    expect(existsSync(thirteen!.path)).toBe(false);
    // Nothing on the host was touched while it was down, not even the merged one.
    expect(existsSync(eleven!.path)).toBe(true);
    expect(branchExists(eleven!.repoRoot, eleven!.branch)).toBe(true);
    expect(existsSync(join(twelve!.path, 'work.txt'))).toBe(true);

    // Back up: the same list reads the host again.
    const again = (await dispatchCommand(ctx, 'list_worktrees', {}, 'voice')).say;
    expect(again).toMatch(/\nbuild: task 11 "t11": voice-orch\/11-t11, merged, \d+\.\d MB\n/);
    expect(again).not.toContain('unreachable');
  }, 300_000);
});
