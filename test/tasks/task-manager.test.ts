// TaskManager behaviour with real processes: queueing and the one-writer rule, cancel (queued,
// running, SIGTERM-ignoring with a grandchild in its own process group), watchdogs, huge lines,
// refusals, persistence details and listener isolation.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskRecord } from '../../src/tasks/types.js';
import {
  agentArgv,
  factLines,
  finished,
  makeWorld,
  nextEvent,
  procState,
  readWholeLog,
  waitFor,
  type World,
} from './task-manager.fixture.js';

let w: World;
beforeEach(() => {
  w = makeWorld();
});
afterEach(async () => {
  await w.cleanup();
});

const sleeper = (ms = 30_000): string[] => agentArgv('--lines', '1', '--sleep', String(ms));

function registry(): { nextId: number; tasks: { record: TaskRecord; readOffset: number }[] } {
  return JSON.parse(readFileSync(join(w.stateDir, 'tasks.json'), 'utf8'));
}

describe('one writer per directory (seed bug 2)', () => {
  it('two spawns into the same directory in the same tick: the second is queued behind the first', async () => {
    const m = w.make({ backend: 'command', commandArgv: sleeper() });
    await m.start();
    const dir = w.dir('api');
    const [r1, r2] = await Promise.all([
      m.spawn({ name: 'first', prompt: 'a', projectDir: dir }),
      m.spawn({ name: 'second', prompt: 'b', projectDir: 'api' }),
    ]);
    if (!r1.ok || !r2.ok) throw new Error('spawn refused');
    // Either may resolve its folder first (a path vs a name); exactly one gets the folder.
    const [a, b] = r1.value.status === 'running' ? [r1, r2] : [r2, r1];
    expect(a.value.status).toBe('running');
    expect(b.value.status).toBe('queued');
    expect(b.value.queuedReason).toBe(`waiting for task ${a.value.id} (${a.value.name}) in ${dir}`);
    // A third one waits behind the queued second, not beside it.
    const c = await m.spawn({ name: 'third', prompt: 'c', projectDir: dir });
    if (!c.ok) throw new Error(c.message);
    expect(c.value.queuedReason).toBe(`waiting for task ${b.value.id} (${b.value.name}) in ${dir}`);
    // When the first ends, the second (only) starts.
    const started = nextEvent(m, 'updated', (t) => t.id === b.value.id && t.status === 'running');
    await m.cancel(a.value.id);
    await started;
    expect(m.get(c.value.id)?.status).toBe('queued');
    expect(m.get(c.value.id)?.queuedReason).toBe(`waiting for task ${b.value.id} (${b.value.name}) in ${dir}`);
  });

  it("sameDirPolicy 'refuse' refuses the second of two same-tick spawns", async () => {
    const m = w.make({ backend: 'command', commandArgv: sleeper(), sameDirPolicy: 'refuse' });
    await m.start();
    const dir = w.dir('web');
    const res = await Promise.all([
      m.spawn({ name: 'one', prompt: 'a', projectDir: dir }),
      m.spawn({ name: 'two', prompt: 'b', projectDir: dir }),
    ]);
    expect(res.filter((r) => r.ok)).toHaveLength(1);
    // Either may resolve its folder first (two async realpath calls); the refusal names the winner.
    const winner = res.find((r) => r.ok);
    if (!winner?.ok) throw new Error('no spawn succeeded');
    const refused = res.find((r) => !r.ok);
    expect(refused).toEqual({
      ok: false,
      message: expect.stringMatching(
        new RegExp(
          `^Task ${winner.value.id} \\(${winner.value.name}\\) is still running in .*web; only one task works in a folder at a time`,
        ),
      ),
    });
    expect(m.list()).toHaveLength(1);
  });
});

describe('concurrency cap', () => {
  it('queues the fifth task with maxConcurrent 4 and starts it when a slot frees (FIFO)', async () => {
    const m = w.make({ backend: 'command', commandArgv: sleeper() });
    await m.start();
    const ids: number[] = [];
    for (const n of ['a', 'b', 'c', 'd', 'e', 'f']) {
      const r = await m.spawn({ name: `task ${n}`, prompt: n, projectDir: w.dir(n) });
      if (!r.ok) throw new Error(r.message);
      ids.push(r.value.id);
    }
    expect(m.list().map((t) => t.status)).toEqual(['running', 'running', 'running', 'running', 'queued', 'queued']);
    expect(m.get(ids[4] as number)?.queuedReason).toBe('4 tasks already running');
    const fifthRuns = nextEvent(m, 'updated', (t) => t.id === ids[4] && t.status === 'running');
    await m.cancel(ids[1] as number);
    await fifthRuns;
    expect(m.get(ids[5] as number)?.status).toBe('queued');
  });
});

describe('cancel', () => {
  it('cancels a queued task at once: removed from the queue, never started (seed bug 3)', async () => {
    const m = w.make({ backend: 'command', commandArgv: sleeper(), maxConcurrent: 1 });
    await m.start();
    const a = await m.spawn({ name: 'runner', prompt: 'a', projectDir: w.dir('a') });
    const b = await m.spawn({ name: 'waiter', prompt: 'b', projectDir: w.dir('b') });
    if (!a.ok || !b.ok) throw new Error('refused');
    expect(b.value.status).toBe('queued');
    const events: string[] = [];
    m.on('updated', (t) => t.id === b.value.id && events.push(`updated:${t.status}`));
    m.on('finished', (t) => t.id === b.value.id && events.push(`finished:${t.status}`));
    const c = await m.cancel(b.value.id);
    expect(c.ok && c.value.status).toBe('cancelled');
    expect(events).toContain('finished:cancelled');
    await m.cancel(a.value.id);
    await new Promise((r) => setTimeout(r, 200));
    expect(m.get(b.value.id)?.status).toBe('cancelled');
    expect(existsSync(m.logPath(b.value.id))).toBe(false);
    expect(await m.cancel(b.value.id)).toEqual({
      ok: false,
      message: expect.stringMatching(/already ended \(cancelled\)/),
    });
  });

  it('records a cancel on disk and fires updated + finished (seed bug 4)', async () => {
    const m = w.make({ backend: 'command', commandArgv: sleeper() });
    await m.start();
    const r = await m.spawn({ name: 'doomed', prompt: 'x', projectDir: w.dir('d') });
    if (!r.ok) throw new Error(r.message);
    await waitFor(() => m.tail(r.value.id).length > 0, 5000, 'first output');
    const seen: string[] = [];
    m.on('updated', (t) => seen.push(`updated:${t.status}`));
    m.on('finished', (t) => seen.push(`finished:${t.status}`));
    const c = await m.cancel(r.value.id);
    expect(c.ok && c.value.status).toBe('cancelled');
    expect(seen).toContain('updated:cancelled');
    expect(seen).toContain('finished:cancelled');
    const onDisk = registry().tasks.find((t) => t.record.id === r.value.id)?.record;
    expect(onDisk?.status).toBe('cancelled');
    expect(onDisk?.endedAt).toBeTypeOf('number');
    expect(onDisk?.runs[0]?.status).toBe('cancelled');
  });

  it('a SIGTERM-ignoring agent with a grandchild in its own process group leaves no process and no zombie', async () => {
    const m = w.make({
      backend: 'command',
      commandArgv: agentArgv('--grandchild', '--ignore-sigterm', '--sleep', '60000'),
      cancelGraceMs: 300,
    });
    await m.start();
    const r = await m.spawn({ name: 'stubborn', prompt: 'x', projectDir: w.dir('s') });
    if (!r.ok) throw new Error(r.message);
    const gc = await waitFor(() => factLines(m, r.value.id, 'fake_grandchild')[0], 5000, 'grandchild pid');
    const gcPid = gc?.pid as number;
    const agentPid = m.get(r.value.id)?.runs[0]?.pid as number;
    expect(procState(gcPid)).toMatch(/[SR]/);
    // The grandchild really is outside the agent's process group.
    const gcStat = readFileSync(`/proc/${gcPid}/stat`, 'utf8');
    expect(Number(gcStat.slice(gcStat.lastIndexOf(')') + 2).split(' ')[2])).toBe(gcPid);
    const t0 = Date.now();
    const c = await m.cancel(r.value.id);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(c.ok && c.value.status).toBe('cancelled');
    expect(c.ok && c.value.runs[0]?.signal).toBe('SIGKILL');
    // The agent was our child and is reaped; the grandchild is killed and reaped by init.
    await waitFor(() => procState(agentPid) === undefined && procState(gcPid) === undefined, 5000, 'no process left');
    expect(factLines(m, r.value.id, 'fake_sigterm_ignored')).toHaveLength(1);
  });

  it('an agent that dies on SIGTERM still has its grandchild swept', async () => {
    const m = w.make({ backend: 'command', commandArgv: agentArgv('--grandchild', '--sleep', '60000') });
    await m.start();
    const r = await m.spawn({ name: 'polite', prompt: 'x', projectDir: w.dir('p') });
    if (!r.ok) throw new Error(r.message);
    const gc = await waitFor(() => factLines(m, r.value.id, 'fake_grandchild')[0], 5000, 'grandchild pid');
    const c = await m.cancel(r.value.id);
    expect(c.ok && c.value.runs[0]?.signal).toBe('SIGTERM');
    await waitFor(() => procState(gc?.pid as number) === undefined, 5000, 'grandchild gone');
  });

  it('descendants that exited are forgotten: a run with many short tool processes keeps a small set', async () => {
    // Five short children one after the other, then one that lives: each is seen by a scan.
    const script = 'for i in 1 2 3 4 5; do sleep 0.3; done; echo done; exec sleep 30';
    const m = w.make({ backend: 'command', commandArgv: ['/bin/sh', '-c', script], descendantScanMs: 100 });
    await m.start();
    const r = await m.spawn({ name: 'busy', prompt: 'x', projectDir: w.dir('b') });
    if (!r.ok) throw new Error(r.message);
    // White box: the recorded set is private state of the run.
    const recorded = (): Map<number, unknown> | undefined =>
      (m as unknown as { tasks: Map<number, { run?: { descendants: Map<number, unknown> } }> }).tasks.get(r.value.id)
        ?.run?.descendants;
    const seen = new Set<number>();
    await waitFor(
      () => {
        for (const pid of recorded()?.keys() ?? []) seen.add(pid);
        return m.tail(r.value.id).some((e) => e.text === 'done');
      },
      10_000,
      'the short children to finish',
    );
    expect(seen.size).toBeGreaterThanOrEqual(3);
    // `exec sleep 30` replaced the shell itself, so no descendant is alive any more.
    await waitFor(() => recorded()?.size === 0, 5000, 'exited descendants to be forgotten');
  });

  it('cancel of an unknown or finished task is refused with a reason', async () => {
    const m = w.make({ backend: 'command', commandArgv: agentArgv('--lines', '1') });
    await m.start();
    expect(await m.cancel(42)).toEqual({ ok: false, message: 'There is no task 42.' });
    const r = await m.spawn({ name: 'quick', prompt: 'x', projectDir: w.dir('q') });
    if (!r.ok) throw new Error(r.message);
    expect((await finished(m, r.value.id)).status).toBe('completed');
    expect(await m.cancel(r.value.id)).toEqual({ ok: false, message: expect.stringMatching(/already completed/) });
  });
});

describe('watchdogs', () => {
  it('stall: no output for the timeout marks stalled (without killing); new output clears it', async () => {
    const m = w.make({
      backend: 'command',
      commandArgv: agentArgv('--lines', '2', '--rate', '1', '--format', 'text', '--sleep', '500'),
      stallTimeoutMs: 300,
    });
    await m.start();
    const r = await m.spawn({ name: 'quiet', prompt: 'x', projectDir: w.dir('quiet') });
    if (!r.ok) throw new Error(r.message);
    const [stalled] = await nextEvent(m, 'stalled', (t) => t.id === r.value.id, 5000);
    expect(stalled.stalled).toBe(true);
    expect(stalled.status).toBe('running');
    await nextEvent(m, 'updated', (t) => t.id === r.value.id && !t.stalled && t.status === 'running', 5000);
    const t = await finished(m, r.value.id);
    expect(t.status).toBe('completed');
    expect(t.stalled).toBe(false);
  });

  it('result hang: an agent alive after its result line is ended and the result decides', async () => {
    const m = w.make({
      backend: 'command',
      commandArgv: agentArgv('--result', 'all done', '--sleep', '60000', '--ignore-sigterm'),
      resultHangMs: 300,
      cancelGraceMs: 200,
    });
    await m.start();
    const r = await m.spawn({ name: 'hanger', prompt: 'x', projectDir: w.dir('h') });
    if (!r.ok) throw new Error(r.message);
    const t = await finished(m, r.value.id, 10_000);
    expect(t.status).toBe('completed');
    expect(t.resultText).toBe('all done');
    expect(t.runs[0]?.signal).toBe('SIGKILL');
    expect(procState(t.runs[0]?.pid as number)).toBeUndefined();
  });
});

describe('output', () => {
  it('a 50 MB line without a newline becomes one truncated entry', async () => {
    const m = w.make({
      backend: 'command',
      commandArgv: agentArgv('--lines', '1', '--format', 'text', '--no-newline-bytes', String(50 * 1024 * 1024)),
    });
    await m.start();
    const r = await m.spawn({ name: 'huge', prompt: 'x', projectDir: w.dir('huge') });
    if (!r.ok) throw new Error(r.message);
    const t = await finished(m, r.value.id, 30_000);
    expect(t.status).toBe('completed');
    const tail = m.tail(t.id);
    expect(tail).toHaveLength(2);
    expect(tail[0]?.truncated).toBeUndefined();
    expect(tail[1]?.truncated).toBe(true);
    // Cut at the line cap by the splitter, then at the display cap for one entry.
    expect(tail[1]?.text.length).toBeGreaterThan(1000);
    expect(tail[1]?.text.length).toBeLessThanOrEqual(1024 * 1024);
    expect(statSync(m.logPath(t.id)).size).toBeGreaterThan(50 * 1024 * 1024);
    const log = await readWholeLog(m, t.id);
    expect(log.filter((e) => e.truncated)).toHaveLength(1);
  });

  it('binary bytes and ANSI escapes become safe text; the tail keeps the newest tailSize entries', async () => {
    const m = w.make({
      backend: 'command',
      commandArgv: agentArgv('--lines', '50', '--format', 'text', '--binary', '--ansi'),
      tailSize: 10,
    });
    await m.start();
    const r = await m.spawn({ name: 'bytes', prompt: 'x', projectDir: w.dir('bytes') });
    if (!r.ok) throw new Error(r.message);
    const t = await finished(m, r.value.id);
    const tail = m.tail(t.id);
    expect(tail).toHaveLength(10);
    expect(tail.at(-1)?.text).toBe('red bold plain');
    // eslint-disable-next-line no-control-regex
    expect(tail.some((e) => /[\x00-\x08\x1b]/.test(e.text))).toBe(false);
    expect(tail.at(-1)?.seq).toBe(51);
    expect(m.tail(t.id, 3).map((e) => e.seq)).toEqual([49, 50, 51]);
    expect(await readWholeLog(m, t.id)).toHaveLength(52);
  });
});

describe('command backend with a replayed stream-json agent', () => {
  it('fake-agent --replay emits a recorded stream; the command backend parses it like claude', async () => {
    const file = join(__dirname, '../fixtures/claude-cli/write-file.ndjson');
    const m = w.make({ backend: 'command', commandArgv: agentArgv('--replay', file, '--speed', '10') });
    await m.start();
    const r = await m.spawn({ name: 'replayed', prompt: 'x', projectDir: w.dir('rp') });
    if (!r.ok) throw new Error(r.message);
    const t = await finished(m, r.value.id);
    expect(t.status).toBe('completed');
    expect(t.runs[0]?.exitCode).toBe(0);
    expect(t.turns).toBe(2);
    expect(t.costUsd).toBeGreaterThan(0.1);
    expect(t.filesTouched).toEqual(['/home/dev/projects/write-file/NOTES.md']);
    expect(readFileSync(m.logPath(t.id), 'utf8')).toBe(readFileSync(file, 'utf8'));
  });

  it('a replay of an API-error run exits 1 like the recording (command backend: the exit code decides)', async () => {
    const file = join(__dirname, '../fixtures/claude-cli/error-400.ndjson');
    const m = w.make({ backend: 'command', commandArgv: agentArgv('--replay', file, '--speed', '10') });
    await m.start();
    const r = await m.spawn({ name: 'replayed error', prompt: 'x', projectDir: w.dir('rp2') });
    if (!r.ok) throw new Error(r.message);
    const t = await finished(m, r.value.id);
    expect(t.status).toBe('failed');
    expect(t.failure).toEqual({
      kind: 'crashed',
      message: 'crashed with exit code 1: after API error 400: Invalid request',
    });
  });
});

describe('refusals and failures', () => {
  it('missing claude executable → failed could_not_start with a clear sentence', async () => {
    const m = w.make({ claudePath: 'claude-does-not-exist-here' });
    await m.start();
    const r = await m.spawn({ name: 'nope', prompt: 'hello', projectDir: w.dir('n') });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const t = await finished(m, r.value.id);
    expect(t.status).toBe('failed');
    expect(t.failure?.kind).toBe('could_not_start');
    expect(t.failure?.message).toMatch(
      /^could not start: `claude-does-not-exist-here` was not found on PATH\. Install Claude Code/,
    );
    const abs = w.make({ claudePath: join(w.root, 'no', 'claude'), stateDir: join(w.root, '.s2') });
    await abs.start();
    const r2 = await abs.spawn({ name: 'nope2', prompt: 'hello', projectDir: w.dir('n2') });
    if (!r2.ok) throw new Error(r2.message);
    expect((await finished(abs, r2.value.id)).failure?.message).toMatch(/does not exist or is not executable/);
  });

  it('refuses empty names/prompts, folders outside the roots, and bypassPermissions unless allowed', async () => {
    const m = w.make();
    await m.start();
    const dir = w.dir('ok');
    expect(await m.spawn({ name: ' ', prompt: 'x', projectDir: dir })).toEqual({
      ok: false,
      message: expect.stringMatching(/name/),
    });
    expect(await m.spawn({ name: 'x', prompt: '  ', projectDir: dir })).toEqual({
      ok: false,
      message: expect.stringMatching(/prompt/),
    });
    const outside = await m.spawn({ name: 'x', prompt: 'y', projectDir: '/etc' });
    expect(outside.ok).toBe(false);
    const unknown = await m.spawn({ name: 'x', prompt: 'y', projectDir: 'no-such-project' });
    expect(unknown.ok).toBe(false);
    expect(await m.spawn({ name: 'x', prompt: 'y', projectDir: dir, permissionMode: 'bypassPermissions' })).toEqual({
      ok: false,
      message: expect.stringMatching(/Bypassing permissions is turned off/),
    });
    expect(m.list()).toHaveLength(0);
    const allowed = w.make({ allowBypassPermissions: true, stateDir: join(w.root, '.s3') });
    await allowed.start();
    const r = await allowed.spawn({
      name: 'x',
      prompt: 'scenario:plain',
      projectDir: dir,
      permissionMode: 'bypassPermissions',
    });
    expect(r.ok && r.value.permissionMode).toBe('bypassPermissions');
  });

  it('a crashing command reports its exit code and last stderr line', async () => {
    const m = w.make({ backend: 'command', commandArgv: agentArgv('--stderr', 'boom: disk on fire', '--exit', '3') });
    await m.start();
    const r = await m.spawn({ name: 'crash', prompt: 'x', projectDir: w.dir('c') });
    if (!r.ok) throw new Error(r.message);
    const t = await finished(m, r.value.id);
    expect(t.status).toBe('failed');
    expect(t.failure).toEqual({ kind: 'crashed', message: 'crashed with exit code 3: boom: disk on fire' });
    expect(readFileSync(join(w.stateDir, 'tasks', `${t.id}.run-1.stderr`), 'utf8')).toBe('boom: disk on fire\n');
  });

  it('agent stderr and a task name with escape sequences enter the engine cleaned (entries, log, failure, name)', async () => {
    const hostile = '\x1b]52;c;cm0gLXJmIH4=\x07\x1b]0;pwned\x07\x1b[2J\u009b2J\u202e';
    const m = w.make({ backend: 'command', commandArgv: agentArgv('--stderr', `boom${hostile} end`, '--exit', '3') });
    await m.start();
    const r = await m.spawn({ name: `evil${hostile}name`, prompt: 'x', projectDir: w.dir('h') });
    if (!r.ok) throw new Error(r.message);
    expect(r.value.name).toBe('evilname');
    const t = await finished(m, r.value.id);
    expect(t.failure?.message).toBe('crashed with exit code 3: boom end');
    const stderrOf = (es: { kind: string; text: string }[]) => es.filter((e) => e.kind === 'stderr').map((e) => e.text);
    expect(stderrOf(m.tail(t.id))).toEqual(['boom end']);
    expect(stderrOf(await readWholeLog(m, t.id))).toEqual(['boom end']);
  });
});

describe('names, ids, persistence, events', () => {
  it('name lookup reports ambiguity instead of taking the oldest match (seed bug 5)', async () => {
    const m = w.make({ backend: 'command', commandArgv: agentArgv('--lines', '1') });
    await m.start();
    const a = await m.spawn({ name: 'auth api', prompt: 'x', projectDir: w.dir('a') });
    const b = await m.spawn({ name: 'auth ui', prompt: 'x', projectDir: w.dir('b') });
    if (!a.ok || !b.ok) throw new Error('refused');
    await finished(m, a.value.id);
    await finished(m, b.value.id);
    const res = m.resolve('auth');
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.reason).toBe('ambiguous');
    if (res.reason === 'ambiguous') expect(res.candidates.map((t) => t.id).sort()).toEqual([a.value.id, b.value.id]);
    const exact = m.resolve('auth ui');
    expect(exact.ok && exact.task.id).toBe(b.value.id);
    expect(m.resolve(`task ${a.value.id}`)).toMatchObject({ ok: true, how: 'id' });
  });

  it('the activity line comes from the newest event of a batch that has one, never from older batches', async () => {
    const m = w.make({ backend: 'command', commandArgv: agentArgv('--sleep', '30000') });
    await m.start();
    const r = await m.spawn({ name: 'act', prompt: 'x', projectDir: w.dir('act') });
    if (!r.ok) throw new Error(r.message);
    // White box: feed stream-json lines straight into the running task's ingestion (the output pipeline).
    type St = { rec: TaskRecord; readOffset: number; run?: object };
    type Internals = {
      tasks: Map<number, St>;
      output: { ingest: (st: St, rs: object, lines: { text: string; truncated: boolean }[], end: number) => void };
    };
    const mi = m as unknown as Internals;
    const st = await waitFor(() => {
      const s = mi.tasks.get(r.value.id);
      return s?.run ? s : undefined;
    });
    const feed = (...lines: string[]): void =>
      mi.output.ingest(
        st,
        st.run as object,
        lines.map((text) => ({ text, truncated: false })),
        st.readOffset,
      );
    const toolUse = (cmd: string): string =>
      JSON.stringify({
        type: 'assistant',
        message: { content: [{ type: 'tool_use', id: cmd, name: 'Bash', input: { command: cmd } }] },
      });
    const toolOk = JSON.stringify({
      type: 'user',
      message: { content: [{ type: 'tool_result', tool_use_id: 'x', content: 'fine' }] },
    });
    feed(toolUse('ls -la'));
    expect(st.rec.activity).toMatch(/ls -la/);
    // Something else set the activity (the hang notice does); a batch without an activity keeps it.
    st.rec.activity = 'notice';
    feed(toolOk);
    expect(st.rec.activity).toBe('notice');
    // Within one batch, a successful tool result leaves the tool call before it as the activity.
    feed(toolUse('make test'), toolOk);
    expect(st.rec.activity).toMatch(/make test/);
  });

  it('ids are never reused across restarts; registry and logs are private (0600/0700)', async () => {
    const m1 = w.make({ backend: 'command', commandArgv: agentArgv('--lines', '1') });
    await m1.start();
    const r1 = await m1.spawn({ name: 'one', prompt: 'x', projectDir: w.dir('one') });
    const r2 = await m1.spawn({ name: 'two', prompt: 'x', projectDir: w.dir('two') });
    if (!r1.ok || !r2.ok) throw new Error('refused');
    expect([r1.value.id, r2.value.id]).toEqual([1, 2]);
    await finished(m1, r2.value.id);
    await finished(m1, r1.value.id);
    await m1.shutdown('keep');
    const m2 = w.make({ backend: 'command', commandArgv: agentArgv('--lines', '1') });
    await m2.start();
    expect(m2.list().map((t) => [t.id, t.status])).toEqual([
      [1, 'completed'],
      [2, 'completed'],
    ]);
    // The tail is refilled from the log after a restart.
    expect(m2.tail(1).map((e) => e.text)).toEqual(m1.tail(1).map((e) => e.text));
    const r3 = await m2.spawn({ name: 'three', prompt: 'x', projectDir: w.dir('three') });
    expect(r3.ok && r3.value.id).toBe(3);
    expect(statSync(w.stateDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(w.stateDir, 'tasks')).mode & 0o777).toBe(0o700);
    expect(statSync(join(w.stateDir, 'tasks.json')).mode & 0o777).toBe(0o600);
    expect(statSync(m2.logPath(1)).mode & 0o777).toBe(0o600);
    expect(statSync(join(w.stateDir, 'tasks', '1.run-1.stderr')).mode & 0o777).toBe(0o600);
    expect(statSync(join(w.stateDir, 'tasks', '1.run-1.json')).mode & 0o777).toBe(0o600);
    await m2.shutdown('keep');
    expect(registry().nextId).toBe(4);
  });

  it('a throwing listener does not break the engine; it becomes an error event', async () => {
    const m = w.make({ backend: 'command', commandArgv: agentArgv('--lines', '3') });
    const errors: Error[] = [];
    m.on('error', (e) => errors.push(e));
    m.on('updated', () => {
      throw new Error('listener bug');
    });
    m.on('added', () => {
      throw new Error('listener bug in added');
    });
    await m.start();
    const r = await m.spawn({ name: 'robust', prompt: 'x', projectDir: w.dir('r') });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const t = await finished(m, r.value.id);
    expect(t.status).toBe('completed');
    expect(errors.some((e) => /listener bug in added/.test(e.message))).toBe(true);
    expect(errors.some((e) => /"updated" listener threw: listener bug/.test(e.message))).toBe(true);
  });

  it("shutdown('cancel') cancels queued and running tasks and waits for them", async () => {
    const m = w.make({ backend: 'command', commandArgv: sleeper(), maxConcurrent: 1 });
    await m.start();
    const a = await m.spawn({ name: 'a', prompt: 'x', projectDir: w.dir('a') });
    const b = await m.spawn({ name: 'b', prompt: 'x', projectDir: w.dir('b') });
    if (!a.ok || !b.ok) throw new Error('refused');
    const pid = await waitFor(() => m.get(a.value.id)?.runs[0]?.pid, 5000, 'pid');
    await m.shutdown('cancel');
    expect(m.list().map((t) => t.status)).toEqual(['cancelled', 'cancelled']);
    expect(procState(pid)).toBeUndefined();
    expect(registry().tasks.map((t) => t.record.status)).toEqual(['cancelled', 'cancelled']);
    expect((await m.spawn({ name: 'late', prompt: 'x', projectDir: w.dir('c') })).ok).toBe(false);
  });

  it('roots() and listProjects() come from the allowed roots', async () => {
    const m = w.make();
    w.dir('alpha');
    w.dir('beta');
    await m.start();
    expect(m.roots()).toEqual([w.root]);
    const projects = await m.listProjects();
    expect(projects.join('\n')).toMatch(/alpha/);
    expect(projects.join('\n')).toMatch(/beta/);
  });
});
