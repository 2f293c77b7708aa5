/**
 * The permission channel with real processes: the built bridge driven with the recorded MCP
 * exchange of the genuine CLI, a real Unix socket, the broker stopped and started again.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PermissionBroker, type PendingRequest } from '../../src/permissions/broker.js';
import { permissionPrompt } from '../../src/permissions/channel.js';
import { permissionsDir, timeoutMessage } from '../../src/permissions/protocol.js';
import { claudeArgs } from '../../src/tasks/backends/claude.js';
import { BridgeProc, recording } from './bridge-helpers.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function broker(stateDir: string, grace?: number): Promise<PermissionBroker> {
  const b = new PermissionBroker({ stateDir, reclaimGraceMs: grace });
  expect(await b.start()).toBe(true);
  cleanups.push(() => b.close());
  return b;
}

function stateDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'vo-perm-'));
  cleanups.push(() => rm(d, { recursive: true, force: true }));
  return d;
}

function bridge(b: PermissionBroker, task: number, token = b.tokenFor(task), timeoutMs?: number): BridgeProc {
  const p = new BridgeProc({ socket: b.socket, token, task, run: 1, timeoutMs });
  cleanups.push(() => p.stop());
  return p;
}

function nextRequest(b: PermissionBroker): Promise<PendingRequest> {
  return new Promise((resolve) => b.once('request', resolve));
}

function recordedCall(name: string) {
  const rec = recording(name);
  const call = rec.find((l) => l.dir === 'in' && l.msg.method === 'tools/call');
  const answer = rec.find((l) => l.dir === 'out' && call && l.msg.id === call.msg.id);
  if (!call || !answer) throw new Error(`no tools/call in ${name}`);
  return { rec, call: call.msg, recorded: BridgeProc.decision(answer.msg) };
}

describe('permission bridge against the recorded CLI exchange', () => {
  it('answers the discovery probe, initialize and tools/list the way the CLI accepted', async () => {
    const b = await broker(stateDir());
    const p = bridge(b, 1);
    const [probe, init, list] = await p.handshake(recording('bash-touch-prompt-tool'));
    expect(probe).toMatchObject({ error: { code: -32601 } });
    expect(init).toMatchObject({ result: { protocolVersion: '2025-11-25', capabilities: { tools: {} } } });
    expect(list).toMatchObject({
      result: { tools: [{ name: 'approve', inputSchema: { required: ['tool_name', 'input'] } }] },
    });
  });

  const cases = [
    { name: 'bash-touch-prompt-tool', decide: { behavior: 'allow' as const } },
    {
      name: 'bash-touch-prompt-tool-deny',
      decide: { behavior: 'deny' as const, message: 'The user said no to this command.' },
    },
    {
      name: 'ask-prompt-tool',
      decide: (r: PendingRequest) => ({
        behavior: 'allow' as const,
        updatedInput: { ...r.input, answers: { 'Which database?': 'SQLite' } },
      }),
    },
    { name: 'plan-prompt-tool', decide: { behavior: 'allow' as const } },
  ];
  for (const c of cases) {
    it(`${c.name}: the request reaches voice-orch and the decision is the answer the CLI took`, async () => {
      const b = await broker(stateDir());
      const p = bridge(b, 3);
      const { rec, call, recorded } = recordedCall(c.name);
      await p.handshake(rec);
      const asked = nextRequest(b);
      p.send(call);
      const req = await asked;
      const args = call.params?.arguments as { tool_name: string; input: Record<string, unknown> };
      expect(req).toMatchObject({ task: 3, run: 1, toolName: args.tool_name, input: args.input, connected: true });
      expect(b.list().map((r) => r.id)).toEqual([req.id]);
      const d = typeof c.decide === 'function' ? c.decide(req) : c.decide;
      expect(b.decide(req.id, d, { source: 'key' })).toBe(true);
      expect(BridgeProc.decision(await p.answer(call.id as number))).toEqual(recorded);
      expect(b.list()).toEqual([]);
    });
  }
});

describe('permission socket', () => {
  it('is private: folder 0700, socket 0600', async () => {
    const dir = stateDir();
    const b = await broker(dir);
    expect(statSync(permissionsDir(dir)).mode & 0o777).toBe(0o700);
    expect(statSync(b.socket).mode & 0o777).toBe(0o600);
  });

  it('refuses a bridge without its task token, and its request is denied', async () => {
    const b = await broker(stateDir());
    const p = bridge(b, 4, b.tokenFor(5));
    const { rec, call } = recordedCall('bash-touch-prompt-tool');
    await p.handshake(rec);
    p.send(call);
    const d = BridgeProc.decision(await p.answer(call.id as number));
    expect(d).toMatchObject({ behavior: 'deny', message: expect.stringContaining('refused') });
    expect(b.list()).toEqual([]);
  });

  it('a request survives a restart of voice-orch and is answered after it', async () => {
    const dir = stateDir();
    const b1 = new PermissionBroker({ stateDir: dir });
    await b1.start();
    const p = bridge(b1, 7);
    const { rec, call } = recordedCall('bash-touch-prompt-tool');
    await p.handshake(rec);
    const asked = nextRequest(b1);
    p.send(call);
    const req = await asked;
    await b1.close();
    expect(JSON.parse(readFileSync(join(permissionsDir(dir), 'pending.json'), 'utf8'))).toMatchObject([{ id: req.id }]);

    const b2 = new PermissionBroker({ stateDir: dir });
    const reconnected = new Promise<void>((resolve) => {
      b2.on('changed', (list) => {
        if (list[0]?.connected) resolve();
      });
    });
    await b2.start();
    cleanups.push(() => b2.close());
    // Shown at once from pending.json, then matched when the bridge reconnects (not a new request).
    expect(b2.list()).toMatchObject([{ id: req.id, askedAt: req.askedAt }]);
    await reconnected;
    expect(b2.decide(req.id, { behavior: 'allow' }, { source: 'voice', transcriptItem: 'item_1' })).toBe(true);
    expect(BridgeProc.decision(await p.answer(call.id as number))).toMatchObject({ behavior: 'allow' });
    await b2.close();
    const audit = readFileSync(join(permissionsDir(dir), 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(audit.map((a) => a.decision)).toEqual(['asked', 'allow']);
    expect(audit[1]).toMatchObject({
      task: 7,
      run: 1,
      tool: 'Bash',
      input: 'env touch APPROVED.txt',
      source: 'voice',
      transcriptItem: 'item_1',
    });
  });

  it('a request whose agent never comes back is dropped after the grace period', async () => {
    const dir = stateDir();
    const b1 = new PermissionBroker({ stateDir: dir });
    await b1.start();
    const p = bridge(b1, 8);
    const { rec, call } = recordedCall('bash-touch-prompt-tool');
    await p.handshake(rec);
    const asked = nextRequest(b1);
    p.send(call);
    await asked;
    await b1.close();
    p.child.kill('SIGKILL');
    const b2 = new PermissionBroker({ stateDir: dir, reclaimGraceMs: 50 });
    const emptied = new Promise<void>((resolve) => b2.on('changed', (l) => l.length === 0 && resolve()));
    await b2.start();
    cleanups.push(() => b2.close());
    await emptied;
    expect(b2.list()).toEqual([]);
  });

  it('denies a request nobody answers in time, with a sentence the agent reads', async () => {
    const b = await broker(stateDir());
    const p = bridge(b, 9, undefined, 300);
    const { rec, call } = recordedCall('bash-touch-prompt-tool');
    await p.handshake(rec);
    const emptied = new Promise<void>((resolve) => b.on('changed', (l) => l.length === 0 && resolve()));
    p.send(call);
    expect(BridgeProc.decision(await p.answer(call.id as number))).toEqual({
      behavior: 'deny',
      message: timeoutMessage(300),
    });
    await emptied;
    expect(timeoutMessage(60 * 60_000)).toBe('no decision within 60 min');
  });
});

describe('the Claude argv with the prompt channel', () => {
  it('puts --mcp-config and --permission-prompt-tool before --, and lets the CLI wait longer than we do', () => {
    const spec = permissionPrompt({
      stateDir: '/s',
      task: 2,
      run: 1,
      token: 't',
      timeoutMs: 3_600_000,
      script: '/x/bridge.js',
    });
    if (!spec) throw new Error('no spec');
    const args = claudeArgs({ prompt: '--settings={}', permissionMode: 'acceptEdits', permissionPrompt: spec });
    expect(args.slice(-3)).toEqual(['-p', '--', '--settings={}']);
    expect(args).toContain('--mcp-config');
    expect(args[args.indexOf('--permission-prompt-tool') + 1]).toBe('mcp__voice-orch__approve');
    const server = JSON.parse(args[args.indexOf('--mcp-config') + 1] as string).mcpServers['voice-orch'];
    expect(server).toMatchObject({
      command: process.execPath,
      args: ['/x/bridge.js'],
      env: { VOICE_ORCH_PERMISSION_TASK: '2' },
    });
    expect(Number(spec.agentEnv.MCP_TOOL_TIMEOUT)).toBeGreaterThan(3_600_000);
    const withRules = claudeArgs({
      prompt: 'p',
      permissionMode: 'acceptEdits',
      allowedTools: ['Bash(npm test:*)', 'Read'],
    });
    expect(withRules.slice(withRules.indexOf('--allowedTools'), withRules.indexOf('--allowedTools') + 3)).toEqual([
      '--allowedTools',
      'Bash(npm test:*)',
      'Read',
    ]);
    expect(withRules.indexOf('--allowedTools')).toBeLessThan(withRules.indexOf('--'));
  });
});
