// Codex and Gemini tasks that ask for approval: the real task engine starts the built approval host
// (dist/approval-host.js), which drives a fake `codex app-server` / `gemini --acp` replaying the
// recorded exchanges (test/helpers/fake-rpc-agent.mjs) and sends their approval requests to the
// real permission broker; answers by key come back to the agent, and a request waits across a
// restart of voice-orch.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PendingRequest } from '../../src/permissions/broker.js';
import { startPermissions, type Permissions } from '../../src/permissions/permissions.js';
import type { TaskManager } from '../../src/tasks/task-manager.js';
import type { TaskManagerOptions } from '../../src/tasks/task-manager-options.js';
import { FIXTURES, finished, makeWorld, procState, waitFor, type World } from './task-manager.fixture.js';

const HELPERS = resolve(FIXTURES, '../helpers');
const FAKE_CODEX = join(HELPERS, 'fake-codex');
const FAKE_GEMINI = join(HELPERS, 'fake-gemini');

let w: World;
let rpcFile: string;
let argvFile: string;
let pidsFile: string;
const perms: Permissions[] = [];

beforeEach(() => {
  w = makeWorld();
  rpcFile = join(w.root, 'rpc.jsonl');
  argvFile = join(w.root, 'argv.jsonl');
  w.env.FAKE_AGENT_RPC_FILE = rpcFile;
  w.env.FAKE_AGENT_ARGV_FILE = argvFile;
  pidsFile = join(w.root, 'pids.jsonl');
  w.env.FAKE_AGENT_PIDS_FILE = pidsFile;
  w.env.FAKE_AGENT_LINE_MS = '2';
});
afterEach(async () => {
  for (const m of w.managers) await m.shutdown('cancel');
  for (const p of perms.splice(0)) await p.close();
  await w.cleanup();
});

type Rpc = { id?: number; method?: string; params?: Record<string, unknown>; result?: unknown };
function rpcLines(): Rpc[] {
  try {
    return readFileSync(rpcFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Rpc);
  } catch {
    return [];
  }
}

async function channel(): Promise<Permissions> {
  const p = await startPermissions({ stateDir: w.stateDir });
  perms.push(p);
  return p;
}

function manager(p: Permissions, extra: Partial<TaskManagerOptions> = {}): TaskManager {
  return w.make({
    codexPath: FAKE_CODEX,
    geminiPath: FAKE_GEMINI,
    agentApprovals: { codex: 'ask', gemini: 'ask' },
    permissionPrompt: p.prompt,
    ...extra,
  });
}

async function ask(
  m: TaskManager,
  p: Permissions,
  backend: 'codex' | 'gemini',
  scenario: string,
): Promise<{ id: number; req: PendingRequest }> {
  const asked = new Promise<PendingRequest>((r) => p.broker.once('request', r));
  const r = await m.spawn({ name: scenario, prompt: `Go. scenario:${scenario}`, projectDir: w.dir(scenario), backend });
  if (!r.ok) throw new Error(r.message);
  const req = await asked;
  expect(req.task).toBe(r.value.id);
  expect(m.get(r.value.id)?.status).toBe('running');
  return { id: r.value.id, req };
}

describe('codex tasks asking through codex app-server', () => {
  it('a command allowed by key runs, and the task completes with its answer', async () => {
    const p = await channel();
    const m = manager(p);
    await m.start();
    const { id, req } = await ask(m, p, 'codex', 'appserver-command-approval-accept');
    expect(req).toMatchObject({
      toolName: 'Bash',
      input: {
        command: 'touch ESCALATED.txt && echo escalated',
        description: 'Do you allow creating ESCALATED.txt outside the sandbox?',
      },
    });
    expect(p.desk.answer(id, 'allow', { source: 'key' })).toMatchObject({ ok: true });
    const t = await finished(m, id);
    expect(t.status).toBe('completed');
    expect(t.resultText).toBe('The command printed: escalated');
    const sent = rpcLines();
    expect(sent.find((x) => x.method === 'thread/start')?.params).toMatchObject({
      approvalPolicy: 'on-request',
      sandbox: 'workspace-write',
    });
    expect(sent.find((x) => x.method === undefined)?.result).toEqual({ decision: 'accept' });
    // The log is read by the codex parser: the thread id is the task's session.
    expect(t.claudeSessionId).toBe('01a23d54-d92b-77c0-b01c-4ad21baf4a47');
  });

  it('a command denied by key is declined; the task completes saying it was not run', async () => {
    const p = await channel();
    const m = manager(p);
    await m.start();
    const { id } = await ask(m, p, 'codex', 'appserver-command-approval-accept');
    expect(p.desk.answer(id, 'deny', { source: 'key' })).toMatchObject({ ok: true });
    const t = await finished(m, id);
    expect(t.status).toBe('completed');
    expect(t.resultText).toContain('rejected by user');
    expect(rpcLines().find((x) => x.method === undefined)?.result).toEqual({ decision: 'decline' });
  });

  it('a file change asks as a write of that file', async () => {
    const p = await channel();
    const m = manager(p);
    await m.start();
    const { id, req } = await ask(m, p, 'codex', 'appserver-filechange-approval-accept');
    expect(req.toolName).toBe('Write');
    expect(String(req.input.file_path)).toMatch(/NOTES\.md$/);
    p.desk.answer(id, 'allow', { source: 'key' });
    expect((await finished(m, id)).status).toBe('completed');
  });

  it('a request waiting while voice-orch restarts is answered after it, and the task completes', async () => {
    const p1 = await channel();
    const m1 = manager(p1);
    await m1.start();
    const { id, req } = await ask(m1, p1, 'codex', 'appserver-command-approval-accept');
    await m1.shutdown('keep');
    await p1.close();
    perms.splice(perms.indexOf(p1), 1);
    const p2 = await channel();
    expect(p2.desk.list().map((x) => x.id)).toEqual([req.id]);
    const m2 = manager(p2);
    await m2.start();
    await waitFor(() => p2.broker.list()[0]?.connected === true, 15_000);
    expect(p2.desk.answer(id, 'allow', { source: 'key' })).toMatchObject({ ok: true });
    const t = await finished(m2, id);
    expect(t.status).toBe('completed');
    expect(t.resultText).toBe('The command printed: escalated');
  });

  it('a follow-up resumes the thread through the host', async () => {
    const p = await channel();
    const m = manager(p);
    await m.start();
    const { id } = await ask(m, p, 'codex', 'appserver-command-approval-accept');
    p.desk.answer(id, 'allow', { source: 'key' });
    await finished(m, id);
    const asked = new Promise<PendingRequest>((r) => p.broker.once('request', r));
    const f = await m.followUp(id, 'Again. scenario:appserver-command-approval-accept');
    if (!f.ok) throw new Error(f.message);
    await asked;
    p.desk.answer(id, 'allow', { source: 'key' });
    const t = await finished(m, id);
    expect(t.status).toBe('completed');
    const resumed = rpcLines().find((x) => x.method === 'thread/resume');
    expect(resumed?.params?.threadId).toBe('01a23d54-d92b-77c0-b01c-4ad21baf4a47');
  });
});

describe('gemini tasks asking through gemini --acp', () => {
  it('a shell command allowed by voice runs, and the task completes with its answer', async () => {
    const p = await channel();
    const m = manager(p);
    await m.start();
    const { id, req } = await ask(m, p, 'gemini', 'acp-shell-touch-allow');
    expect(req).toMatchObject({ toolName: 'Bash', input: { command: 'touch TOUCHED.txt && echo touched' } });
    expect(p.desk.answer(id, 'allow', { source: 'voice' })).toMatchObject({ ok: true });
    const t = await finished(m, id);
    expect(t.status).toBe('completed');
    expect(t.resultText).toBe('The command printed: touched');
    expect(t.claudeSessionId).toBe('7d2afa85-d3e7-4356-9b4d-49be1a66ddfe');
    expect(rpcLines().find((x) => x.method === undefined)?.result).toEqual({
      outcome: { outcome: 'selected', optionId: 'proceed_once' },
    });
    // The agent runs in ACP mode with the task's approval mode (acceptEdits → auto_edit).
    expect(JSON.parse(readFileSync(argvFile, 'utf8').split('\n')[0] ?? '[]')).toEqual(
      expect.arrayContaining(['--acp', '--approval-mode', 'auto_edit']),
    );
  });

  it('a shell command denied by key is rejected; the task completes with what the agent said', async () => {
    const p = await channel();
    const m = manager(p);
    await m.start();
    const { id } = await ask(m, p, 'gemini', 'acp-shell-touch-allow');
    p.desk.answer(id, 'deny', { source: 'key' });
    const t = await finished(m, id);
    expect(t.status).toBe('completed');
    expect(t.resultText).toContain('was canceled by the user');
    expect(rpcLines().find((x) => x.method === undefined)?.result).toEqual({
      outcome: { outcome: 'selected', optionId: 'cancel' },
    });
  });

  it('a file write asks as a write of that file with its content', async () => {
    const p = await channel();
    const m = manager(p);
    await m.start();
    const { id, req } = await ask(m, p, 'gemini', 'acp-write-file-allow');
    expect(req.toolName).toBe('Write');
    expect(req.input.content).toBe('# Notes\n\nWritten by the fake Gemini API.\n');
    p.desk.answer(id, 'allow', { source: 'key' });
    expect((await finished(m, id)).status).toBe('completed');
  });

  it('a request waiting while voice-orch restarts is answered after it, and the task completes', async () => {
    const p1 = await channel();
    const m1 = manager(p1);
    await m1.start();
    const { id, req } = await ask(m1, p1, 'gemini', 'acp-shell-touch-allow');
    await m1.shutdown('keep');
    await p1.close();
    perms.splice(perms.indexOf(p1), 1);
    const p2 = await channel();
    expect(p2.desk.list().map((x) => x.id)).toEqual([req.id]);
    const m2 = manager(p2);
    await m2.start();
    await waitFor(() => p2.broker.list()[0]?.connected === true, 15_000);
    p2.desk.answer(id, 'deny', { source: 'key' });
    const t = await finished(m2, id);
    expect(t.status).toBe('completed');
    expect(t.resultText).toContain('was canceled by the user');
  });

  it('cancelling a task that waits for a decision ends the host and the agent; the request goes away', async () => {
    const p = await channel();
    const m = manager(p);
    await m.start();
    const { id } = await ask(m, p, 'gemini', 'acp-shell-touch-allow');
    const host = m.get(id)?.runs.at(-1)?.pid;
    const r = await m.cancel(id);
    expect(r.ok).toBe(true);
    expect((await finished(m, id)).status).toBe('cancelled');
    const agent = JSON.parse(readFileSync(pidsFile, 'utf8').split('\n')[0] ?? '{}') as { pid: number };
    for (const pid of [host ?? -1, agent.pid]) {
      await waitFor(() => procState(pid) === undefined || procState(pid) === 'Z', 5_000, `${pid} gone`);
    }
    await waitFor(() => p.desk.forTask(id) === undefined, 40_000, 'request gone');
  });

  it('an agent that dies mid-run fails the task with the reason, not a result it never gave', async () => {
    w.env.FAKE_RPC_CRASH = '1';
    const p = await channel();
    const m = manager(p);
    await m.start();
    const r = await m.spawn({
      name: 'crash',
      prompt: 'Go. scenario:acp-shell-touch-allow',
      projectDir: w.dir('crash'),
      backend: 'gemini',
    });
    if (!r.ok) throw new Error(r.message);
    const t = await finished(m, r.value.id);
    expect(t.status).toBe('failed');
    expect(t.failure?.message).toMatch(/gemini --acp ended before its turn did/);
  });
});
