// A worktree task on a host: the real loopback sshd (the "host" is this machine, so the repository
// is a temp folder), the worktree made by git run over ssh in the host's state folder, the claude
// stand-in writing a file in it, and the change count and the diff read by git on the host.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { taskDiff } from '../../../src/tasks/changes-tracker.js';
import { gitHost, registerGitHost } from '../../../src/tasks/git/git-host.js';
import { PlacedRunner } from '../../../src/tasks/remote/placed-runner.js';
import { SshRunner } from '../../../src/tasks/remote/ssh-runner.js';
import type { TaskManager } from '../../../src/tasks/task-manager.js';
import { startLoopbackSshd, TEST_HOST_ALIAS, type LoopbackSshd } from '../../helpers/loopback-sshd.js';
import { FAKE_CLAUDE, finished, makeWorld, type World } from '../task-manager.fixture.js';

let sshd: LoopbackSshd;
let w: World;
const runners: PlacedRunner[] = [];

beforeAll(async () => {
  sshd = await startLoopbackSshd();
});
afterAll(async () => {
  await sshd?.close();
});
beforeEach(() => {
  w = makeWorld();
});
afterEach(async () => {
  await w.cleanup();
  for (const r of runners.splice(0)) r.close();
});

/** The manager as compose wires it, and the git subcommands that went to the host. */
function manager(): { m: TaskManager; onHost: string[] } {
  const runner = new PlacedRunner([
    new SshRunner({
      name: 'build',
      target: { destination: TEST_HOST_ALIAS, configFile: sshd.sshConfigFile, controlPersistSeconds: 5 },
      localDir: join(w.stateDir, 'hosts', 'build'),
      remoteStateDir: join(w.root, '.remote-state'),
      agentPath: FAKE_CLAUDE,
      passEnv: ['HOME', 'CLAUDE_CONFIG_DIR', 'FAKE_CLAUDE_SPEED'],
      backoff: { minMs: 100, maxMs: 500 },
    }),
  ]);
  runners.push(runner);
  // A spy around the host's real git (over the real sshd): which calls went to the host.
  const real = gitHost('build');
  if (!real) throw new Error('the SSH runner did not register its git');
  const onHost: string[] = [];
  registerGitHost('build', {
    exec: (cwd, args, opts) => {
      onHost.push(args[0] as string);
      return real.exec(cwd, args, opts);
    },
    worktreeRoot: () => real.worktreeRoot(),
  });
  const m = w.make({ runner, hosts: { build: { roots: [w.root] } }, claudePath: join(w.root, 'no-local-claude') });
  return { m, onHost };
}

function repo(name: string): string {
  const dir = w.dir(name);
  const g = (...args: string[]) =>
    execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      stdio: 'ignore',
    });
  g('init', '-q', '-b', 'main');
  g('commit', '-q', '--allow-empty', '-m', 'first');
  return dir;
}

describe('a worktree task on a host (loopback sshd)', () => {
  it('gets its worktree from git on the host; its changes and diff come from git there', async () => {
    // A folder name full of shell metacharacters: every git word is quoted for the host's shell.
    const dir = repo("it's $(touch PWNED) `x`; repo");
    const { m, onHost } = manager();
    await m.start();
    const r = await m.spawn({
      name: 'add notes',
      prompt: 'scenario:plain write:notes.txt',
      projectDir: dir,
      host: 'build',
      isolation: 'worktree',
    });
    if (!r.ok) throw new Error(r.message);
    const wt = r.value.worktree;
    expect(wt?.path).toBe(join(w.root, '.remote-state', '.worktrees', `${r.value.id}-add-notes`));
    expect(wt?.branch).toBe(`voice-orch/${r.value.id}-add-notes`);
    expect(wt?.repoRoot).toBe(dir);
    expect(r.value.projectDir).toBe(wt?.path);
    expect(r.value.host).toBe('build');
    expect(onHost).toContain('worktree');
    const done = await finished(m, r.value.id, 150_000);
    expect(done.status).toBe('completed');
    // The agent worked in the worktree, not in the checkout.
    expect(existsSync(join(wt?.path as string, 'notes.txt'))).toBe(true);
    expect(existsSync(join(dir, 'notes.txt'))).toBe(false);
    expect(done.changes).toMatchObject({ files: [{ path: 'notes.txt', added: 1, removed: 0 }], added: 1 });
    expect(onHost).toContain('diff');
    const d = await taskDiff(done);
    expect(d.ok && d.diff).toContain('+++ b/notes.txt');
    expect(readFileSync(join(wt?.path as string, 'notes.txt'), 'utf8')).toContain('write:notes.txt');
    expect(existsSync(join(w.root, 'PWNED'))).toBe(false);
    expect(existsSync(join(dir, 'PWNED'))).toBe(false);
  }, 240_000);

  it('in_place on a host makes no worktree and asks the host nothing at spawn', async () => {
    const dir = repo('plain');
    const { m, onHost } = manager();
    await m.start();
    const r = await m.spawn({ name: 'here', prompt: 'scenario:plain', projectDir: dir, host: 'build' });
    if (!r.ok) throw new Error(r.message);
    expect(r.value.worktree).toBeUndefined();
    expect(r.value.projectDir).toBe(dir);
    expect(onHost).toEqual([]);
    expect((await finished(m, r.value.id, 30_000)).status).toBe('completed');
  }, 60_000);
});
