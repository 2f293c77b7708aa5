// Turns and cost move while a task runs: estimated from the recorded stream's per-message usage
// until the result line gives the exact figure; the table, result card and summary mark estimates.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { ResultCard } from '../../src/components/ResultCard.js';
import { TaskTable } from '../../src/components/TaskTable.js';
import { summaryText } from '../../src/state/task-order.js';
import {
  agentPriceFor,
  configureAgentPricing,
  DEFAULT_AGENT_PRICING,
  RunEstimate,
  usageCost,
} from '../../src/tasks/run-estimate.js';
import { parseStreamJsonLine } from '../../src/tasks/stream-json.js';
import { addFollowUpRun, applyAgentEvent, newTaskState } from '../../src/tasks/task-state.js';
import type { AgentEvent, TaskRecord } from '../../src/tasks/types.js';
import { T0, task } from '../commands/fakes.js';
import { runningRecord } from './record.fixture.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/claude-cli');

function lines(name: string): string[] {
  return readFileSync(join(DIR, `${name}.ndjson`), 'utf8')
    .split('\n')
    .filter(Boolean);
}

function record(): TaskRecord {
  return runningRecord();
}

/** Feeds the recording's lines up to (not including) the result line; returns the result events. */
function feedUntilResult(rec: TaskRecord, st: ReturnType<typeof newTaskState>, name: string, runNo = 1): AgentEvent[] {
  const rest: AgentEvent[] = [];
  let seenResult = false;
  for (const line of lines(name)) {
    for (const ev of parseStreamJsonLine(line, false, '/p')) {
      if (ev.type === 'result') seenResult = true;
      if (seenResult) rest.push(ev);
      else applyAgentEvent(st, runNo, ev);
    }
  }
  return rest;
}

afterEach(() => configureAgentPricing(undefined));

describe('the running estimate from the stream', () => {
  it('assistant lines carry their message usage as a usage event', () => {
    const evs = lines('bash').flatMap((l) => parseStreamJsonLine(l, false, '/p'));
    const usage = evs.filter((e): e is Extract<AgentEvent, { type: 'usage' }> => e.type === 'usage');
    expect(usage.length).toBeGreaterThan(1);
    expect(usage[0]).toMatchObject({ model: 'claude-opus-5-5', usage: { inputTokens: 12169 } });
    expect(new Set(usage.map((u) => u.messageId)).size).toBe(2);
  });

  it('turns and cost move before the result and are marked as an estimate; the result makes them exact', () => {
    const rec = record();
    const st = newTaskState(rec, 10);
    const rest = feedUntilResult(rec, st, 'bash');
    expect(rec.turns).toBe(2);
    expect(rec.costUsd).toBeGreaterThan(0.09);
    expect(rec.costUsd).toBeLessThan(0.1);
    expect(rec.costEstimated).toBe(true);
    expect(rec.runs[0]?.estimated).toBe(true);
    for (const ev of rest) applyAgentEvent(st, 1, ev);
    expect(rec.turns).toBe(2);
    expect(rec.costUsd).toBeCloseTo(0.099072, 6);
    expect(rec.costEstimated).toBeUndefined();
    expect(rec.runs[0]?.estimated).toBeUndefined();
  });

  it('a run cut off before its result keeps its estimate, marked', () => {
    const rec = record();
    const st = newTaskState(rec, 10);
    feedUntilResult(rec, st, 'bash-sleep-sigterm');
    expect(rec.turns).toBe(1);
    expect(rec.costUsd).toBeCloseTo(
      usageCost(
        { inputTokens: 12181, outputTokens: 1, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
        DEFAULT_AGENT_PRICING['claude-opus-5-5']!,
      ),
      9,
    );
    expect(rec.costEstimated).toBe(true);
  });

  it('a follow-up run estimates its own share on top of the exact earlier run', () => {
    const rec = record();
    const st = newTaskState(rec, 10);
    for (const ev of feedUntilResult(rec, st, 'plain')) applyAgentEvent(st, 1, ev);
    const first = rec.costUsd;
    addFollowUpRun(rec, 'again', 1);
    feedUntilResult(rec, st, 'bash', 2);
    expect(rec.runs[0]?.estimated).toBeUndefined();
    expect(rec.runs[1]).toMatchObject({ estimated: true, turns: 2 });
    expect(rec.turns).toBe(1 + 2);
    expect(rec.costUsd).toBeGreaterThan(first + 0.09);
    expect(rec.costEstimated).toBe(true);
  });

  it('a message repeated on several lines counts once, with its latest usage', () => {
    const est = new RunEstimate(1, { m: { input: 1, output: 10 } });
    const u = (out: number) => ({
      inputTokens: 1_000_000,
      outputTokens: out,
      cacheCreationInputTokens: 0,
      cacheReadInputTokens: 0,
    });
    est.add({ type: 'usage', messageId: 'a', model: 'm', usage: u(1) });
    est.add({ type: 'usage', messageId: 'a', model: 'm', usage: u(100_000) });
    expect(est.turns).toBe(1);
    expect(est.costUsd).toBeCloseTo(1 + 1, 9);
    est.add({ type: 'usage', messageId: 'b', model: 'm', usage: u(0) });
    expect(est.turns).toBe(2);
    expect(est.costUsd).toBeCloseTo(3, 9);
  });
});

describe('the agent price table', () => {
  it('finds a row by exact id, else by the family word in the id, else the dearest default', () => {
    expect(agentPriceFor('claude-opus-5-5')).toEqual({ input: 4, output: 20 });
    expect(agentPriceFor('claude-sonnet-9-1')).toEqual(DEFAULT_AGENT_PRICING.sonnet);
    expect(agentPriceFor('claude-haiku-7')).toEqual(DEFAULT_AGENT_PRICING.haiku);
    expect(agentPriceFor('something-new')).toEqual({ input: 4, output: 20 });
  });

  it('agentPricing from the config replaces a row and prices the estimate', () => {
    configureAgentPricing({ 'claude-opus-5-5': { input: 0, output: 0 } });
    expect(agentPriceFor('claude-opus-5-5')).toEqual({ input: 0, output: 0 });
    const rec = record();
    feedUntilResult(rec, newTaskState(rec, 10), 'bash');
    expect(rec.turns).toBe(2);
    expect(rec.costUsd).toBe(0);
  });

  it('cache tokens are priced at 1.25× input to write and 0.1× input to read unless the row says', () => {
    const usage = {
      inputTokens: 0,
      outputTokens: 0,
      cacheCreationInputTokens: 1_000_000,
      cacheReadInputTokens: 1_000_000,
    };
    expect(usageCost(usage, { input: 4, output: 20 })).toBeCloseTo(5 + 0.4, 9);
    expect(usageCost(usage, { input: 4, output: 20, cacheWrite: 1, cacheRead: 2 })).toBeCloseTo(3, 9);
  });
});

describe('estimates on the screen', () => {
  it('the table marks an estimated cost with ~ and an exact one without', () => {
    const tasks = [
      task({ id: 1, name: 'live', status: 'running', costUsd: 0.0412, turns: 3, costEstimated: true }),
      task({ id: 2, name: 'done', status: 'completed', costUsd: 0.5, turns: 4 }),
    ];
    const r = render(<TaskTable tasks={tasks} selectedId={1} width={120} height={6} now={T0} frame={0} />);
    const frame = r.lastFrame() ?? '';
    r.unmount();
    const live = frame.split('\n').find((l) => l.includes('live')) ?? '';
    const done = frame.split('\n').find((l) => l.includes('done')) ?? '';
    expect(live).toContain('~$0.04');
    expect(done).toContain('$0.50');
    expect(done).not.toContain('~');
  });

  it('the result card says the figures are an estimate', () => {
    const r = render(
      <ResultCard
        task={task({ id: 3, name: 'live', status: 'running', costUsd: 0.04, turns: 2, costEstimated: true })}
        now={T0}
        width={120}
        height={12}
      />,
    );
    const line = (r.lastFrame() ?? '').split('\n').find((l) => l.includes('turns')) ?? '';
    r.unmount();
    expect(line).toContain('turns ~2 · cost ~$0.04 (estimate) ·');
  });

  it('the summary marks the task total as an estimate while any task is estimated', () => {
    const base = { running: 1, waiting: 0, queued: 0, done: 0, hidden: 0, tasksUsd: 0.04, voiceUsd: 0 };
    expect(summaryText({ ...base, tasksEstimated: true })).toBe('1 running · tasks ~$0.04 · voice $0.00');
    expect(summaryText(base)).toBe('1 running · tasks $0.04 · voice $0.00');
  });
});
