/**
 * A real task run that waits for a decision: fake-claude (the recorded CLI stream) calls the
 * bridge the way the genuine CLI did, voice-orch's side goes away and comes back, the request
 * reappears, is answered after the restart, and the agent goes on to finish.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startPermissions, type Permissions } from '../../src/permissions/permissions.js';
import type { PendingRequest } from '../../src/permissions/broker.js';
import { finished, makeWorld, waitFor, type World } from '../tasks/task-manager.fixture.js';

let w: World;
const perms: Permissions[] = [];
beforeEach(() => {
  w = makeWorld({ FAKE_CLAUDE_SPEED: '20' });
});
afterEach(async () => {
  for (const p of perms.splice(0)) await p.close();
  await w.cleanup();
});

async function channel(stateDir = w.stateDir): Promise<Permissions> {
  const p = await startPermissions({ stateDir });
  perms.push(p);
  return p;
}

describe('a run waiting for a decision', () => {
  it('survives a restart of voice-orch, is answered after it, and the agent finishes', async () => {
    const p1 = await channel();
    const m1 = w.make({ permissionPrompt: p1.prompt });
    await m1.start();
    const asked = new Promise<PendingRequest>((r) => p1.broker.once('request', r));
    const r = await m1.spawn({ name: 'touch', prompt: 'scenario:bash-touch-prompt-tool', projectDir: w.dir('touch') });
    if (!r.ok) throw new Error(r.message);
    const req = await asked;
    expect(req).toMatchObject({ task: r.value.id, toolName: 'Bash', input: { command: 'env touch APPROVED.txt' } });
    expect(m1.get(r.value.id)?.status).toBe('running');

    // voice-orch goes away (tasks kept running), then starts again on the same state directory.
    await m1.shutdown('keep');
    await p1.close();
    const p2 = await channel();
    expect(p2.desk.list().map((x) => x.id)).toEqual([req.id]);
    const m2 = w.make({ permissionPrompt: p2.prompt });
    await m2.start();
    await waitFor(() => p2.broker.list()[0]?.connected === true, 10_000);
    p2.desk.projectDirOf = (id) => m2.get(id)?.projectDir;
    expect(p2.desk.answer(r.value.id, 'allow', { source: 'key' })).toMatchObject({ ok: true });
    const done = await finished(m2, r.value.id);
    expect(done.status).toBe('completed');
  });

  it('time spent waiting for a decision does not make the task stalled', async () => {
    const p = await channel();
    const quiet = { stallTimeoutMs: 700, watchIntervalMs: 50, permissionPrompt: p.prompt };
    const m = w.make({ ...quiet, waitingForDecision: (id) => p.desk.forTask(id) !== undefined });
    await m.start();
    const asked = new Promise<PendingRequest>((r) => p.broker.once('request', r));
    const r = await m.spawn({ name: 'wait', prompt: 'scenario:bash-touch-prompt-tool', projectDir: w.dir('wait') });
    if (!r.ok) throw new Error(r.message);
    await asked;
    // Without the waiting check the same quiet run is marked stalled (the control, with a channel
    // of its own: its task has the same id in its own state directory)…
    const p2 = await channel(`${w.root}/state-2`);
    const control = w.make({ ...quiet, permissionPrompt: p2.prompt, stateDir: `${w.root}/state-2` });
    await control.start();
    const c = await control.spawn({ name: 'ctl', prompt: 'scenario:bash-touch-prompt-tool', projectDir: w.dir('ctl') });
    if (!c.ok) throw new Error(c.message);
    await waitFor(() => control.get(c.value.id)?.stalled === true, 10_000);
    // …while the waiting one, quiet just as long, is not.
    expect(m.get(r.value.id)?.stalled).toBeFalsy();
    p.desk.answer(r.value.id, 'allow', { source: 'key' });
    expect((await finished(m, r.value.id)).status).toBe('completed');
  });
});
