// Codex reports a thread's cumulative usage; each run keeps its own share (recorded resume streams).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { backendFor } from '../../src/tasks/backends/registry.js';
import { toOutputEntries } from '../../src/tasks/display.js';
import { runUsage } from '../../src/tasks/run-usage.js';
import { addFollowUpRun, applyAgentEvent, newTaskState } from '../../src/tasks/task-state.js';
import type { AgentEvent } from '../../src/tasks/types.js';
import { runningRecord } from './record.fixture.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/codex-cli');

function events(name: string): AgentEvent[] {
  return readFileSync(join(DIR, `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((l) => backendFor('codex').parseLine(l, false, '/p'));
}

describe('codex usage per run', () => {
  it('a resumed run keeps its share of the thread total; the result says it reports the total', () => {
    const rec = runningRecord({ backend: 'codex' });
    const st = newTaskState(rec, 10);
    for (const ev of events('resume-first')) applyAgentEvent(st, 1, ev);
    expect(rec.runs[0]?.usage).toMatchObject({ inputTokens: 30526, outputTokens: 51 });
    addFollowUpRun(rec, 'next', 1);
    const second = events('resume');
    for (const ev of second) applyAgentEvent(st, 2, ev);
    expect(rec.runs[1]?.usage).toMatchObject({ inputTokens: 46235 - 30526, outputTokens: 72 - 51 });
    expect(rec.runs[1]?.sessionUsage).toMatchObject({ inputTokens: 46235 });
    const result = second.find((e) => e.type === 'result') as AgentEvent;
    expect(toOutputEntries(result)[0]?.text).toBe('✓ done: 46,235 tokens in, 72 out (thread total)');
  });

  it('per-run usage (gemini) and a total that shrank (a new thread) are taken as they are', () => {
    const u = { inputTokens: 10, outputTokens: 2, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };
    const runs = [
      { runNo: 1, prompt: 'p', status: 'completed' as const, sessionId: 's', sessionUsage: { ...u, inputTokens: 50 } },
    ];
    expect(runUsage(u, false, 's', 2, runs)).toEqual({ usage: u });
    expect(runUsage(u, true, 's', 2, runs).usage).toEqual(u);
    expect(runUsage({ ...u, inputTokens: 80 }, true, 's', 2, runs).usage.inputTokens).toBe(30);
  });
});
