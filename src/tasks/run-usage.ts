/**
 * The tokens one run used. Codex reports the thread's cumulative usage in `turn.completed`, also
 * after `codex exec resume`, so a resumed run's own share is its total minus the newest total an
 * earlier run of the same thread reported (as run-cost.ts does for Claude's cumulative cost).
 * Other agents report per-run usage, taken as is.
 */
import type { AgentUsage, TaskRun } from './types.js';

const FIELDS = ['inputTokens', 'outputTokens', 'cacheCreationInputTokens', 'cacheReadInputTokens'] as const;

/** A run's own usage and, for cumulative reports, the session total kept for the next run. */
export function runUsage(
  reported: AgentUsage,
  cumulative: boolean,
  sessionId: string | undefined,
  runNo: number,
  runs: readonly TaskRun[],
): { usage: AgentUsage; sessionUsage?: AgentUsage } {
  if (!cumulative) return { usage: { ...reported } };
  let previous: AgentUsage | undefined;
  let previousNo = 0;
  if (sessionId !== undefined && sessionId !== '') {
    for (const r of runs) {
      if (r.runNo >= runNo || r.runNo < previousNo) continue;
      if (r.sessionId !== sessionId || r.sessionUsage === undefined) continue;
      previous = r.sessionUsage;
      previousNo = r.runNo;
    }
  }
  // A total below the previous one cannot be cumulative (a new thread): the run's own.
  const grew = previous !== undefined && FIELDS.every((f) => reported[f] >= (previous as AgentUsage)[f]);
  const usage = { ...reported };
  if (grew) for (const f of FIELDS) usage[f] = reported[f] - (previous as AgentUsage)[f];
  return { usage, sessionUsage: { ...reported } };
}
