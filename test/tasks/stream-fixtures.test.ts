import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FilesTouched } from '../../src/tasks/files-touched.js';
import { LineSplitter } from '../../src/tasks/line-splitter.js';
import { parseStreamJsonLine } from '../../src/tasks/stream-json.js';
import { decideOutcome } from '../../src/tasks/outcome.js';
import { activityLine, toOutputEntries } from '../../src/tasks/display.js';
import type { AgentEvent } from '../../src/tasks/types.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/claude-cli');

interface Summary {
  exit_code: number | null;
  exit_signal: string | null;
  signal: string | null;
  stderr: string;
}

interface Replay {
  events: AgentEvent[];
  lines: number;
  summary: Summary;
  lastResult?: Extract<AgentEvent, { type: 'result' }>;
  lastApiError?: Extract<AgentEvent, { type: 'api_error' }>;
  filesTouched: string[];
}

/** Replays a recorded stdout through the splitter (odd chunk sizes) and the parser. */
function replay(name: string, chunkSize = 997): Replay {
  const bytes = readFileSync(join(DIR, `${name}.ndjson`));
  const summary = JSON.parse(readFileSync(join(DIR, `${name}.summary.json`), 'utf8')) as Summary;
  const splitter = new LineSplitter();
  const events: AgentEvent[] = [];
  let lines = 0;
  const take = (ls: { text: string; truncated: boolean }[]): void => {
    for (const l of ls) {
      lines++;
      events.push(...parseStreamJsonLine(l.text, l.truncated, `/home/dev/projects/${name}`));
    }
  };
  for (let i = 0; i < bytes.length; i += chunkSize) take(splitter.push(bytes.subarray(i, i + chunkSize)));
  take(splitter.end());
  const r: Replay = { events, lines, summary, filesTouched: [] };
  const files = new FilesTouched();
  for (const ev of events) {
    if (ev.type === 'result') r.lastResult = ev;
    if (ev.type === 'api_error') r.lastApiError = ev;
    const changed = files.apply(ev);
    if (changed !== undefined) r.filesTouched.push(changed);
  }
  return r;
}

function outcomeOf(r: Replay, cancelled = false) {
  return decideOutcome({
    lastResult: r.lastResult,
    lastApiError: r.lastApiError,
    exitCode: r.summary.exit_code,
    signal: r.summary.exit_signal,
    cancelled,
    stderrTail: r.summary.stderr,
    backend: 'claude',
  });
}

const ALL = readdirSync(DIR)
  .filter((f) => f.endsWith('.ndjson'))
  .map((f) => f.replace(/\.ndjson$/, ''))
  .sort();

describe('recorded Claude CLI streams', () => {
  it('has all fixtures copied', () => {
    expect(ALL.length).toBe(29);
  });

  it.each(ALL)('%s: every line parses to typed events, never raw, and each event renders', (name) => {
    const r = replay(name);
    const nonEmpty = readFileSync(join(DIR, `${name}.ndjson`), 'utf8')
      .split('\n')
      .filter((l) => l !== '').length;
    expect(r.lines).toBe(nonEmpty);
    expect(r.events.filter((e) => e.type === 'raw')).toEqual([]);
    for (const ev of r.events) {
      for (const entry of toOutputEntries(ev)) {
        expect(entry.text).not.toContain('\x1b');
        if (entry.kind !== 'text' && entry.kind !== 'tool_result') expect(entry.text).not.toContain('\n');
      }
      const act = activityLine(ev);
      if (act !== undefined) expect(act).not.toContain('\n');
    }
  });

  it('the same events come out for any chunking (1-byte chunks included)', () => {
    for (const name of ['write-file', 'slow-partial', 'error-529']) {
      expect(replay(name, 1).events).toEqual(replay(name, 65536).events);
    }
  });

  it('write-file: completed with cost, turns, result text, and the written file', () => {
    const r = replay('write-file');
    expect(outcomeOf(r)).toEqual({ status: 'completed' });
    const res = r.lastResult!;
    expect(res.subtype).toBe('success');
    expect(res.isError).toBe(false);
    expect(res.turns).toBe(2);
    expect(res.costUsd).toBeCloseTo(0.10056, 5);
    expect(res.text).toMatch(/^Done: I created NOTES\.md\./);
    expect(res.usage).toEqual({
      inputTokens: 24495,
      outputTokens: 129,
      cacheCreationInputTokens: 0,
      cacheReadInputTokens: 0,
    });
    expect(res.terminalReason).toBe('completed');
    expect(res.sessionId).toBe('e1e9e9fb-1bc4-4b1a-a390-9aaf8b3f5d82');
    expect(res.durationMs).toBeGreaterThan(0);
    expect(r.filesTouched).toEqual(['/home/dev/projects/write-file/NOTES.md']);
    const tool = r.events.find((e) => e.type === 'tool_use');
    expect(tool).toMatchObject({
      name: 'Write',
      summary: 'Write NOTES.md',
      filePath: '/home/dev/projects/write-file/NOTES.md',
    });
    const init = r.events[0];
    expect(init).toMatchObject({
      type: 'init',
      sessionId: 'e1e9e9fb-1bc4-4b1a-a390-9aaf8b3f5d82',
      model: 'claude-opus-5-5',
      cwd: '/home/dev/projects/write-file',
      permissionMode: 'acceptEdits',
    });
    expect(init?.type === 'init' && init.tools).toContain('Write');
    const tr = r.events.find((e) => e.type === 'tool_result');
    expect(tr).toMatchObject({ isError: false, toolUseId: 'toolu_fakedb3051cae6ff02185c8d' });
    expect(tr?.type === 'tool_result' && tr.text).toMatch(/^File created successfully/);
    expect(toOutputEntries(res)).toEqual([{ kind: 'result', text: '✓ done in 2 turns, $0.10' }]);
  });

  it('write-file-partial: partial_text deltas and the same completed outcome', () => {
    const r = replay('write-file-partial');
    expect(r.events.some((e) => e.type === 'partial_text')).toBe(true);
    expect(outcomeOf(r)).toEqual({ status: 'completed' });
    expect(r.filesTouched).toEqual(['/home/dev/projects/write-file-partial/NOTES.md']);
  });

  it.each([
    ['error', 'API error 401: Invalid API key · Fix external API key'],
    ['error-401-retries', 'API error 401: Invalid API key · Fix external API key'],
    ['error-400', 'API error 400: Invalid request'],
  ])('%s: failed api_error with a readable message', (name, message) => {
    const r = replay(name);
    expect(r.summary.exit_code).toBe(1);
    expect(outcomeOf(r)).toEqual({ status: 'failed', failure: { kind: 'api_error', message } });
    expect(r.lastApiError).toMatchObject({ type: 'api_error' });
  });

  it('error-529: failed api_error naming the overload', () => {
    const r = replay('error-529');
    const o = outcomeOf(r);
    expect(o.status).toBe('failed');
    expect(o.failure?.kind).toBe('api_error');
    expect(o.failure?.message).toMatch(/^API error 529: Repeated 529 Overloaded errors\. The API is at capacity/);
    const retries = r.events.filter((e) => e.type === 'api_retry');
    expect(retries).toHaveLength(2);
    expect(retries[0]).toMatchObject({ attempt: 1, errorStatus: 529 });
  });

  it('error-401-retries: ten api_retry events with attempt, max, delay, status and error', () => {
    const r = replay('error-401-retries');
    const retries = r.events.filter((e) => e.type === 'api_retry');
    expect(retries).toHaveLength(10);
    expect(retries[0]).toEqual({
      type: 'api_retry',
      attempt: 1,
      maxRetries: 10,
      retryDelayMs: 536,
      errorStatus: 401,
      error: 'authentication_failed',
    });
    expect(activityLine(retries[2]!)).toBe('retrying API (3/10): HTTP 401');
    expect(toOutputEntries(retries[2]!)[0]?.text).toBe(
      'API retry 3/10 (authentication_failed, HTTP 401), next try in 2.1 s…',
    );
    expect(r.lastApiError).toEqual({
      type: 'api_error',
      status: 401,
      errorType: 'authentication_error',
      message: 'Invalid API key · Fix external API key',
    });
  });

  it.each([
    ['max-turns', 'stopped after reaching the maximum of 1 turn', 2],
    ['loop-max-turns-3', 'stopped after reaching the maximum of 3 turns', 4],
  ])('%s: failed max_turns (num_turns is max + 1)', (name, message, turns) => {
    const r = replay(name);
    expect(r.lastResult?.turns).toBe(turns);
    expect(r.lastResult?.text).toBeUndefined();
    expect(outcomeOf(r)).toEqual({ status: 'failed', failure: { kind: 'max_turns', message } });
  });

  it('max-turns: the last Write was executed and is recorded', () => {
    expect(replay('max-turns').filesTouched).toEqual(['/home/dev/projects/max-turns/NOTES.md']);
  });

  it('max-budget: failed budget with the limit and the spend', () => {
    const r = replay('max-budget');
    expect(r.lastResult?.errors).toEqual(['Reached maximum budget ($0.1)']);
    expect(outcomeOf(r)).toEqual({
      status: 'failed',
      failure: { kind: 'budget', message: 'stopped after reaching the budget limit of $0.1 ($0.15 spent)' },
    });
  });

  it('resume-unknown: failed with a "no conversation found" explanation', () => {
    const r = replay('resume-unknown');
    expect(r.events).toHaveLength(1);
    const o = outcomeOf(r);
    expect(o.status).toBe('failed');
    expect(o.failure?.kind).toBe('execution_error');
    expect(o.failure?.message).toMatch(
      /^could not continue the earlier conversation: No conversation found with session ID: 00000000-0000-4000-8000-000000000000\./,
    );
    // Without the errors array the stderr tail alone still explains it.
    const noErrors = decideOutcome({
      lastResult: { ...r.lastResult!, errors: [] },
      exitCode: 1,
      signal: null,
      cancelled: false,
      stderrTail: r.summary.stderr,
      backend: 'claude',
    });
    expect(noErrors.failure?.message).toMatch(/no conversation found/i);
  });

  it.each(['bash-sleep-sigterm', 'slow-sigterm'])('%s: no result line, exit 143, cancelled', (name) => {
    const r = replay(name);
    expect(r.lastResult).toBeUndefined();
    expect(r.summary.exit_code).toBe(143);
    expect(outcomeOf(r, true)).toEqual({ status: 'cancelled' });
    // The same death without a cancel request is a crash.
    expect(outcomeOf(r, false)).toEqual({
      status: 'failed',
      failure: { kind: 'crashed', message: 'crashed with exit code 143' },
    });
  });

  it.each(['bash-sleep-sigint', 'slow-sigint'])(
    '%s: error_during_execution after SIGINT (exit 0) is cancelled',
    (name) => {
      const r = replay(name);
      expect(r.summary.exit_code).toBe(0);
      expect(r.lastResult?.subtype).toBe('error_during_execution');
      expect(r.events.some((e) => e.type === 'interrupted')).toBe(true);
      expect(outcomeOf(r, true)).toEqual({ status: 'cancelled' });
      // Not requested by us: a failure, without the CLI's internal diagnostic text.
      expect(outcomeOf(r, false)).toEqual({
        status: 'failed',
        failure: { kind: 'execution_error', message: 'interrupted before it finished' },
      });
    },
  );

  it('slow-sigint: the partial assistant block is marked aborted', () => {
    const r = replay('slow-sigint');
    expect(r.events.find((e) => e.type === 'text')).toEqual({
      type: 'text',
      text: 'chunk 1 of 20. chunk 2 of 20. chunk 3 of 20. ',
      aborted: true,
    });
  });

  it('bash-sleep-sigint: the rejected tool result and the interruption', () => {
    const r = replay('bash-sleep-sigint');
    expect(r.events.find((e) => e.type === 'tool_use')).toMatchObject({
      name: 'Bash',
      summary: 'Bash: sleep 20; echo slept',
    });
    expect(r.events.find((e) => e.type === 'tool_result')).toMatchObject({ isError: true });
    expect(r.events.find((e) => e.type === 'interrupted')).toEqual({
      type: 'interrupted',
      text: '[Request interrupted by user for tool use]',
    });
  });

  it('write-file-denied: completed, with the denial as an event and in the result', () => {
    const r = replay('write-file-denied');
    expect(outcomeOf(r)).toEqual({ status: 'completed' });
    const denied = r.events.find((e) => e.type === 'permission_denied');
    expect(denied).toMatchObject({ toolName: 'Write', toolUseId: 'toolu_fakef674b819a9d2dcc570b1' });
    expect(denied?.type === 'permission_denied' && denied.message).toMatch(/haven't granted it yet/);
    expect(r.lastResult?.permissionDenials).toEqual([
      { toolName: 'Write', toolUseId: 'toolu_fakef674b819a9d2dcc570b1' },
    ]);
    expect(activityLine(denied!)).toBe('permission denied: Write');
  });

  it('write-file-denied: the refused Write is not a file touched', () => {
    const r = replay('write-file-denied');
    expect(r.events.find((e) => e.type === 'tool_use')).toMatchObject({
      filePath: '/home/dev/projects/write-file-denied/NOTES.md',
    });
    expect(r.filesTouched).toEqual([]);
  });

  it('bash-touch-denied: completed, the refused command touched nothing', () => {
    const r = replay('bash-touch-denied');
    expect(outcomeOf(r)).toEqual({ status: 'completed' });
    expect(r.lastResult?.permissionDenials).toEqual([
      { toolName: 'Bash', toolUseId: 'toolu_fake43d0c06ae88c90a4cb77' },
    ]);
    expect(r.filesTouched).toEqual([]);
  });

  it('bare: ui_invalidate comes before init and is "other"', () => {
    const r = replay('bare');
    expect(r.events[0]).toEqual({ type: 'other', lineType: 'system', subtype: 'ui_invalidate' });
    expect(r.events[1]).toMatchObject({ type: 'init', model: 'claude-opus-5-5' });
    expect(outcomeOf(r)).toEqual({ status: 'completed' });
  });

  it.each(['plain-partial', 'slow-partial'])(
    '%s: text deltas become partial_text that add up to the final text',
    (name) => {
      const r = replay(name);
      const partial = r.events.filter(
        (e): e is Extract<AgentEvent, { type: 'partial_text' }> => e.type === 'partial_text',
      );
      expect(partial.length).toBeGreaterThan(1);
      const text = r.events.find((e) => e.type === 'text');
      expect(partial.map((p) => p.text).join('')).toBe(text?.type === 'text' ? text.text : '');
      expect(r.events).toContainEqual({ type: 'other', lineType: 'system', subtype: 'status' });
      expect(r.events).toContainEqual({ type: 'other', lineType: 'stream_event', subtype: 'message_stop' });
    },
  );

  it('bash: Bash tool summary and its output', () => {
    const r = replay('bash');
    expect(r.events.find((e) => e.type === 'tool_use')).toMatchObject({ summary: 'Bash: echo hello-from-fake-bash' });
    expect(r.events.find((e) => e.type === 'tool_result')).toMatchObject({
      isError: false,
      text: 'hello-from-fake-bash',
    });
    expect(outcomeOf(r)).toEqual({ status: 'completed' });
  });

  it('stdin-stream-json: the replayed prompt is "other", not an interruption', () => {
    const r = replay('stdin-stream-json');
    expect(r.events[1]).toEqual({ type: 'other', lineType: 'user', subtype: 'replay' });
    expect(outcomeOf(r)).toEqual({ status: 'completed' });
  });

  it.each(['plain', 'slow'])('%s: completed with the final text', (name) => {
    const r = replay(name);
    expect(outcomeOf(r)).toEqual({ status: 'completed' });
    expect(r.lastResult?.text).toBeTruthy();
  });
});
