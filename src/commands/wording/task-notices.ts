/**
 * Turns task engine events into notices the voice session can speak ("Task 3 'fix login' finished
 * …"). Kept beside the command layer because it shares its speech helpers.
 */
import type { TaskNotice } from '../../session/types.js';
import type { TaskRecord } from '../../tasks/types.js';
import { elapsedMs, failureReason, oneLine, shortProject, spokenCost, spokenDuration, untrusted } from './speech.js';

/** A notice for a task that just finished, failed, was cancelled or stalled; undefined when nothing is worth saying. */
export function taskNotice(task: TaskRecord, event: 'finished' | 'stalled', now: number): TaskNotice | undefined {
  const label = `Task ${task.id} "${task.name}" in ${shortProject(task.projectDir)}`;
  const base = { taskId: task.id, taskName: task.name, at: now };
  if (event === 'stalled') {
    return {
      ...base,
      kind: 'stalled',
      // The activity line is the agent's own words or tool input: output, so it goes inside the fence.
      text: task.activity
        ? `${label} has printed nothing for a while and may be stuck. Latest activity:\n${untrusted(task.id, oneLine(task.activity, 80), 80)}`
        : `${label} has printed nothing for a while and may be stuck.`,
    };
  }
  const el = elapsedMs(task, now);
  const took = el !== undefined ? ` after ${spokenDuration(el)}` : '';
  switch (task.status) {
    case 'completed': {
      // The agent's text is data for the model, fenced like every other piece of task output.
      const result = task.resultText
        ? ` Its final text begins:\n${untrusted(task.id, oneLine(task.resultText, 200), 200)}`
        : '';
      const files = changedPhrase(task);
      return {
        ...base,
        kind: 'finished',
        text: `${label} finished${took}, ${task.turns} turn${task.turns === 1 ? '' : 's'}, ${spokenCost(task.costUsd)}.${files}${result}`,
      };
    }
    case 'failed':
      return {
        ...base,
        kind: 'failed',
        text: task.failure ? `${label} failed${took}. ${failureReason(task, 160)}` : `${label} failed${took}.`,
      };
    case 'interrupted':
      return {
        ...base,
        kind: 'failed',
        text: `${label} was interrupted: its process ended while voice-orch was not running.`,
      };
    case 'cancelled':
      // The user asked for it; a separate announcement would only repeat the command's own answer.
      return undefined;
    default:
      return undefined;
  }
}

/** " It changed 3 files in its own branch (+40 −12)." from git's count, else from the files its tools touched. */
function changedPhrase(task: TaskRecord): string {
  const c = task.changes;
  const n = c ? c.files.length : task.filesTouched.length;
  if (n === 0) return task.worktree ? ' It changed no files in its own branch.' : '';
  const where = task.worktree ? ' in its own branch' : '';
  const counts = c ? ` (+${c.added} \u2212${c.removed})` : '';
  return ` It changed ${n} file${n === 1 ? '' : 's'}${where}${counts}.`;
}
