/**
 * Every recorded Codex and Gemini CLI stream (test/fixtures/codex-cli, gemini-cli) through its
 * backend's parser, the task state and the backend's outcome rules: final status, result text,
 * files changed, errors and usage.
 */
import { UNBACKED_CHANGE_NOTE } from '../../src/tasks/backends/codex-claims.js';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { backendFor } from '../../src/tasks/backends/registry.js';
import { activityLine, toOutputEntries } from '../../src/tasks/display.js';
import { LineSplitter } from '../../src/tasks/line-splitter.js';
import type { Outcome } from '../../src/tasks/outcome.js';
import { applyAgentEvent, newTaskState, type TaskState } from '../../src/tasks/task-state.js';
import type { AgentEvent, TaskRecord } from '../../src/tasks/types.js';
import { runningRecord } from './record.fixture.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures');

interface Summary {
  exit_code: number | null;
  exit_signal: string | null;
  stderr?: string;
}

interface Replay {
  events: AgentEvent[];
  st: TaskState;
  outcome: Outcome;
}

function record(backend: 'codex' | 'gemini', name: string): TaskRecord {
  return runningRecord({ name, backend, projectDir: `/home/dev/projects/${name}` });
}

/** Replays a recording through the splitter (odd chunk sizes), the backend's parser and the task state. */
function replay(backend: 'codex' | 'gemini', name: string, cancelled = false): Replay {
  const dir = join(FIXTURES, `${backend}-cli`);
  const bytes = readFileSync(join(dir, `${name}.jsonl`));
  const summary = JSON.parse(readFileSync(join(dir, `${name}.summary.json`), 'utf8')) as Summary;
  const b = backendFor(backend);
  const st = newTaskState(record(backend, name), 100);
  const splitter = new LineSplitter();
  const events: AgentEvent[] = [];
  const take = (ls: { text: string; truncated: boolean }[]): void => {
    for (const l of ls) {
      for (const ev of b.parseLine(l.text, l.truncated, st.rec.projectDir)) {
        events.push(ev);
        applyAgentEvent(st, 1, ev);
      }
    }
  };
  for (let i = 0; i < bytes.length; i += 333) take(splitter.push(bytes.subarray(i, i + 333)));
  take(splitter.end());
  const outcome = b.outcome({
    lastResult: st.lastResult,
    lastApiError: st.lastApiError,
    exitCode: summary.exit_code,
    signal: summary.exit_signal,
    cancelled,
    stderrTail: summary.stderr?.slice(-8192),
  });
  return { events, st, outcome };
}

function names(backend: string): string[] {
  return (
    readdirSync(join(FIXTURES, `${backend}-cli`))
      // Approval exchanges (*.exchange.jsonl) are JSON-RPC recordings, not headless streams: approval-host tests read them.
      .filter((f) => f.endsWith('.jsonl') && !f.endsWith('.exchange.jsonl'))
      .map((f) => f.slice(0, -'.jsonl'.length))
      .sort()
  );
}

const CODEX_STATUS: Record<string, Outcome['status']> = {
  'error-401-default-retries': 'failed',
  'error-401': 'failed',
  'openai-provider-ws-fallback': 'completed',
  plain: 'completed',
  'response-failed': 'failed',
  'resume-first': 'completed',
  'resume-unknown': 'failed',
  resume: 'completed',
  'shell-bypass': 'completed',
  'shell-escalate-approve-for-me-deny': 'completed',
  'shell-escalate-approve-for-me': 'completed',
  'shell-escalate-never': 'completed',
  'shell-sleep-sigint': 'interrupted',
  'shell-sleep-sigterm-bypass': 'interrupted',
  'shell-sleep-sigterm': 'interrupted',
  'shell-touch-readonly-earlier': 'completed',
  'shell-touch-readonly': 'completed',
  shell: 'completed',
  'slow-sigint': 'interrupted',
  'slow-sigterm': 'interrupted',
  slow: 'completed',
  'write-file-readonly': 'completed',
  'write-file': 'completed',
};

const GEMINI_STATUS: Record<string, Outcome['status']> = {
  'auth-gateway': 'failed',
  'error-401': 'failed',
  plain: 'completed',
  'resume-first': 'completed',
  'resume-unknown': 'failed',
  resume: 'completed',
  'shell-allowed-tools': 'completed',
  'shell-default': 'completed',
  'shell-policy-denied': 'completed',
  'shell-sleep-sigterm-group': 'interrupted',
  shell: 'completed',
  'slow-sigint-group': 'interrupted',
  'slow-sigterm-group': 'interrupted',
  'slow-sigterm-launcher': 'completed',
  'slow-sigterm-no-relaunch': 'interrupted',
  slow: 'completed',
  untrusted: 'failed',
  'write-file-auto-edit': 'completed',
  'write-file-default': 'completed',
  'write-file': 'completed',
};

describe.each([
  ['codex', CODEX_STATUS],
  ['gemini', GEMINI_STATUS],
] as const)('%s recordings', (backend, expected) => {
  it('has an expected status for every recorded stream', () => {
    expect(names(backend)).toEqual(Object.keys(expected).sort());
  });
  it.each(names(backend))('%s: final status, and every event renders', (name) => {
    const r = replay(backend, name);
    expect(r.outcome.status).toBe(expected[name]);
    if (r.outcome.status !== 'completed') expect(r.outcome.failure?.message ?? '').not.toBe('');
    for (const ev of r.events) {
      expect(ev.type).not.toBe('raw');
      for (const e of toOutputEntries(ev)) expect(e.text.includes(String.fromCharCode(27))).toBe(false);
      activityLine(ev);
    }
  });
  it.each(names(backend))('%s: a cancel the user asked for reads as cancelled when no final line came', (name) => {
    const r = replay(backend, name, true);
    if (r.st.lastResult === undefined && expected[name] === 'interrupted') expect(r.outcome.status).toBe('cancelled');
  });
});

describe('codex streams', () => {
  it('plain: the thread id is the session, the agent message the result, usage read as tokens', () => {
    const r = replay('codex', 'plain');
    expect(r.st.rec.claudeSessionId).toBe('01a23d53-5e36-7e13-8975-11d869f3ee9b');
    expect(r.st.rec.resultText).toBe('Hello from the fake Responses API.');
    const result = r.events.find((e) => e.type === 'result');
    expect(result).toMatchObject({ usage: { inputTokens: 14981, outputTokens: 21 }, tokensOnly: true });
    expect(toOutputEntries(result as AgentEvent)[0]?.text).toBe('✓ done: 14,981 tokens in, 21 out (thread total)');
  });
  it('write-file: the file change counts as a changed file; the last message is the result', () => {
    const r = replay('codex', 'write-file');
    expect(r.st.rec.filesTouched).toEqual(['/home/dev/projects/write-file/NOTES.md']);
    expect(r.st.rec.resultText).toBe('Created NOTES.md with a short note.');
    expect(r.events.find((e) => e.type === 'tool_use')).toMatchObject({ summary: 'Write NOTES.md' });
  });
  it('write-file-readonly: the refused patch leaves no changed file, and the result says the claimed change was not made', () => {
    const r = replay('codex', 'write-file-readonly');
    expect(r.st.rec.filesTouched).toEqual([]);
    expect(r.outcome.status).toBe('completed');
    expect(r.st.rec.resultText).toBe(`Created NOTES.md with a short note.\n\n${UNBACKED_CHANGE_NOTE}`);
    // Runs with tool items, or answers that claim nothing, are left as the agent wrote them.
    expect(replay('codex', 'write-file').st.rec.resultText).toBe('Created NOTES.md with a short note.');
    expect(replay('codex', 'plain').st.rec.resultText).toBe('Hello from the fake Responses API.');
    expect(replay('codex', 'shell-touch-readonly').st.rec.resultText).not.toContain(UNBACKED_CHANGE_NOTE);
  });
  it('shell: the command without its bash wrapper, its output as the tool result', () => {
    const r = replay('codex', 'shell');
    expect(r.events.find((e) => e.type === 'tool_use')).toMatchObject({ name: 'Bash', summary: 'Bash: echo hello' });
    expect(r.events.find((e) => e.type === 'tool_result')).toMatchObject({ isError: false, text: 'hello' });
  });
  it('a failed and a declined command are tool errors, the turn still completes', () => {
    const failed = replay('codex', 'shell-touch-readonly-earlier');
    expect(failed.events.find((e) => e.type === 'tool_result')).toMatchObject({ isError: true });
    const declined = replay('codex', 'shell-escalate-approve-for-me-deny');
    expect(declined.events.find((e) => e.type === 'tool_result')).toMatchObject({
      isError: true,
      text: 'declined: the command was not run',
    });
  });
  it('error-401: an API error with its status', () => {
    const r = replay('codex', 'error-401');
    expect(r.outcome.failure?.kind).toBe('api_error');
    expect(r.outcome.failure?.message).toMatch(/^API error 401: .*Incorrect API key/);
  });
  it('error-401-default-retries: the reconnects are retries, then the API error', () => {
    const r = replay('codex', 'error-401-default-retries');
    const retries = r.events.filter((e) => e.type === 'api_retry');
    expect(retries).toHaveLength(5);
    expect(retries[4]).toMatchObject({ attempt: 5, maxRetries: 5, errorStatus: 401 });
    expect(r.outcome.failure?.message).toMatch(/^API error 401/);
  });
  it('response-failed: the stream error is the failure', () => {
    expect(replay('codex', 'response-failed').outcome.failure?.message).toMatch(
      /stream disconnected before completion/,
    );
  });
  it('resume-unknown: the missing thread is named', () => {
    expect(replay('codex', 'resume-unknown').outcome.failure?.message).toMatch(/no rollout found for thread id/);
  });
  it('slow-sigterm: killed by a signal it did not get from us', () => {
    expect(replay('codex', 'slow-sigterm').outcome.failure?.message).toMatch(/SIGTERM/);
  });
  it('resume: the same thread id comes back', () => {
    expect(replay('codex', 'resume').st.rec.claudeSessionId).toBe(
      replay('codex', 'resume-first').st.rec.claudeSessionId,
    );
  });
});

describe('gemini streams', () => {
  it('plain: session id, the streamed chunks joined into the result, per-run tokens', () => {
    const r = replay('gemini', 'plain');
    expect(r.st.rec.claudeSessionId).toBe('f9603963-b4b3-4754-8650-5fe14e5c6620');
    expect(r.st.rec.resultText).toBe('Hello from the fake Gemini API.');
    expect(r.events.find((e) => e.type === 'result')).toMatchObject({
      usage: { inputTokens: 293, outputTokens: 24 },
      durationMs: 139,
    });
  });
  it('write-file (auto_edit): the written file counts; the text after the tool is the result', () => {
    const r = replay('gemini', 'write-file-auto-edit');
    expect(r.st.rec.filesTouched).toEqual(['/home/dev/projects/write-file-auto-edit/NOTES.md']);
    expect(r.st.rec.resultText).toBe('Created NOTES.md with a short note.');
    expect(r.events.find((e) => e.type === 'tool_use')).toMatchObject({ summary: 'Write NOTES.md' });
  });
  it('write-file-default: the tool was not offered, so no file counts', () => {
    const r = replay('gemini', 'write-file-default');
    expect(r.st.rec.filesTouched).toEqual([]);
    expect(r.events.find((e) => e.type === 'tool_result')).toMatchObject({ isError: true });
    expect((r.events.find((e) => e.type === 'tool_result') as { text: string }).text).toMatch(/^tool_not_registered: /);
  });
  it('shell: the command summary and its output', () => {
    const r = replay('gemini', 'shell');
    expect(r.events.find((e) => e.type === 'tool_use')).toMatchObject({ summary: 'Bash: echo hello' });
    expect(r.events.find((e) => e.type === 'tool_result')).toMatchObject({ isError: false, text: 'hello' });
  });
  it('shell-policy-denied: a tool error, the run still succeeds', () => {
    const r = replay('gemini', 'shell-policy-denied');
    expect(r.events.find((e) => e.type === 'tool_result')).toMatchObject({ isError: true });
  });
  it('error-401: the API error from the result line, not the exit code 145', () => {
    const r = replay('gemini', 'error-401');
    expect(r.outcome.failure).toMatchObject({ kind: 'api_error' });
    expect(r.outcome.failure?.message).toMatch(/^API error 401: Request had invalid authentication credentials/);
  });
  it('killed without a result line (exit 0) is interrupted, not completed', () => {
    const r = replay('gemini', 'slow-sigterm-group');
    expect(r.outcome.status).toBe('interrupted');
    expect(r.st.rec.resultText).toBeUndefined();
  });
  it('untrusted, auth and unknown session failures say why', () => {
    expect(replay('gemini', 'untrusted').outcome.failure?.message).toMatch(/exit code 55.*not trusted/);
    expect(replay('gemini', 'auth-gateway').outcome.failure?.message).toMatch(/Invalid auth method selected/);
    expect(replay('gemini', 'resume-unknown').outcome.failure?.message).toMatch(/No previous sessions found/);
  });
  it('resume: the same session id comes back', () => {
    expect(replay('gemini', 'resume').st.rec.claudeSessionId).toBe('b7466672-ab8e-4525-95f5-3cea18d551b7');
  });
});

describe('hostile stream text', () => {
  it('escape sequences in agent text and paths are removed at the parser', () => {
    const codex = backendFor('codex').parseLine(
      JSON.stringify({
        type: 'item.completed',
        item: { id: 'i', type: 'agent_message', text: 'hi\u001b[31m red\u0007' },
      }),
      false,
      '/p',
    );
    expect(codex).toEqual([{ type: 'text', text: 'hi red' }]);
    const gemini = backendFor('gemini').parseLine(
      JSON.stringify({
        type: 'tool_use',
        tool_name: 'write_file',
        tool_id: 't',
        parameters: { file_path: '/p/a\u001b]0;x\u0007.md' },
      }),
      false,
      '/p',
    );
    expect(gemini[0]).toMatchObject({ filePath: '/p/a.md' });
  });
  it('lines that are not JSON objects are raw text', () => {
    expect(backendFor('codex').parseLine('not json', false, undefined)).toEqual([{ type: 'raw', text: 'not json' }]);
    expect(backendFor('gemini').parseLine('[1]', false, undefined)).toEqual([{ type: 'raw', text: '[1]' }]);
  });
});
