/**
 * Read-only views of the pending permission requests (see {@link RequestView}).
 */
import type { AppState, RequestView } from './types.js';

/** Task id → the reason of its oldest pending request (the table's "needs you" rows). */
export function needsYouOf(requests: readonly RequestView[]): Record<number, string> {
  const out: Record<number, string> = {};
  for (const r of requests) out[r.taskId] ??= r.reason;
  return out;
}

/** The oldest pending request of a task. */
export function requestOf(state: AppState, taskId: number | null | undefined): RequestView | undefined {
  return taskId === null || taskId === undefined ? undefined : state.requests.find((r) => r.taskId === taskId);
}

/** How many tasks wait for a decision. */
export function tasksNeedingYou(state: AppState): number {
  return new Set(state.requests.map((r) => r.taskId)).size;
}
