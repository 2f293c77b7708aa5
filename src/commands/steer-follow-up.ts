/**
 * A follow-up to a task that is still live, by `when`: "after" (the default) queues it behind the
 * current run (tasks/follow-up-queue.ts); "now" interrupts the running run and continues the
 * session with it at once (tasks/steering.ts). A queued task has no run to interrupt yet, so
 * "now" queues it like "after" and says so.
 */
import type { TaskRecord } from '../tasks/types.js';
import type { CommandContext, CommandResult } from './types.js';
import { queuedFollowUpAnswer, steeredAnswer } from './wording/follow-up-answers.js';
import { refusedAnswer } from './wording/task-answers.js';

/** When a follow-up to a live task takes effect. */
export type FollowUpWhen = 'after' | 'now';

/** The model-facing and help text of `when`. */
export const WHEN_TEXT =
  'Only for a task that is still running: "after" (default) queues the message as the task\'s next run, sent as soon as the current run ends; "now" interrupts the current run (the agent stops mid-turn, nothing is lost) and continues the same conversation with the message at once (Claude and Gemini tasks; a Codex task cannot be interrupted, use "after"). For a finished task both just continue it.';

/** The answer to a follow-up to the live task `t`, or undefined when `t` is not live (an ordinary follow-up). */
export async function liveFollowUp(
  ctx: CommandContext,
  t: TaskRecord,
  prompt: string,
  when: FollowUpWhen,
): Promise<CommandResult | undefined> {
  if (t.status !== 'running' && t.status !== 'queued') return undefined;
  if (when === 'now' && t.status === 'running') {
    if (!ctx.tasks.steer)
      return refusedAnswer(`Could not steer task ${t.id}`, 'this engine cannot interrupt a run; use when "after"');
    const r = await ctx.tasks.steer(t.id, prompt);
    if (!r.ok) return refusedAnswer(`Could not steer task ${t.id} now`, r.message);
    ctx.store.dispatch({ type: 'task/upsert', task: r.value });
    return steeredAnswer(r.value);
  }
  if (!ctx.followUps) return undefined;
  return queuedFollowUpAnswer(t, await ctx.followUps.add(t.id, prompt));
}
