// Run folders on the host are removed once collected, and ended ones left behind are swept after
// the keep period (real loopback sshd; the "host" is this machine, its state folder a temp folder).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepRunFolders } from '../../../src/tasks/remote/remote-cleanup.js';
import { SshRunner } from '../../../src/tasks/remote/ssh-runner.js';
import { TASK_MARKER_VAR } from '../../../src/tasks/persistence.js';
import { startLoopbackSshd, TEST_HOST_ALIAS, type LoopbackSshd } from '../../helpers/loopback-sshd.js';

const AGENT = resolve('test/fixtures/remote-agent.mjs');
let sshd: LoopbackSshd;
let dir: string;

beforeAll(async () => {
  sshd = await startLoopbackSshd();
  dir = mkdtempSync(join(tmpdir(), 'vo-remote-clean-'));
});
afterAll(async () => {
  await sshd?.close();
  rmSync(dir, { recursive: true, force: true });
});

function target(name: string) {
  mkdirSync(join(dir, name), { recursive: true, mode: 0o700 });
  return {
    destination: TEST_HOST_ALIAS,
    configFile: sshd.sshConfigFile,
    controlPersistSeconds: 5,
    controlDir: join(dir, name),
  };
}

describe('remote run folders', () => {
  it('a run that ended and was collected leaves no folder on the host', async () => {
    const state = join(dir, 'state-a');
    const r = new SshRunner({
      name: 'build',
      target: { destination: TEST_HOST_ALIAS, configFile: sshd.sshConfigFile, controlPersistSeconds: 5 },
      localDir: join(dir, 'local-a'),
      remoteStateDir: state,
      backoff: { minMs: 100, maxMs: 500 },
    });
    const started = await r.start({
      file: process.execPath,
      args: [AGENT, '--lines', '2'],
      cwd: dir,
      env: { [TASK_MARKER_VAR]: '/s|1|1' },
      stdoutPath: join(dir, 'a.log'),
      stderrPath: join(dir, 'a.err'),
    });
    if (!started.ok) throw new Error(started.message);
    // While it runs, its folder is there…
    expect(readdirSync(state).filter((n) => !n.startsWith('.'))).toHaveLength(1);
    expect((await started.value.exited).exitCode).toBe(0);
    // …and once its output and exit status are here, it is gone.
    expect(readdirSync(state).filter((n) => !n.startsWith('.'))).toEqual([]);
    r.close();
  }, 60_000);

  it('the sweep removes ended folders older than the keep period, and nothing running, recent or still owed', async () => {
    const state = join(dir, 'state-b');
    const make = (id: string, ended: boolean, ageDays: number): void => {
      mkdirSync(join(state, id), { recursive: true });
      writeFileSync(join(state, id, 'out'), 'x\n');
      if (ended) {
        writeFileSync(join(state, id, 'exit'), '0\n');
        const t = Date.now() / 1000 - ageDays * 86_400;
        utimesSync(join(state, id, 'exit'), t, t);
      }
    };
    make('old-ended', true, 10);
    make('recent-ended', true, 1);
    make('old-running', false, 10);
    make('old-owed', true, 10);
    make('.worktrees', true, 10);
    expect(await sweepRunFolders(target('ctl-b'), state, ['old-owed'], 7)).toBe(true);
    expect(readdirSync(state).sort()).toEqual(['.worktrees', 'old-owed', 'old-running', 'recent-ended']);
    // A state folder that does not exist yet is not an error.
    expect(await sweepRunFolders(target('ctl-b'), join(dir, 'missing'), [], 7)).toBe(true);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  }, 60_000);
});
