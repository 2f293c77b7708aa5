/**
 * What one run of a task cost. A run that continues a session (`--resume`) reports the session's
 * cumulative `total_cost_usd` in its `result` line, not what that run alone spent
 * (docs/architecture.md), so summing the reported totals over-counts every follow-up. A run's own cost is its session total minus the newest total an earlier run of the
 * same session reported.
 */
import type { TaskRun } from './types.js';

/** A run's own cost and the session total it reported. */
export interface RunCost {
  /** What this run spent. */
  costUsd: number;
  /** The cumulative session total from the `result` line, kept for the next run's delta. */
  sessionCostUsd: number;
}

/**
 * Cost of the run `runNo` that reported `reportedTotalUsd` for `sessionId`, given the task's
 * runs. Only earlier runs of the same session count: a resume that started a new session id
 * (a fork) begins a new total. When no earlier total of the session is known (the first run,
 * or earlier runs that ended without a `result`), the whole reported total is this run's:
 * the spend of an unreported run then lands on the next run that reports, so the task's sum
 * still equals the session's total. A total below the previous one cannot be cumulative and
 * is taken as the run's own.
 */
export function runCost(
  reportedTotalUsd: number,
  sessionId: string | undefined,
  runNo: number,
  runs: readonly TaskRun[],
): RunCost {
  let previous: number | undefined;
  let previousNo = 0;
  if (sessionId !== undefined && sessionId !== '') {
    for (const r of runs) {
      if (r.runNo >= runNo || r.runNo < previousNo) continue;
      if (r.sessionId !== sessionId || r.sessionCostUsd === undefined) continue;
      previous = r.sessionCostUsd;
      previousNo = r.runNo;
    }
  }
  const delta = previous !== undefined && reportedTotalUsd >= previous ? reportedTotalUsd - previous : reportedTotalUsd;
  return { costUsd: delta, sessionCostUsd: reportedTotalUsd };
}
