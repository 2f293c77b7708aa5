/**
 * Queued follow-ups → the store: a notice when a follow-up said while the task ran is sent as its
 * next run, or dropped (the task was cancelled or interrupted, or the engine refused it); and the
 * waiting list of each task, which the table shows.
 */
import type { FollowUpQueue } from '../tasks/follow-up-queue.js';
import type { TaskRecord } from '../tasks/types.js';
import type { AppStore } from './bind.js';

/** Subscribes; returns the function that unsubscribes and closes the queue. */
export function bindFollowUps(store: AppStore, queue: FollowUpQueue, now: () => number = Date.now): () => void {
  const onSent = (t: TaskRecord): void =>
    store.dispatch({ type: 'notice/add', text: `Queued follow-up sent to task ${t.id}`, level: 'info', at: now() });
  const onDropped = (_id: number, why: string): void =>
    store.dispatch({
      type: 'notice/add',
      text: `Follow-up not sent: ${why}`,
      level: 'warning',
      at: now(),
      ttlMs: 15_000,
    });
  const onChanged = (taskId: number, prompts: readonly string[]): void =>
    store.dispatch({ type: 'followUps/set', taskId, prompts });
  for (const [taskId, prompts] of queue.all()) onChanged(taskId, prompts);
  queue.on('sent', onSent);
  queue.on('dropped', onDropped);
  queue.on('changed', onChanged);
  return () => {
    queue.off('sent', onSent);
    queue.off('dropped', onDropped);
    queue.off('changed', onChanged);
    queue.close();
  };
}
