// Every recorded genuine Claude CLI stream, replayed through test/fixtures/fake-claude (real
// processes, the real argv), must end in the right status with the right fields.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskFailure, TaskOutputEntry, TaskRecord, TaskStatus } from '../../src/tasks/types.js';
import {
  FAKE_CLAUDE,
  factLines,
  finished,
  makeWorld,
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

interface Case {
  scenario: string;
  status: TaskStatus;
  failure?: TaskFailure['kind'];
  speed?: number;
  check?: (t: TaskRecord) => void;
}

const recordedResult = (scenario: string): Record<string, unknown> => {
  const lines = readFileSync(join(__dirname, '../fixtures/claude-cli', `${scenario}.ndjson`), 'utf8')
    .trim()
    .split('\n');
  return JSON.parse(lines[lines.length - 1] as string) as Record<string, unknown>;
};

const cases: Case[] = [
  {
    scenario: 'write-file',
    status: 'completed',
    check: (t) => {
      expect(t.turns).toBe(2);
      expect(t.costUsd).toBeCloseTo(0.10056, 5);
      expect(t.resultText).toMatch(/^Done: I created NOTES\.md/);
      expect(t.filesTouched).toEqual(['/home/dev/projects/write-file/NOTES.md']);
      expect(t.claudeSessionId).toMatch(/^[0-9a-f-]{36}$/);
      expect(t.runs[0]?.costUsd).toBeCloseTo(0.10056, 5);
    },
  },
  { scenario: 'plain', status: 'completed', check: (t) => expect(t.resultText).toMatch(/plain scenario/) },
  { scenario: 'bare', status: 'completed', check: (t) => expect(t.turns).toBe(1) },
  { scenario: 'bash', status: 'completed', check: (t) => expect(t.resultText).toMatch(/hello-from-fake-bash/) },
  { scenario: 'plain-partial', status: 'completed' },
  { scenario: 'write-file-partial', status: 'completed', check: (t) => expect(t.filesTouched).toHaveLength(1) },
  { scenario: 'slow-partial', status: 'completed', speed: 40 },
  { scenario: 'slow', status: 'completed', speed: 40, check: (t) => expect(t.resultText).toMatch(/chunk 20 of 20/) },
  { scenario: 'stdin-stream-json', status: 'completed' },
  {
    scenario: 'write-file-denied',
    status: 'completed',
    check: (t) => {
      expect(t.resultText).toMatch(/Could not create NOTES\.md/);
      // The Write was refused: nothing changed, so nothing is listed.
      expect(t.filesTouched).toEqual([]);
    },
  },
  {
    scenario: 'bash-touch-denied',
    status: 'completed',
    check: (t) => {
      expect(t.resultText).toMatch(/The command was not run/);
      expect(t.filesTouched).toEqual([]);
    },
  },
  {
    scenario: 'error',
    status: 'failed',
    failure: 'api_error',
    check: (t) => expect(t.failure?.message).toBe('API error 401: Invalid API key · Fix external API key'),
  },
  {
    scenario: 'error-401-retries',
    status: 'failed',
    failure: 'api_error',
    speed: 400,
    check: (t) => expect(t.failure?.message).toMatch(/^API error 401: Invalid API key/),
  },
  {
    scenario: 'error-400',
    status: 'failed',
    failure: 'api_error',
    check: (t) => expect(t.failure?.message).toBe('API error 400: Invalid request'),
  },
  {
    scenario: 'error-529',
    status: 'failed',
    failure: 'api_error',
    check: (t) => expect(t.failure?.message).toMatch(/529/),
  },
  {
    scenario: 'max-turns',
    status: 'failed',
    failure: 'max_turns',
    check: (t) => {
      expect(t.failure?.message).toMatch(/maximum of 1 turn/);
      expect(t.turns).toBe(recordedResult('max-turns').num_turns);
    },
  },
  {
    scenario: 'loop-max-turns-3',
    status: 'failed',
    failure: 'max_turns',
    check: (t) => expect(t.failure?.message).toMatch(/3 turns/),
  },
  {
    scenario: 'max-budget',
    status: 'failed',
    failure: 'budget',
    check: (t) => {
      expect(t.failure?.message).toMatch(/budget limit of \$0\.1/);
      expect(t.costUsd).toBeCloseTo(0.150116, 5);
    },
  },
];

describe('recorded Claude CLI streams through fake-claude', () => {
  it.each(cases)('$scenario → $status $failure', async (c) => {
    const m = w.make({ env: { ...w.env, FAKE_CLAUDE_SPEED: String(c.speed ?? 5) } });
    await m.start();
    const r = await m.spawn({ name: c.scenario, prompt: `run scenario:${c.scenario}`, projectDir: w.dir(c.scenario) });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const t = await finished(m, r.value.id, 20_000);
    expect(t.status).toBe(c.status);
    expect(t.failure?.kind).toBe(c.failure);
    expect(t.endedAt).toBeGreaterThanOrEqual(t.startedAt ?? Infinity);
    expect(t.runs).toHaveLength(1);
    expect(t.runs[0]?.status).toBe(c.status);
    c.check?.(t);
    // The tail and the re-read log agree on what the run printed.
    const tail = m.tail(t.id);
    const log = await readWholeLog(m, t.id);
    expect(tail.length).toBeGreaterThan(0);
    expect(log.filter((e) => e.kind !== 'stderr').map((e) => e.text)).toEqual(
      tail.filter((e) => e.kind !== 'stderr').map((e) => e.text),
    );
  });

  it.each(['slow-sigterm', 'bash-sleep-sigterm', 'slow-sigint'])(
    '%s: cancel (SIGTERM) mid-run → cancelled, exit 143, no result',
    async (scenario) => {
      const m = w.make({ env: { ...w.env, FAKE_CLAUDE_SPEED: '4' } });
      await m.start();
      const r = await m.spawn({ name: scenario, prompt: `scenario:${scenario}`, projectDir: w.dir(scenario) });
      if (!r.ok) throw new Error(r.message);
      // Wait for the recorded pre-signal output, so the cancel lands mid-run like in the recording.
      await waitFor(() => m.get(r.value.id)?.claudeSessionId, 10_000, 'init line');
      await new Promise((res) => setTimeout(res, 900));
      const updates: TaskRecord[] = [];
      m.on('updated', (t) => updates.push(t));
      const c = await m.cancel(r.value.id);
      expect(c.ok).toBe(true);
      if (!c.ok) return;
      expect(c.value.status).toBe('cancelled');
      expect(c.value.runs[0]?.exitCode).toBe(143);
      expect(c.value.resultText).toBeUndefined();
      expect(updates.at(-1)?.status).toBe('cancelled');
    },
  );

  it('follow-up continues the same session with --resume and appends a run', async () => {
    const m = w.make({ env: { ...w.env, FAKE_CLAUDE_ECHO_ARGS: '1' } });
    await m.start();
    const r = await m.spawn({
      name: 'notes',
      prompt: 'scenario:write-file',
      projectDir: w.dir('notes'),
      model: 'sonnet',
      maxTurns: 5,
    });
    if (!r.ok) throw new Error(r.message);
    const first = await finished(m, r.value.id);
    expect(first.status).toBe('completed');
    const session = first.claudeSessionId as string;
    expect(session).toBeTruthy();

    const f = await m.followUp(r.value.id, 'now add a title scenario:plain');
    expect(f.ok).toBe(true);
    if (!f.ok) return;
    expect(f.value.runs).toHaveLength(2);
    const done = await finished(m, r.value.id);
    expect(done.status).toBe('completed');
    expect(done.runs.map((x) => x.status)).toEqual(['completed', 'completed']);
    expect(done.runs[1]?.prompt).toBe('now add a title scenario:plain');
    expect(done.claudeSessionId).toBe(session);
    expect(done.turns).toBe(3);
    expect(done.resultText).toMatch(/plain scenario/);
    // Each run has a log of its own.
    expect(done.runs.map((x) => x.logFile)).toEqual([`${done.id}.run-1.ndjson`, `${done.id}.run-2.ndjson`]);
    const runLog = await readWholeLog(m, done.id);
    expect(new Set(runLog.map((e) => e.runNo))).toEqual(new Set([1, 2]));

    const argvs = factLines(m, r.value.id, 'fake_args').map((l) => l.args as string[]);
    expect(argvs).toHaveLength(2);
    expect(argvs[0]).toEqual([
      '--output-format',
      'stream-json',
      '--verbose',
      '--permission-mode',
      'acceptEdits',
      '--model',
      'sonnet',
      '--max-turns',
      '5',
      '-p',
      '--',
      'scenario:write-file',
    ]);
    expect(argvs[1]).toEqual([
      '--output-format',
      'stream-json',
      '--verbose',
      '--permission-mode',
      'acceptEdits',
      '--resume',
      session,
      '--model',
      'sonnet',
      '--max-turns',
      '5',
      '-p',
      '--',
      'now add a title scenario:plain',
    ]);
    const log = await readWholeLog(m, r.value.id);
    expect(new Set(log.map((e) => e.runNo))).toEqual(new Set([1, 2]));
    // Live output and pages read back place every entry at the same run and log offset.
    const place = (e: TaskOutputEntry) => [e.runNo, e.offset, e.text];
    const page = await m.readLogPage(r.value.id);
    expect(page.atStart && page.atEnd).toBe(true);
    expect(page.entries.filter((e) => e.kind !== 'stderr').map(place)).toEqual(
      m
        .tail(r.value.id)
        .filter((e) => e.kind !== 'stderr')
        .map(place),
    );
    expect(page.entries.find((e) => e.runNo === 2)?.offset).toBeGreaterThanOrEqual(done.runs[1]!.logOffset!);
    const older = await m.readLogPage(r.value.id, { before: { runNo: 2, offset: done.runs[1]!.logOffset! } });
    expect(older.entries.every((e) => e.runNo === 1)).toBe(true);
    expect(older.end).toEqual({ runNo: 2, offset: done.runs[1]!.logOffset! });
  });

  it('a follow-up costs the difference of the session totals (the CLI reports the cumulative cost after --resume)', async () => {
    const m = w.make();
    await m.start();
    const r = await m.spawn({ name: 'notes', prompt: 'scenario:write-file', projectDir: w.dir('notes') });
    if (!r.ok) throw new Error(r.message);
    const first = await finished(m, r.value.id);
    const firstTotal = recordedResult('write-file').total_cost_usd as number;
    expect(first.costUsd).toBeCloseTo(firstTotal, 6);
    const f = await m.followUp(r.value.id, 'and now scenario:resumed-after-write-file');
    if (!f.ok) throw new Error(f.message);
    const done = await finished(m, r.value.id);
    expect(done.status).toBe('completed');
    expect(done.claudeSessionId).toBe(first.claudeSessionId);
    const sessionTotal = recordedResult('resumed-after-write-file').total_cost_usd as number;
    // The task cost what the CLI says the session cost, not the sum of the two reported totals.
    expect(done.costUsd).toBeCloseTo(sessionTotal, 6);
    expect(done.runs[0]?.costUsd).toBeCloseTo(firstTotal, 6);
    expect(done.runs[1]?.costUsd).toBeCloseTo(sessionTotal - firstTotal, 6);
  });

  it('follow-up of a session the CLI does not know → failed with the resume-unknown explanation', async () => {
    const m = w.make();
    await m.start();
    const r = await m.spawn({ name: 'gone', prompt: 'scenario:plain', projectDir: w.dir('gone') });
    if (!r.ok) throw new Error(r.message);
    expect((await finished(m, r.value.id)).status).toBe('completed');
    // The CLI's transcripts vanish (another config dir, deleted): the session id is now bogus.
    rmSync(join(w.env.CLAUDE_CONFIG_DIR as string, 'fake-claude-sessions'), { recursive: true, force: true });
    const f = await m.followUp(r.value.id, 'continue');
    expect(f.ok).toBe(true);
    const t = await finished(m, r.value.id);
    expect(t.status).toBe('failed');
    expect(t.failure?.kind).toBe('execution_error');
    expect(t.failure?.message).toMatch(/could not continue the earlier conversation/);
    expect(t.runs[1]?.exitCode).toBe(1);
    expect(m.tail(t.id).some((e) => e.kind === 'stderr' && /No conversation found/.test(e.text))).toBe(true);
  });

  it('follow-up is refused while the task runs and when no session id is known', async () => {
    const m = w.make({ env: { ...w.env, FAKE_CLAUDE_SPEED: '1' } });
    await m.start();
    const r = await m.spawn({ name: 'busy', prompt: 'scenario:slow', projectDir: w.dir('busy') });
    if (!r.ok) throw new Error(r.message);
    const live = await m.followUp(r.value.id, 'more');
    expect(live).toEqual({ ok: false, message: expect.stringMatching(/still running/) });
    await m.cancel(r.value.id);

    const cmd = w.make({
      backend: 'command',
      commandArgv: [process.execPath, '-e', 'console.log("no session here")'],
      stateDir: join(w.root, '.state2'),
    });
    await cmd.start();
    const c = await cmd.spawn({ name: 'plain command', prompt: 'x', projectDir: w.dir('cmd') });
    if (!c.ok) throw new Error(c.message);
    expect((await finished(cmd, c.value.id)).status).toBe('completed');
    const f = await cmd.followUp(c.value.id, 'again');
    expect(f).toEqual({ ok: false, message: expect.stringMatching(/no agent session/) });
    expect(await m.followUp(999, 'x')).toEqual({ ok: false, message: 'There is no task 999.' });
  });

  it('passes the environment minus CLAUDECODE/CLAUDE_CODE_ENTRYPOINT, stdin ignored, own process group, cwd = project', async () => {
    const m = w.make({
      env: {
        ...w.env,
        FAKE_CLAUDE_ECHO_ARGS: '1',
        CLAUDECODE: '1',
        CLAUDE_CODE_ENTRYPOINT: 'cli',
        VO_TEST_MARK: 'kept',
      },
    });
    await m.start();
    const dir = w.dir('env check');
    const r = await m.spawn({
      name: 'env',
      prompt: 'scenario:plain',
      projectDir: dir,
      appendSystemPrompt: 'be brief',
      maxBudgetUsd: 0.5,
    });
    if (!r.ok) throw new Error(r.message);
    const t = await finished(m, r.value.id);
    const [facts] = factLines(m, t.id, 'fake_args');
    expect(facts?.env).toEqual({ CLAUDECODE: null, CLAUDE_CODE_ENTRYPOINT: null, VO_TEST_MARK: 'kept' });
    expect(facts?.stdin).toBe('chardev'); // /dev/null
    expect(facts?.pgid).toBe(facts?.pid);
    expect(facts?.pid).toBe(t.runs[0]?.pid);
    expect(facts?.cwd).toBe(dir);
    expect(facts?.args).toEqual(
      expect.arrayContaining(['--append-system-prompt', 'be brief', '--max-budget-usd', '0.5']),
    );
  });

  it('output events are batched per task and carry increasing seq numbers', async () => {
    const m = w.make();
    await m.start();
    const batches: number[][] = [];
    m.on('output', (_id, entries) => batches.push(entries.map((e) => e.seq)));
    const r = await m.spawn({ name: 'seq', prompt: 'scenario:write-file', projectDir: w.dir('seq') });
    if (!r.ok) throw new Error(r.message);
    await finished(m, r.value.id);
    const all = batches.flat();
    expect(all).toEqual([...all].sort((a, b) => a - b));
    expect(all).toEqual(m.tail(r.value.id).map((e) => e.seq));
    expect(batches.length).toBeLessThan(all.length);
  });
});

describe('fake-claude behaves like the CLI where the engine depends on it', () => {
  const run = (args: string[], env: Record<string, string | undefined> = {}) =>
    spawnSync(FAKE_CLAUDE, args, { encoding: 'utf8', env: { ...w.env, FAKE_CLAUDE_SPEED: '20', ...env } });

  it('rejects stream-json without --verbose, and a missing prompt', () => {
    const r = run(['-p', 'hi', '--output-format', 'stream-json']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('Error: When using --print, --output-format=stream-json requires --verbose\n');
    expect(run(['-p', '--output-format', 'stream-json', '--verbose']).status).toBe(1);
  });

  it('gives every run a fresh session id and keeps it on --resume; unknown ids fail like the CLI', () => {
    const base = ['--output-format', 'stream-json', '--verbose', '--permission-mode', 'acceptEdits'];
    const first = execFileSync(FAKE_CLAUDE, ['-p', 'scenario:plain', ...base], {
      encoding: 'utf8',
      env: { ...w.env, FAKE_CLAUDE_SPEED: '20' },
    });
    const ids = new Set([...first.matchAll(/"session_id":"([^"]+)"/g)].map((m) => m[1]));
    expect(ids.size).toBe(1);
    const id = [...ids][0] as string;
    const recorded = readFileSync(join(__dirname, '../fixtures/claude-cli/plain.ndjson'), 'utf8');
    expect(recorded).not.toContain(id);
    const again = run(['-p', 'more', ...base, '--resume', id]);
    expect(again.status).toBe(0);
    expect(new Set([...again.stdout.matchAll(/"session_id":"([^"]+)"/g)].map((m) => m[1]))).toEqual(new Set([id]));
    const bogus = '12345678-1234-4123-8123-123456789abc';
    const unknown = run(['-p', 'more', ...base, '--resume', bogus]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toBe(`No conversation found with session ID: ${bogus}\n`);
    expect(JSON.parse(unknown.stdout.trim())).toMatchObject({
      type: 'result',
      subtype: 'error_during_execution',
      num_turns: 0,
      session_id: bogus,
    });
  });
});
