/**
 * The order of the task table: what needs the user's attention first. A task waiting for a
 * decision, then running ones, then queued ones, then finished ones with the newest on top.
 * Finished tasks can be hidden (`h`); the table, the selection keys and the summary line all read
 * the same list from here.
 */
import { isLive, type TaskRecord } from '../tasks/types.js';
import type { AppState } from './types.js';

/**
 * Rank of a status (lower = nearer the top). 'waiting' is not a task status of the engine: a
 * running task with a pending permission request or question is shown as waiting
 * ({@link attentionStatus}). Statuses not listed are finished.
 */
const ATTENTION_RANK: Readonly<Record<string, number>> = {
  waiting: 0,
  running: 1,
  queued: 2,
};
const FINISHED_RANK = 3;

/** Where a status sorts in the table (0 = top). */
export function attentionRank(status: string): number {
  return ATTENTION_RANK[status] ?? FINISHED_RANK;
}

/** True for statuses that sort above the finished ones (waiting, running, queued). */
export function needsAttention(status: string): boolean {
  return attentionRank(status) < FINISHED_RANK;
}

/** True when a task is over (not live and not waiting for a decision). */
export function isFinished(t: TaskRecord): boolean {
  return !needsAttention(t.status) && !isLive(t.status);
}

/** The ids of the tasks that wait for the user's decision (a pending request). */
export function waitingIds(state: Pick<AppState, 'requests'>): ReadonlySet<number> {
  return new Set(state.requests.map((r) => r.taskId));
}

/** The status a task sorts and counts by: 'waiting' for a running task with a pending request. */
export function attentionStatus(t: TaskRecord, waiting: ReadonlySet<number>): string {
  return t.status === 'running' && waiting.has(t.id) ? 'waiting' : t.status;
}

/**
 * Table order: by attention rank; live ones oldest first (stable ids), finished ones newest first.
 * `waiting` names the tasks with a pending request.
 */
export function compareByAttention(a: TaskRecord, b: TaskRecord, waiting: ReadonlySet<number> = new Set()): number {
  const ra = attentionRank(attentionStatus(a, waiting));
  const rb = attentionRank(attentionStatus(b, waiting));
  if (ra !== rb) return ra - rb;
  if (ra === FINISHED_RANK) {
    const ea = a.endedAt ?? a.updatedAt;
    const eb = b.endedAt ?? b.updatedAt;
    if (ea !== eb) return eb - ea;
    return b.id - a.id;
  }
  return a.id - b.id;
}

/** All tasks in attention order. */
export function tasksByAttention(state: AppState): TaskRecord[] {
  const out: TaskRecord[] = [];
  for (const id of state.order) {
    const t = state.tasks[id];
    if (t) out.push(t);
  }
  const waiting = waitingIds(state);
  return out.sort((a, b) => compareByAttention(a, b, waiting));
}

/** The rows of the task table: attention order, without finished tasks while they are hidden. */
export function tableTasks(state: AppState): TaskRecord[] {
  const all = tasksByAttention(state);
  return state.hideFinished ? all.filter((t) => !isFinished(t)) : all;
}

/** Counts and figures for the summary line over the table. */
export interface TaskSummary {
  running: number;
  waiting: number;
  queued: number;
  /** Finished tasks of any outcome. */
  done: number;
  /** Finished tasks not shown because `h` hides them. */
  hidden: number;
  /** What all tasks cost, in USD. */
  tasksUsd: number;
  /** Some task's cost is still an estimate from its stream (absent otherwise). */
  tasksEstimated?: true;
  /** What the voice session cost, in USD. */
  voiceUsd: number;
}

/** The figures of the summary line. */
export function taskSummary(state: AppState): TaskSummary {
  const s: TaskSummary = { running: 0, waiting: 0, queued: 0, done: 0, hidden: 0, tasksUsd: 0, voiceUsd: 0 };
  const waiting = waitingIds(state);
  for (const id of state.order) {
    const t = state.tasks[id];
    if (!t) continue;
    s.tasksUsd += t.costUsd;
    if (t.costEstimated === true) s.tasksEstimated = true;
    const status = attentionStatus(t, waiting);
    if (status === 'running') s.running++;
    else if (status === 'waiting') s.waiting++;
    else if (status === 'queued') s.queued++;
    else s.done++;
  }
  if (state.hideFinished) s.hidden = s.done;
  s.voiceUsd = state.cost.sessionUsd;
  return s;
}

/** "2 running · 1 waiting · 1 queued · 5 done · tasks $0.85 · voice $0.12" (zero counts left out). */
export function summaryText(s: TaskSummary): string {
  const parts: string[] = [];
  if (s.running) parts.push(`${s.running} running`);
  if (s.waiting) parts.push(`${s.waiting} waiting`);
  if (s.queued) parts.push(`${s.queued} queued`);
  if (s.done) parts.push(s.hidden ? `${s.done} done (hidden, h shows)` : `${s.done} done`);
  if (parts.length === 0) parts.push('no tasks');
  parts.push(`tasks ${s.tasksEstimated ? '~' : ''}$${s.tasksUsd.toFixed(2)}`, `voice $${s.voiceUsd.toFixed(2)}`);
  return parts.join(' · ');
}

/**
 * Which rows of a table of `count` rows to draw in `rows` lines so that every task needing
 * attention (the first `pinned`, since they sort first) and the selected one stay in view: the
 * pinned rows first, then a window of the rest around the selection.
 */
export function tableWindow(count: number, pinned: number, selected: number, rows: number): number[] {
  const n = Math.max(0, rows);
  if (count <= n) return Array.from({ length: count }, (_, i) => i);
  const sel = Math.min(Math.max(0, selected), count - 1);
  if (pinned >= n) {
    // More live tasks than lines: a plain window around the selection.
    const start = Math.min(Math.max(0, sel - Math.floor(n / 2)), count - n);
    return Array.from({ length: n }, (_, i) => start + i);
  }
  const head = Array.from({ length: pinned }, (_, i) => i);
  const room = n - pinned;
  const restCount = count - pinned;
  const rel = sel >= pinned ? sel - pinned : 0;
  const start = Math.min(Math.max(0, rel - Math.floor(room / 2)), restCount - room);
  const tail = Array.from({ length: room }, (_, i) => pinned + start + i);
  return [...head, ...tail];
}
