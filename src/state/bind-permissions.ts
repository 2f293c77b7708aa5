/**
 * Permission requests → the store: the pending list as {@link RequestView}s (reasons written by
 * src/permissions/describe.ts against the task's folder), and a notice on screen for a new one.
 */
import type { PendingRequest } from '../permissions/broker.js';
import { questionsOf, requestDetail, requestReason } from '../permissions/describe.js';
import type { EventSource } from '../shared/events.js';
import type { AppStore } from './bind.js';
import type { RequestView } from './types.js';

/** The broker as the binder sees it. */
export interface RequestSource extends EventSource<{
  changed: [pending: readonly PendingRequest[]];
  request: [req: PendingRequest];
  error: [e: Error];
}> {
  list(): PendingRequest[];
}

/** The view of one request. */
export function requestView(r: PendingRequest, projectDir: string | undefined): RequestView {
  const q = questionsOf(r)[0];
  return {
    id: r.id,
    taskId: r.task,
    toolName: r.toolName,
    reason: requestReason(r, projectDir),
    detail: requestDetail(r, projectDir),
    options: q?.options ?? [],
    multiSelect: q?.multiSelect ?? false,
    askedAt: r.askedAt,
  };
}

/** Subscribes; returns the function that unsubscribes. */
export function bindPermissions(store: AppStore, broker: RequestSource, now: () => number = Date.now): () => void {
  const set = (list: readonly PendingRequest[]): void => {
    const tasks = store.getState().tasks;
    store.dispatch({ type: 'requests/set', requests: list.map((r) => requestView(r, tasks[r.task]?.projectDir)) });
  };
  const onRequest = (r: PendingRequest): void => {
    const t = store.getState().tasks[r.task];
    store.dispatch({
      type: 'notice/add',
      text: `Task ${r.task}${t ? ` ${t.name}` : ''} needs you: ${requestReason(r, t?.projectDir)}`,
      level: 'warning',
      at: now(),
      ttlMs: 15_000,
    });
  };
  broker.on('changed', set);
  broker.on('request', onRequest);
  set(broker.list());
  return () => {
    broker.off('changed', set);
    broker.off('request', onRequest);
  };
}
