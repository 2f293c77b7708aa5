/**
 * Follow-ups said to a task while it runs: instead of a refusal, the message waits here and
 * becomes the task's next run (`--resume` of its session) as soon as the current run ends. A run
 * that ends completed or failed takes every waiting message as one follow-up, in the order said;
 * a cancelled or interrupted task drops them (the user stopped it, or voice-orch went away while
 * it ran), and says so. The waiting list is kept in the task's record too (the engine saves it in
 * the registry before `add` resolves), so a restart of voice-orch while the run goes on loses
 * nothing: the next start reads the lists back and the re-adopted run gets its follow-up when it
 * ends. The task engine does the resuming; this module only waits for the end of the run.
 */
import { SafeEmitter } from '../shared/events.js';
import type { TaskManagerPort, TaskRecord } from './types.js';

/** Events of {@link FollowUpQueue}. */
export type FollowUpQueueEvents = {
  /** A waiting follow-up was sent as the task's next run. */
  sent: [task: TaskRecord];
  /** Waiting follow-ups were dropped (the task was cancelled or interrupted, or the engine refused). */
  dropped: [taskId: number, why: string];
  /** The waiting list of a task changed (for the screen). */
  changed: [taskId: number, prompts: readonly string[]];
  error: [error: Error];
};

/** See this file's header. */
export class FollowUpQueue extends SafeEmitter<FollowUpQueueEvents> {
  private readonly waiting = new Map<number, string[]>();
  private readonly onFinished = (t: TaskRecord): void => {
    // After the engine has finished its own bookkeeping for the ended run.
    setImmediate(() => void this.release(t));
  };

  constructor(
    private readonly tasks: Pick<TaskManagerPort, 'followUp' | 'on' | 'off' | 'list' | 'setQueuedFollowUps'>,
  ) {
    super();
    // What waited when voice-orch last stopped (the engine has loaded its registry by now).
    for (const t of tasks.list()) if (t.queuedFollowUps?.length) this.waiting.set(t.id, [...t.queuedFollowUps]);
    tasks.on('finished', this.onFinished);
  }

  /** Queues `prompt` behind the current run of `taskId`; resolves, once saved, to how many now wait. */
  async add(taskId: number, prompt: string): Promise<number> {
    const list = [...(this.waiting.get(taskId) ?? []), prompt.trim()];
    this.waiting.set(taskId, list);
    this.fire('changed', taskId, list);
    await this.tasks.setQueuedFollowUps?.(taskId, list);
    return list.length;
  }

  /** Every task with follow-ups waiting, by id (for a screen bound after the queue was filled). */
  all(): ReadonlyMap<number, readonly string[]> {
    return this.waiting;
  }

  /** The follow-ups waiting for a task's run to end, in the order said. */
  pending(taskId: number): readonly string[] {
    return this.waiting.get(taskId) ?? [];
  }

  /** Stops listening; what waited stays in the task records for the next start. */
  close(): void {
    this.tasks.off('finished', this.onFinished);
    this.waiting.clear();
  }

  private async release(t: TaskRecord): Promise<void> {
    const list = this.waiting.get(t.id);
    if (!list || list.length === 0) return;
    this.waiting.delete(t.id);
    this.fire('changed', t.id, []);
    await this.tasks.setQueuedFollowUps?.(t.id, []);
    if (t.status !== 'completed' && t.status !== 'failed') {
      this.fire('dropped', t.id, `task ${t.id} was ${t.status}, so its queued follow-up was not sent`);
      return;
    }
    const r = await this.tasks.followUp(t.id, list.join('\n\n'));
    if (r.ok) this.fire('sent', r.value);
    else this.fire('dropped', t.id, r.message);
  }
}
