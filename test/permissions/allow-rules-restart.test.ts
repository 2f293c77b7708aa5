/**
 * "Always allow" rules outlive voice-orch: `A` on a task's request writes the rule to
 * `permissions/rules.json`, and after a restart the same task's bridge (a real process that
 * reconnected by itself) gets a matching request answered by the rule, with no one asked.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PendingRequest } from '../../src/permissions/broker.js';
import { startPermissions } from '../../src/permissions/permissions.js';
import { permissionsDir } from '../../src/permissions/protocol.js';
import { loadRules, rulesPath } from '../../src/permissions/rule-file.js';
import { BridgeProc, recording } from './bridge-helpers.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const call = (id: number, command: string) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'approve', arguments: { tool_name: 'Bash', input: { command }, tool_use_id: `toolu_${id}` } },
});

describe('"always allow" rules across a restart', () => {
  it("a rule made with A answers the same task's matching request after voice-orch restarts", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vo-rules-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const p1 = await startPermissions({ stateDir: dir });
    p1.desk.projectDirOf = () => '/p/api';
    const bridge = new BridgeProc({ socket: p1.broker.socket, token: p1.broker.tokenFor(3), task: 3, run: 1 });
    cleanups.push(() => bridge.stop());
    await bridge.handshake(recording('bash-touch-prompt-tool'));
    const seen = new Promise<PendingRequest>((r) => p1.broker.once('request', r));
    bridge.send(call(10, 'npm test -- --watch=false'));
    await seen;
    expect(p1.desk.answer(3, 'allow_always', { source: 'key' })).toMatchObject({ ok: true });
    expect(BridgeProc.decision(await bridge.answer(10))).toMatchObject({ behavior: 'allow' });
    await p1.close();

    expect(JSON.parse(readFileSync(rulesPath(dir), 'utf8'))).toEqual([
      { task: 3, toolName: 'Bash', scope: 'npm test' },
    ]);
    expect(statSync(rulesPath(dir)).mode & 0o777).toBe(0o600);

    const p2 = await startPermissions({ stateDir: dir });
    cleanups.push(() => p2.close());
    p2.desk.projectDirOf = () => '/p/api';
    const asked: PendingRequest[] = [];
    p2.broker.on('request', (r) => asked.push(r));
    expect(p2.desk.allowRules()).toEqual([{ task: 3, toolName: 'Bash', scope: 'npm test' }]);
    // The bridge was never restarted: it reconnects to the new voice-orch and brings the request.
    bridge.send(call(11, 'npm test'));
    expect(BridgeProc.decision(await bridge.answer(11))).toMatchObject({ behavior: 'allow' });
    expect(asked).toEqual([]);
    // Another task's request, or a command the rule does not cover, still asks.
    const other = {
      id: '4.1',
      task: 4,
      run: 1,
      toolName: 'Bash',
      input: { command: 'npm test' },
      askedAt: 1,
      connected: true,
    };
    expect(p2.desk.auto(other)).toBeUndefined();
    expect(p2.desk.auto({ ...other, id: '3.9', task: 3, input: { command: 'npm publish' } })).toBeUndefined();
    await p2.close();
    const audit = readFileSync(join(permissionsDir(dir), 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(audit.at(-1)).toMatchObject({ task: 3, input: 'npm test', decision: 'allow', source: 'rule' });
  });

  it('a damaged rules file is no rules: the user is asked again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vo-rules-bad-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    expect(await loadRules(dir)).toEqual([]);
    const p = await startPermissions({ stateDir: dir });
    await p.close();
    writeFileSync(rulesPath(dir), '[{"task":"three","toolName":"Bash"}]');
    expect(await loadRules(dir)).toEqual([]);
    writeFileSync(rulesPath(dir), '{not json');
    const p2 = await startPermissions({ stateDir: dir });
    cleanups.push(() => p2.close());
    expect(p2.desk.allowRules()).toEqual([]);
  });
});
