/**
 * `d` with a reason and multi-select questions, by key and by voice, against a real broker and a
 * real bridge process: what the agent reads back, and what the audit log keeps.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher, createToolHost } from '../../src/commands/index.js';
import { handleKey } from '../../src/commands/key-input.js';
import { buildKeymap } from '../../src/commands/keymap.js';
import type { CommandContext } from '../../src/commands/types.js';
import type { PendingRequest } from '../../src/permissions/broker.js';
import { startPermissions } from '../../src/permissions/permissions.js';
import { permissionsDir } from '../../src/permissions/protocol.js';
import { bindPermissions } from '../../src/state/bind-permissions.js';
import { createAppStore } from '../../src/state/index.js';
import { picksOf } from '../../src/state/request-ui.js';
import { FakeTasks, task } from '../commands/fakes.js';
import { BridgeProc, recording } from './bridge-helpers.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The recorded question, made multi-select with a third option. */
function multiQuestion(): Record<string, unknown> {
  return {
    questions: [
      {
        question: 'Which checks should run?',
        header: 'Checks',
        options: [{ label: 'lint' }, { label: 'unit tests' }, { label: 'e2e' }],
        multiSelect: true,
      },
    ],
  };
}

async function rig() {
  const dir = mkdtempSync(join(tmpdir(), 'vo-deny-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const perms = await startPermissions({ stateDir: dir });
  cleanups.push(() => perms.close());
  const tasks = new FakeTasks([task({ id: 3, name: 'api-tests', status: 'running', projectDir: '/p/api' })]);
  perms.desk.projectDirOf = (id) => tasks.get(id)?.projectDir;
  const store = createAppStore({ sync: true });
  store.dispatch({ type: 'tasks/reset', tasks: [...tasks.tasks.values()] });
  store.dispatch({ type: 'select/set', taskId: 3 });
  const unbind = bindPermissions(store, perms.broker);
  cleanups.push(async () => unbind());
  const ctx: CommandContext = { tasks, store, quit: () => {}, requests: perms.desk };
  const p = new BridgeProc({ socket: perms.broker.socket, token: perms.broker.tokenFor(3), task: 3, run: 1 });
  cleanups.push(() => p.stop());
  await p.handshake(recording('bash-touch-prompt-tool'));
  let next = 10;
  const ask = async (toolName: string, input: Record<string, unknown>) => {
    const id = next++;
    const seen = new Promise<PendingRequest>((r) => perms.broker.once('request', r));
    p.send({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: { name: 'approve', arguments: { tool_name: toolName, input, tool_use_id: `toolu_${id}` } },
    });
    await seen;
    return { answer: () => p.answer(id).then(BridgeProc.decision) };
  };
  const d = createDispatcher(ctx);
  const keymap = buildKeymap(d.registry);
  /** Keys as the terminal sends them (one event each). */
  const keys = async (...events: [string, Record<string, boolean>?][]) => {
    for (const [input, key] of events) {
      handleKey(d, keymap, input, key ?? {});
      await new Promise((r) => setImmediate(r));
    }
  };
  const audit = async () => {
    await perms.close();
    return readFileSync(join(permissionsDir(dir), 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((a) => a.decision !== 'asked');
  };
  return { store, d, host: createToolHost(ctx), ask, keys, audit };
}

describe('d with a reason', () => {
  it('the typed reason reaches the agent in the deny message and goes into the audit log', async () => {
    const r = await rig();
    const one = await r.ask('Bash', { command: 'npm publish' });
    await r.keys(['d'], ['use the release script instead'], ['', { return: true }]);
    expect(await one.answer()).toEqual({
      behavior: 'deny',
      message: 'The user denied this request: use the release script instead',
    });
    expect(r.store.getState().overlay).toBeNull();
    expect(await r.audit()).toMatchObject([
      {
        input: 'npm publish',
        decision: 'deny',
        source: 'key',
        message: 'The user denied this request: use the release script instead',
      },
    ]);
  });

  it('Esc closes the line and denies nothing: the request still waits, and a then allows it', async () => {
    const r = await rig();
    const one = await r.ask('Bash', { command: 'npm install' });
    await r.keys(['d'], ['nope'], ['', { escape: true }]);
    expect(r.store.getState().overlay).toBeNull();
    expect(r.store.getState().requests).toHaveLength(1);
    await r.keys(['a']);
    expect(await one.answer()).toMatchObject({ behavior: 'allow' });
  });

  it('a plan rejected with feedback: the agent reads it as a rejected plan', async () => {
    const r = await rig();
    const plan = await r.ask('ExitPlanMode', { plan: '# Plan\n1. add a login route' });
    await r.keys(['d']);
    expect(r.store.getState().overlay).toMatchObject({ form: { title: 'Reject the plan of task 3 api-tests' } });
    await r.keys(['add tests first'], ['', { return: true }]);
    expect(await plan.answer()).toEqual({ behavior: 'deny', message: 'The user rejected this plan: add tests first' });
  });
});

describe('multi-select questions', () => {
  it('1–9 toggle options, Enter sends the picks as one answer in option order', async () => {
    const r = await rig();
    const input = multiQuestion();
    const q = await r.ask('AskUserQuestion', input);
    const id = r.store.getState().requests[0]!.id;
    await r.keys(['3'], ['1'], ['2'], ['2']);
    expect(picksOf(r.store.getState(), id)).toEqual([1, 3]);
    expect(r.store.getState().requests).toHaveLength(1); // nothing sent yet
    await r.keys(['', { return: true }]);
    expect(await q.answer()).toEqual({
      behavior: 'allow',
      updatedInput: { ...input, answers: { 'Which checks should run?': 'lint, e2e' } },
    });
    // Answered: its picks are dropped with it, and Enter opens the log again.
    expect(r.store.getState().requestUi?.picks).toEqual({});
  });

  it('Enter with nothing picked does not answer (it opens the log, as always)', async () => {
    const r = await rig();
    await r.ask('AskUserQuestion', multiQuestion());
    await r.keys(['', { return: true }]);
    expect(r.store.getState().requests).toHaveLength(1);
    expect(r.store.getState().view).toMatchObject({ kind: 'tail', taskId: 3 });
  });

  it('a single-select question is still answered at once by its number', async () => {
    const r = await rig();
    const call = recording('ask-prompt-tool').find((l) => l.msg.method === 'tools/call')!.msg;
    const input = (call.params?.arguments as { input: Record<string, unknown> }).input;
    const q = await r.ask('AskUserQuestion', input);
    await r.keys(['1']);
    expect(await q.answer()).toEqual({
      behavior: 'allow',
      updatedInput: { ...input, answers: { 'Which database?': 'Postgres' } },
    });
  });

  it('by voice: answer_request with choices answers a multi-select question; several choices for a single-select one are refused', async () => {
    const r = await rig();
    const input = multiQuestion();
    const q = await r.ask('AskUserQuestion', input);
    const said = await r.host.callTool(
      'answer_request',
      '{"task":3,"decision":"allow","choices":[2,"a smoke run"]}',
      'c1',
    );
    expect(said).toContain('Allowed');
    expect(await q.answer()).toEqual({
      behavior: 'allow',
      updatedInput: { ...input, answers: { 'Which checks should run?': 'unit tests, a smoke run' } },
    });
    const call = recording('ask-prompt-tool').find((l) => l.msg.method === 'tools/call')!.msg;
    const single = (call.params?.arguments as { input: Record<string, unknown> }).input;
    const s = await r.ask('AskUserQuestion', single);
    const refused = await r.host.callTool('answer_request', '{"task":3,"decision":"allow","choices":[1,2]}', 'c2');
    expect(refused).toContain('takes one answer');
    expect(r.store.getState().requests).toHaveLength(1);
    await r.host.callTool('answer_request', '{"task":3,"decision":"allow","choice":2}', 'c3');
    expect(await s.answer()).toMatchObject({ updatedInput: { answers: { 'Which database?': 'SQLite' } } });
  });
});
