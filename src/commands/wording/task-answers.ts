/**
 * What the task commands answer: the task list, a task's result, and the sentences for a task
 * started, cancelled or followed up. `say` goes to the model (a tool result), `notice` to the
 * screen, `activity` to the activity line. Anything the agent wrote goes inside the untrusted fence.
 */
import { isLive, type TaskRecord } from '../../tasks/types.js';
import type { CommandResult } from '../types.js';
import {
  elapsedMs,
  failureReason,
  oneLine,
  shortProject,
  spokenCost,
  spokenDuration,
  statusLine,
  untrusted,
} from './speech.js';

/** Longest task result read back with detail "summary". */
export const RESULT_SUMMARY_CHARS = 600;
/** Longest task result read back with detail "full". */
export const RESULT_FULL_CHARS = 4_000;
/** Tasks the list answer names at most. */
const TASK_LIST_MAX = 12;

/** A refusal: the task engine said no ("Could not start the task: …"). */
export function refusedAnswer(what: string, message: string): CommandResult {
  return { ok: false, say: `${what}: ${message}`, activity: `refused: ${oneLine(message, 60)}` };
}

/** The answer to list_tasks: counts per status, then one line per task (live first, then the newest). */
export function listAnswer(tasks: readonly TaskRecord[], now: number): string {
  if (tasks.length === 0) return 'There are no tasks yet.';
  const live = tasks.filter((t) => isLive(t.status));
  const done = tasks.filter((t) => !isLive(t.status));
  // Live tasks first; of the finished ones the most recent matter most.
  const shown = [...live, ...done.slice().reverse()].slice(0, TASK_LIST_MAX);
  const counts = new Map<string, number>();
  for (const t of tasks) counts.set(t.status, (counts.get(t.status) ?? 0) + 1);
  const head = `${tasks.length} task${tasks.length === 1 ? '' : 's'}: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')}.`;
  const more = tasks.length > shown.length ? `\n(${tasks.length - shown.length} older tasks not listed)` : '';
  return `${head}\n${shown.map((t) => statusLine(t, now)).join('\n')}${more}`;
}

/**
 * The answer to get_task_result: facts in our words, the agent's final text (or, for a live task,
 * its latest message `lastText`) and the files it touched inside the fence.
 */
export function resultAnswer(t: TaskRecord, detail: 'summary' | 'full', now: number, lastText?: string): string {
  const el = elapsedMs(t, now);
  const facts = [
    `${t.turns} turn${t.turns === 1 ? '' : 's'}`,
    spokenCost(t.costUsd),
    ...(el !== undefined ? [`${isLive(t.status) ? 'running for' : 'took'} ${spokenDuration(el)}`] : []),
  ].join(', ');
  // File names are the agent's words like its text: both go to the model inside the fence only.
  const files = t.filesTouched.length
    ? `Files touched: ${t.filesTouched
        .slice(0, 8)
        .map((f) => oneLine(shortProject(f), 60))
        .join(', ')}${t.filesTouched.length > 8 ? ` and ${t.filesTouched.length - 8} more` : ''}.`
    : '';
  const max = detail === 'full' ? RESULT_FULL_CHARS : RESULT_SUMMARY_CHARS;
  if (isLive(t.status)) {
    const head = `Task ${t.id} "${t.name}" is still ${t.status}, there is no final result yet (${facts}).`;
    return lastText ? `${head} Its latest message:\n${untrusted(t.id, lastText, max)}` : head;
  }
  const why = t.failure ? ` ${failureReason(t, 160)}` : '';
  const head = `Task ${t.id} "${t.name}" ${t.status} (${facts}).${why}`;
  if (!t.resultText)
    return files
      ? `${head} It left no final text. The files it touched follow.\n${untrusted(t.id, files, max)}`
      : `${head} It left no final text.`;
  if (!files) return `${head} Its final text follows.\n${untrusted(t.id, t.resultText, max)}`;
  // The file list is short and comes first, so the text's own length limit still applies to the text.
  return `${head} The files it touched and its final text follow.\n${untrusted(t.id, `${files}\n\n${t.resultText}`, max + files.length + 2)}`;
}

/** A task was started (or queued, with the reason). */
export function startedAnswer(t: TaskRecord): CommandResult {
  const queued = t.status === 'queued' && t.queuedReason ? ` (${oneLine(t.queuedReason, 80)})` : '';
  return {
    ok: true,
    say: `Started task ${t.id} "${t.name}" in ${shortProject(t.projectDir)}, status ${t.status}${queued}.`,
    notice: `Task ${t.id} ${t.name} ${t.status}`,
    activity: `task ${t.id} ${t.status}`,
    data: { taskId: t.id, name: t.name, project: t.projectDir, status: t.status },
  };
}

/** Cancelling a task that already ended. */
export function notLiveAnswer(t: TaskRecord): CommandResult {
  return {
    ok: false,
    say: `Task ${t.id} "${t.name}" is already ${t.status}; nothing to cancel.`,
    activity: `already ${t.status}`,
  };
}

/** A task was cancelled. */
export function cancelledAnswer(t: TaskRecord): CommandResult {
  return {
    ok: true,
    say: `Cancelled task ${t.id} "${t.name}".`,
    notice: `Task ${t.id} ${t.name} cancelled`,
    activity: 'cancelled',
    data: { taskId: t.id },
  };
}

/** A follow-up was sent; `t` is the task record after it. */
export function followedUpAnswer(t: TaskRecord): CommandResult {
  return {
    ok: true,
    say: `Sent the follow-up to task ${t.id} "${t.name}", status ${t.status}.`,
    notice: `Follow-up sent to task ${t.id}`,
    activity: `follow-up, ${t.status}`,
    data: { taskId: t.id, status: t.status },
  };
}
