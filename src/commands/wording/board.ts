/**
 * The task board: a compact, speakable summary of every task that the voice engine hands the
 * model before a response when it changed.
 */
import { isLive, type TaskRecord } from '../../tasks/types.js';
import { oneLine, shortProject } from './speech.js';

/** Finished tasks the board still mentions (the most recent ones). */
const BOARD_FINISHED_MAX = 5;

function boardLine(t: TaskRecord): string {
  const extra = t.stalled ? ', stalled' : t.status === 'failed' && t.failure ? `, ${t.failure.kind}` : '';
  return `#${t.id} ${oneLine(t.name, 30)} (${shortProject(t.projectDir)}): ${t.status}${extra}`;
}

/** A compact, speakable summary of the tasks. */
export function boardSummary(tasks: readonly TaskRecord[]): string {
  if (tasks.length === 0) return 'No tasks.';
  const live = tasks.filter((t) => isLive(t.status));
  const done = tasks.filter((t) => !isLive(t.status)).slice(-BOARD_FINISHED_MAX);
  const older = tasks.length - live.length - done.length;
  const lines = [...live, ...done].map(boardLine);
  return `${live.length} live, ${tasks.length - live.length} finished. ${lines.join('; ')}${older > 0 ? `; ${older} older not shown` : ''}.`;
}

/** The board when the task list could not be read. */
export function boardUnavailable(error: string): string {
  return `Task list unavailable: ${oneLine(error, 100)}`;
}
