import { describe, expect, it } from 'vitest';
import { runCost } from '../../src/tasks/run-cost.js';
import type { TaskRun } from '../../src/tasks/types.js';

const run = (runNo: number, extra: Partial<TaskRun> = {}): TaskRun => ({
  runNo,
  prompt: `p${runNo}`,
  status: 'completed',
  ...extra,
});

describe('runCost', () => {
  it('the first run of a session costs its whole total', () => {
    expect(runCost(0.2, 's1', 1, [run(1)])).toEqual({ costUsd: 0.2, sessionCostUsd: 0.2 });
  });

  it('a resumed run costs its total minus the newest earlier total of the same session', () => {
    const runs = [
      run(1, { sessionId: 's1', sessionCostUsd: 0.1, costUsd: 0.1 }),
      run(2, { sessionId: 's1', sessionCostUsd: 0.15, costUsd: 0.05 }),
      run(3),
    ];
    const c = runCost(0.2, 's1', 3, runs);
    expect(c.costUsd).toBeCloseTo(0.05, 10);
    expect(c.sessionCostUsd).toBe(0.2);
  });

  it('a resume that started a new session id begins a new total', () => {
    const runs = [run(1, { sessionId: 's1', sessionCostUsd: 0.1 }), run(2)];
    expect(runCost(0.03, 's2', 2, runs)).toEqual({ costUsd: 0.03, sessionCostUsd: 0.03 });
  });

  it('an unknown earlier total (the run ended without a result) leaves the whole total to this run', () => {
    const runs = [run(1, { status: 'failed' }), run(2)];
    expect(runCost(0.3, 's1', 2, runs)).toEqual({ costUsd: 0.3, sessionCostUsd: 0.3 });
    expect(runCost(0.3, undefined, 2, [run(1, { sessionId: 's1', sessionCostUsd: 0.1 }), run(2)]).costUsd).toBe(0.3);
  });

  it('a total below the previous one is not cumulative: it is the run’s own', () => {
    const runs = [run(1, { sessionId: 's1', sessionCostUsd: 0.5 }), run(2)];
    expect(runCost(0.2, 's1', 2, runs).costUsd).toBe(0.2);
  });

  it('later runs never count (a re-applied result of an older run)', () => {
    const runs = [run(1), run(2, { sessionId: 's1', sessionCostUsd: 0.4 })];
    expect(runCost(0.1, 's1', 1, runs).costUsd).toBe(0.1);
  });
});
