// The task engine with a remote host: the real loopback sshd, the claude stand-in run "on the
// host" through it, the manager wired exactly as compose wires it (a PlacedRunner with one host).
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PlacedRunner } from '../../../src/tasks/remote/placed-runner.js';
import { SshRunner } from '../../../src/tasks/remote/ssh-runner.js';
import type { TaskManager } from '../../../src/tasks/task-manager.js';
import { startLoopbackSshd, TEST_HOST_ALIAS, type LoopbackSshd } from '../../helpers/loopback-sshd.js';
import { FAKE_CLAUDE, finished, makeWorld, procState, waitFor, type World } from '../task-manager.fixture.js';

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

function manager(hostCap?: number, localClaude = join(w.root, 'no-local-claude')): TaskManager {
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
  // A local claude path that does not exist: a remote task must not need one here.
  return w.make({
    runner,
    hosts: { build: { roots: [w.root], ...(hostCap ? { maxConcurrent: hostCap } : {}) } },
    claudePath: localClaude,
  });
}

describe('tasks on a remote host', () => {
  it('spawns on the host by `build:<project>`; the output and the result arrive; the record names the host', async () => {
    w.dir('api');
    const m = manager();
    await m.start();
    const r = await m.spawn({ name: 'remote one', prompt: 'scenario:plain', projectDir: 'build:api' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.host).toBe('build');
    expect(r.value.projectDir).toBe(join(w.root, 'api'));
    const done = await finished(m, r.value.id, 30_000);
    expect(done.status).toBe('completed');
    expect(done.resultText).toBeTruthy();
    expect(m.tail(done.id).some((e) => e.kind === 'text')).toBe(true);
    // A follow-up resumes the same session on the same host.
    const f = await m.followUp(done.id, 'scenario:plain and the changelog');
    expect(f.ok).toBe(true);
    const again = await finished(m, done.id, 30_000);
    expect(again.status).toBe('completed');
    expect(again.runs).toHaveLength(2);
    expect(again.runs[1]?.status).toBe('completed');
    expect(again.runs[1]?.pid).toBeGreaterThan(0);
    expect(again.host).toBe('build');
  }, 90_000);

  it('refuses an unknown host and a path outside the host roots with a sentence', async () => {
    const m = manager();
    await m.start();
    const a = await m.spawn({ name: 'x', prompt: 'p', projectDir: 'api', host: 'nowhere' });
    expect(a.ok ? '' : a.message).toMatch(/there is no host nowhere; the hosts are build/);
    const b = await m.spawn({ name: 'x', prompt: 'p', projectDir: '/etc', host: 'build' });
    expect(b.ok ? '' : b.message).toMatch(/not under the roots of host build/);
  });

  it('a restarted voice-orch re-adopts the remote run and its later output arrives', async () => {
    w.dir('web');
    const first = manager();
    await first.start();
    const r = await first.spawn({
      name: 'slow remote',
      prompt: 'scenario:slow speed:2',
      projectDir: 'web',
      host: 'build',
    });
    if (!r.ok) throw new Error(r.message);
    await waitFor(() => first.get(r.value.id)?.claudeSessionId, 20_000, 'the session to start');
    const pid = first.get(r.value.id)?.runs[0]?.pid as number;
    await first.shutdown('keep');
    runners[0]?.close();
    expect(procState(pid)).toMatch(/[SR]/); // still running "on the host"
    const second = manager();
    await second.start();
    expect(second.get(r.value.id)?.status).toBe('running');
    const done = await finished(second, r.value.id, 30_000);
    expect(done.status).toBe('completed');
    expect(done.resultText).toBeTruthy();
  });

  it('cancel ends the run on the host (no process left)', async () => {
    w.dir('cli');
    const m = manager();
    await m.start();
    const r = await m.spawn({ name: 'to cancel', prompt: 'scenario:slow speed:0.5', projectDir: 'build:cli' });
    if (!r.ok) throw new Error(r.message);
    await waitFor(() => m.get(r.value.id)?.claudeSessionId, 20_000, 'the session to start');
    const pid = m.get(r.value.id)?.runs[0]?.pid as number;
    expect((await m.cancel(r.value.id)).ok).toBe(true);
    const done = await finished(m, r.value.id, 30_000);
    expect(done.status).toBe('cancelled');
    await waitFor(() => procState(pid) === undefined, 10_000, 'the remote run to be gone');
  });

  it('holds a second task queued while the host is at its maxConcurrent, and starts it when the first ends', async () => {
    w.dir('one');
    w.dir('two');
    const m = manager(1);
    await m.start();
    const a = await m.spawn({ name: 'first', prompt: 'scenario:plain', projectDir: 'build:one' });
    const b = await m.spawn({ name: 'second', prompt: 'scenario:plain', projectDir: 'build:two' });
    if (!a.ok || !b.ok) throw new Error('spawn refused');
    expect(m.get(a.value.id)?.status).toBe('running');
    expect(m.get(b.value.id)?.status).toBe('queued');
    expect(m.get(b.value.id)?.queuedReason).toBe('1 task already running on host build');
    expect((await finished(m, a.value.id, 30_000)).status).toBe('completed');
    const done = await finished(m, b.value.id, 30_000);
    expect(done.status).toBe('completed');
    expect(done.runs[0]?.startedAt ?? 0).toBeGreaterThanOrEqual(m.get(a.value.id)?.runs[0]?.endedAt ?? Infinity);
  }, 90_000);

  it('a remote task and a local one in folders with the same path both run at once', async () => {
    w.dir('same');
    const m = manager(undefined, FAKE_CLAUDE);
    await m.start();
    const local = await m.spawn({ name: 'local', prompt: 'scenario:slow speed:0.5', projectDir: 'same' });
    const remote = await m.spawn({ name: 'remote', prompt: 'scenario:plain', projectDir: 'build:same' });
    if (!local.ok || !remote.ok) throw new Error('spawn refused');
    expect(local.value.projectDir).toBe(remote.value.projectDir);
    expect(m.get(local.value.id)?.status).toBe('running');
    expect(m.get(remote.value.id)?.status).toBe('running');
    expect((await finished(m, remote.value.id, 30_000)).status).toBe('completed');
    // The local one was running all along (it did not fail to start nor wait).
    expect(m.get(local.value.id)?.status).toBe('running');
    await m.cancel(local.value.id);
  }, 60_000);
});
