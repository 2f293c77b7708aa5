/** The answer to a follow-up said while its task runs: it waits for the end of the run. */
import type { TaskRecord } from '../../tasks/types.js';
import type { CommandResult } from '../types.js';

/** "Queued: task 3 … runs it as soon as its current run ends." */
export function queuedFollowUpAnswer(t: TaskRecord, waiting: number): CommandResult {
  const more = waiting > 1 ? ` (${waiting} follow-ups wait, sent together)` : '';
  return {
    ok: true,
    say: `Task ${t.id} "${t.name}" is still ${t.status}; the follow-up is queued and runs as soon as the current run ends${more}.`,
    notice: `Follow-up queued for task ${t.id}, after its current run`,
    activity: 'follow-up queued after the current run',
    data: { taskId: t.id, status: t.status, queuedFollowUps: waiting },
  };
}

/** "Interrupted task 3 …; it continues with the message now." */
export function steeredAnswer(t: TaskRecord): CommandResult {
  return {
    ok: true,
    say: `Interrupted task ${t.id} "${t.name}"; it continues the same conversation with your message as soon as the agent has stopped.`,
    notice: `Task ${t.id} interrupted to steer; continuing with the new message`,
    activity: 'interrupted to steer',
    data: { taskId: t.id, status: t.status, steered: true },
  };
}
