// Codex and gemini report tokens, not dollars: each run's cost is estimated from its own tokens and
// per-model prices (built-in estimates, overridden in config), and reads with a leading "~".
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { taskCost } from '../../src/components/format.js';
import { agentTaskOptions } from '../../src/config/agent-options.js';
import {
  agentPricesSchema,
  DEFAULT_AGENT_PRICES,
  estimateRunCost,
  mergedPrices,
} from '../../src/tasks/agent-prices.js';
import { backendFor } from '../../src/tasks/backends/registry.js';
import { resolveOptions } from '../../src/tasks/task-manager-options.js';
import { addFollowUpRun, applyAgentEvent, newTaskState } from '../../src/tasks/task-state.js';
import type { AgentEvent, BackendKind, TaskRecord } from '../../src/tasks/types.js';
import { runningRecord } from './record.fixture.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures');

function events(agent: 'codex' | 'gemini', name: string): AgentEvent[] {
  return readFileSync(join(FIXTURES, `${agent}-cli`, `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((l) => backendFor(agent).parseLine(l, false, '/p'));
}

function record(backend: BackendKind, model?: string): TaskRecord {
  return runningRecord({ backend, ...(model ? { model } : {}) });
}

const usage = (input: number, output: number, cached = 0) => ({
  inputTokens: input,
  outputTokens: output,
  cacheCreationInputTokens: 0,
  cacheReadInputTokens: cached,
});

describe('agent cost estimates', () => {
  it('price a codex run from its own share of the thread tokens, also after a resume', () => {
    const rec = record('codex');
    const st = newTaskState(rec, 10);
    for (const ev of events('codex', 'resume-first')) applyAgentEvent(st, 1, ev, DEFAULT_AGENT_PRICES);
    const p = DEFAULT_AGENT_PRICES.codex!;
    const first = rec.runs[0]!.usage!;
    const firstCost =
      (first.inputTokens * p.input + first.cacheReadInputTokens * p.cachedInput + first.outputTokens * p.output) / 1e6;
    expect(rec.runs[0]?.costUsd).toBeCloseTo(firstCost, 10);
    expect(firstCost).toBeGreaterThan(0.03);
    addFollowUpRun(rec, 'next', 1);
    for (const ev of events('codex', 'resume')) applyAgentEvent(st, 2, ev, DEFAULT_AGENT_PRICES);
    const own = rec.runs[1]!.usage!;
    expect(own.inputTokens).toBe(46235 - 30526);
    expect(rec.runs[1]?.costUsd).toBeCloseTo(estimateRunCost('codex', undefined, own)!, 10);
    expect(rec.costUsd).toBeCloseTo(rec.runs[0]!.costUsd! + rec.runs[1]!.costUsd!, 10);
  });

  it('price a gemini run by the task model when it is listed, else by the agent', () => {
    const flash = record('gemini', 'gemini-2.5-flash');
    const st = newTaskState(flash, 10);
    for (const ev of events('gemini', 'plain')) applyAgentEvent(st, 1, ev, DEFAULT_AGENT_PRICES);
    expect(flash.runs[0]?.usage).toMatchObject({ inputTokens: 293, outputTokens: 24 });
    expect(flash.costUsd).toBeCloseTo((293 * 0.3 + 24 * 2.5) / 1e6, 12);

    const unlisted = record('gemini', 'some-new-model');
    const st2 = newTaskState(unlisted, 10);
    for (const ev of events('gemini', 'plain')) applyAgentEvent(st2, 1, ev, DEFAULT_AGENT_PRICES);
    expect(unlisted.costUsd).toBeCloseTo((293 * 1.25 + 24 * 10) / 1e6, 12);
  });

  it('configured prices override the built-in ones; cached input defaults to the input price', () => {
    const configured = agentPricesSchema.parse({ codex: { input: 2, output: 8 } });
    expect(configured.codex).toEqual({ input: 2, cachedInput: 2, output: 8 });
    expect(() => agentPricesSchema.parse({ codex: { input: -1, output: 1 } })).toThrow();
    const prices = resolveOptions({ roots: ['/p'], ...agentTaskOptions({ agentPrices: configured }) }).agentPrices;
    expect(prices.codex).toEqual({ input: 2, cachedInput: 2, output: 8 });
    expect(prices.gemini).toEqual(DEFAULT_AGENT_PRICES.gemini);
    expect(estimateRunCost('codex', undefined, usage(1_000_000, 500_000, 1_000_000), prices)).toBeCloseTo(
      2 + 2 + 4,
      10,
    );
    expect(estimateRunCost('gemini', 'x', usage(1, 1), { codex: prices.codex! })).toBeUndefined();
    expect(mergedPrices(undefined)).toEqual(DEFAULT_AGENT_PRICES);
  });

  it('claude runs keep the cost the CLI reported; only estimates read with "~"', () => {
    const rec = record('claude');
    const st = newTaskState(rec, 10);
    applyAgentEvent(
      st,
      1,
      {
        type: 'result',
        subtype: 'success',
        isError: false,
        errors: [],
        turns: 2,
        costUsd: 0.42,
        permissionDenials: [],
        usage: usage(1e6, 1e6),
      },
      DEFAULT_AGENT_PRICES,
    );
    expect(rec.costUsd).toBe(0.42);
    expect(estimateRunCost('claude', undefined, usage(1e6, 1e6))).toBeUndefined();
    expect(taskCost(rec)).toBe('$0.42');
    expect(taskCost({ backend: 'codex', costUsd: 0.0312 })).toBe('~$0.03');
    expect(taskCost({ backend: 'gemini', costUsd: 0 })).toBe('~$0.00');
  });
});
