// The Runner port: a second runner (test/tasks/wrapper-runner.ts, runs every agent through `env`)
// works with the TaskManager unchanged: spawn, output, completion, follow-up and cancel.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_CLAUDE, agentArgv, finished, makeWorld, procState, waitFor, type World } from './task-manager.fixture.js';
import { WRAPPED_VAR, WrapperRunner } from './wrapper-runner.js';

let w: World;
beforeEach(() => {
  w = makeWorld();
});
afterEach(async () => {
  await w.cleanup();
});

function environ(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

describe('a second Runner with the TaskManager unchanged', () => {
  it('a claude run goes through the wrapper: output, completion, cost and a follow-up', async () => {
    const runner = new WrapperRunner();
    const m = w.make({ runner });
    await m.start();
    const r = await m.spawn({ name: 'wrapped', prompt: 'say hi', projectDir: w.dir('p') });
    if (!r.ok) throw new Error(r.message);
    const done = await finished(m, r.value.id);
    expect(done.status).toBe('completed');
    expect(runner.starts).toHaveLength(1);
    expect(runner.starts[0]?.file).toBe(FAKE_CLAUDE);
    expect(runner.starts[0]?.args.slice(-3)).toEqual(['-p', '--', 'say hi']);
    expect(m.tail(r.value.id).some((e) => e.kind === 'text')).toBe(true);
    expect(done.claudeSessionId).toBeTruthy();
    const f = await m.followUp(r.value.id, 'and again');
    if (!f.ok) throw new Error(f.message);
    expect((await finished(m, r.value.id)).status).toBe('completed');
    expect(runner.starts).toHaveLength(2);
    expect(runner.starts[1]?.args).toContain('--resume');
  });

  it('a cancelled run is signalled through the runner and leaves no process', async () => {
    const runner = new WrapperRunner();
    const m = w.make({ runner, backend: 'command', commandArgv: agentArgv('--lines', '1', '--sleep', '30000') });
    await m.start();
    const r = await m.spawn({ name: 'sleeper', prompt: 'x', projectDir: w.dir('s') });
    if (!r.ok) throw new Error(r.message);
    await waitFor(() => m.tail(r.value.id).length > 0, 5000, 'first output');
    const pid = m.get(r.value.id)?.runs[0]?.pid as number;
    // The process the manager follows is the wrapped one: the wrapper's variable is in its environment.
    expect(environ(pid)).toContain(`${WRAPPED_VAR}=1`);
    const c = await m.cancel(r.value.id);
    expect(c.ok && c.value.status).toBe('cancelled');
    expect(runner.calls.terminate).toBeGreaterThan(0);
    expect(runner.calls.snapshot).toBeGreaterThan(0);
    await waitFor(() => procState(pid) === undefined, 5000, 'agent gone');
  });
});
