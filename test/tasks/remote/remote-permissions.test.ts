// Permission requests from a task on a remote host: the real loopback sshd, the claude stand-in
// run "on the host" calling the bridge the way the genuine CLI did, the bridge copied to the
// host's state folder and run with the host's node, its socket forwarded over the shared SSH
// connection to voice-orch's own; the request answered by key, also across a dropped connection.
import { readdirSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PendingRequest } from '../../../src/permissions/broker.js';
import { startPermissions, type Permissions } from '../../../src/permissions/permissions.js';
import { localSocketOf, withoutPromptTool, withRemoteBridge } from '../../../src/tasks/remote/remote-permissions.js';
import { PlacedRunner } from '../../../src/tasks/remote/placed-runner.js';
import { SshRunner } from '../../../src/tasks/remote/ssh-runner.js';
import { permissionPrompt } from '../../../src/permissions/channel.js';
import { claudeArgs } from '../../../src/tasks/backends/claude.js';
import type { TaskManager } from '../../../src/tasks/task-manager.js';
import { startLoopbackSshd, TEST_HOST_ALIAS, type LoopbackSshd } from '../../helpers/loopback-sshd.js';
import { FAKE_CLAUDE, finished, makeWorld, waitFor, type World } from '../task-manager.fixture.js';

let sshd: LoopbackSshd;
let w: World;
const runners: PlacedRunner[] = [];
const perms: Permissions[] = [];

beforeAll(async () => {
  sshd = await startLoopbackSshd();
}, 120_000);
afterAll(async () => {
  await sshd?.close();
});
beforeEach(() => {
  w = makeWorld({ FAKE_CLAUDE_SPEED: '20' });
});
afterEach(async () => {
  await w.cleanup();
  for (const r of runners.splice(0)) r.close();
  for (const p of perms.splice(0)) await p.close();
});

async function manager(controlPersistSeconds = 5): Promise<{ m: TaskManager; p: Permissions; runner: PlacedRunner }> {
  const p = await startPermissions({ stateDir: w.stateDir });
  perms.push(p);
  const runner = new PlacedRunner([
    new SshRunner({
      name: 'build',
      target: { destination: TEST_HOST_ALIAS, configFile: sshd.sshConfigFile, controlPersistSeconds },
      localDir: join(w.stateDir, 'hosts', 'build'),
      remoteStateDir: join(w.root, '.remote-state'),
      agentPath: FAKE_CLAUDE,
      passEnv: ['HOME', 'CLAUDE_CONFIG_DIR', 'FAKE_CLAUDE_SPEED'],
      backoff: { minMs: 100, maxMs: 500 },
    }),
  ]);
  runners.push(runner);
  const m = w.make({
    runner,
    hosts: { build: { roots: [w.root] } },
    claudePath: join(w.root, 'no-local-claude'),
    permissionPrompt: p.prompt,
  });
  p.desk.projectDirOf = (id) => m.get(id)?.projectDir;
  await m.start();
  return { m, p, runner };
}

/** True when the one socket in the host's `.sock/` folder takes a connection (it is forwarded). */
function hostSocketAccepts(dir: string): Promise<boolean> {
  const files = readdirSync(dir);
  if (files.length !== 1) return Promise.resolve(false);
  return new Promise((res) => {
    const c = connect(join(dir, files[0] as string));
    c.once('connect', () => {
      c.destroy();
      res(true);
    });
    c.once('error', () => res(false));
  });
}

describe('the prompt channel of a remote run', () => {
  const local = permissionPrompt({ stateDir: '/state', task: 3, run: 1, token: 't', timeoutMs: 1000, script: '/x.js' });
  if (!local) throw new Error('no prompt spec');
  const args = claudeArgs({ prompt: '--mcp-config not-an-option', permissionMode: 'default', permissionPrompt: local });

  it('moves the bridge to the host: its node, its script, its socket; token, task and run kept', () => {
    expect(localSocketOf(args)).toBe('/state/permissions/socket');
    const moved = withRemoteBridge(args, { node: '/usr/bin/node', script: '/h/.bridge/b.mjs', socket: '/h/.sock/p' });
    const cfg = JSON.parse(moved[moved.indexOf('--mcp-config') + 1] as string) as {
      mcpServers: Record<string, { command: string; args: string[]; env: Record<string, string> }>;
    };
    expect(cfg.mcpServers['voice-orch']).toMatchObject({
      command: '/usr/bin/node',
      args: ['/h/.bridge/b.mjs'],
      env: {
        VOICE_ORCH_PERMISSION_SOCKET: '/h/.sock/p',
        VOICE_ORCH_PERMISSION_TOKEN: 't',
        VOICE_ORCH_PERMISSION_TASK: '3',
      },
    });
    // The prompt (after `--`) is never read as an option.
    expect(moved.at(-1)).toBe('--mcp-config not-an-option');
  });

  it('without a channel, the run has neither --mcp-config nor the prompt tool (the prompt kept)', () => {
    const bare = withoutPromptTool(args);
    expect(bare).not.toContain('--permission-prompt-tool');
    expect(bare.slice(0, bare.indexOf('--'))).not.toContain('--mcp-config');
    expect(bare.at(-1)).toBe('--mcp-config not-an-option');
  });
});

describe('permission requests from a task on a host (loopback sshd)', () => {
  it('reach voice-orch through the forwarded socket and are answered by key; the agent goes on', async () => {
    const { m, p } = await manager();
    const asked = new Promise<PendingRequest>((r) => p.broker.once('request', r));
    const r = await m.spawn({
      name: 'touch',
      prompt: 'scenario:bash-touch-prompt-tool',
      projectDir: w.dir('touch'),
      host: 'build',
    });
    if (!r.ok) throw new Error(r.message);
    const req = await asked;
    expect(req).toMatchObject({ task: r.value.id, toolName: 'Bash', input: { command: 'env touch APPROVED.txt' } });
    expect(m.get(r.value.id)?.status).toBe('running');
    // The bridge was copied into the host's state folder (private) and the socket lives there.
    const state = join(w.root, '.remote-state');
    expect(readdirSync(join(state, '.bridge')).filter((f) => f.endsWith('.mjs'))).toHaveLength(1);
    expect(statSync(join(state, '.sock')).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(state, '.sock'))).toHaveLength(1);
    expect(p.desk.answer(r.value.id, 'allow', { source: 'key' })).toMatchObject({ ok: true });
    const done = await finished(m, r.value.id, 30_000);
    expect(done.status).toBe('completed');
  }, 60_000);

  it('a request survives a dropped connection: the forward comes back and the answer reaches the agent', async () => {
    const { m, p } = await manager();
    const asked = new Promise<PendingRequest>((r) => p.broker.once('request', r));
    const r = await m.spawn({
      name: 'drop',
      prompt: 'scenario:bash-touch-prompt-tool',
      projectDir: w.dir('drop'),
      host: 'build',
    });
    if (!r.ok) throw new Error(r.message);
    const req = await asked;
    await waitFor(() => p.broker.list()[0]?.connected === true, 10_000, 'the bridge to be connected');
    // The cut connection closes the forwarded socket: the request leaves the list with it. The
    // follower reconnects, the new shared connection forwards the socket again, and the bridge
    // (retrying every second) sends its open request again: the same request, asked again.
    const back = new Promise<PendingRequest>((res) =>
      p.broker.on('request', (x) => {
        if (x.id === req.id) res(x);
      }),
    );
    sshd.dropConnections();
    expect((await back).askedAt).toBe(req.askedAt);
    expect(p.broker.list().map((x) => x.id)).toEqual([req.id]);
    expect(p.desk.answer(r.value.id, 'allow', { source: 'key' })).toMatchObject({ ok: true });
    const done = await finished(m, r.value.id, 30_000);
    expect(done.status).toBe('completed');
  }, 90_000);

  for (const drop of [false, true]) {
    it(`a request survives a restart of voice-orch${drop ? ' with the connection cut while it is down' : ''}: it reappears and the answer reaches the agent`, async () => {
      // The shared connection outlives voice-orch (as with the default 60 s): the new process
      // finds it up, with the old forward on it, unless the connection was cut meanwhile.
      const first = await manager(60);
      const asked = new Promise<PendingRequest>((r) => first.p.broker.once('request', r));
      const r = await first.m.spawn({
        name: 'restart',
        prompt: 'scenario:bash-touch-prompt-tool',
        projectDir: w.dir('restart'),
        host: 'build',
      });
      if (!r.ok) throw new Error(r.message);
      const req = await asked;
      await waitFor(() => first.p.broker.list()[0]?.connected === true, 30_000, 'the bridge to be connected');
      const master = join(w.stateDir, 'hosts', 'build', 'ctl', 'master');
      const before = statSync(master).ino;
      // voice-orch goes away (the run goes on on the host, its bridge retrying), then starts again
      // on the same state folder: the run is re-adopted and the host's socket forwarded to it again.
      await first.m.shutdown('keep');
      first.runner.close();
      await first.p.close();
      if (drop) sshd.dropConnections();
      const second = await manager(60);
      expect(second.p.desk.list().map((x) => x.id)).toEqual([req.id]);
      await waitFor(() => second.p.broker.list()[0]?.connected === true, 60_000, 'the bridge to come back');
      expect(second.p.broker.list()[0]?.askedAt).toBe(req.askedAt);
      // (After a cut a new connection may get the same inode number: only the kept one is checked.)
      if (!drop) expect(statSync(master).ino).toBe(before);
      // The host's socket leads to this voice-orch again, for any bridge that connects from now on
      // (a new run on the host uses the same socket): a connection made on the host is accepted.
      await waitFor(() => hostSocketAccepts(join(w.root, '.remote-state', '.sock')), 30_000, 'the forward');
      expect(second.p.desk.answer(r.value.id, 'allow', { source: 'key' })).toMatchObject({ ok: true });
      const done = await finished(second.m, r.value.id, 120_000);
      expect(done.status).toBe('completed');
    }, 300_000);
  }
});
