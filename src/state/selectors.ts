/**
 * Read-only views of {@link AppState} shared by commands and components.
 */
import { isLive, type TaskOutputEntry, type TaskRecord } from '../tasks/types.js';
import type { AppState, Scope, TailFilter } from './types.js';

/** Where keys go right now: the overlay if one is open, else the base view. */
export function scopeOf(state: AppState): Scope {
  return state.overlay ? state.overlay.kind : state.view.kind;
}

/** Tasks in table order. */
export function taskList(state: AppState): TaskRecord[] {
  const out: TaskRecord[] = [];
  for (const id of state.order) {
    const t = state.tasks[id];
    if (t) out.push(t);
  }
  return out;
}

/** The task under the table cursor. */
export function selectedTask(state: AppState): TaskRecord | undefined {
  return state.selectedId === null ? undefined : state.tasks[state.selectedId];
}

/** The task a view is about: the one open in tail/result, else the selection. */
export function focusedTask(state: AppState): TaskRecord | undefined {
  const v = state.view;
  if (v.kind === 'tail' || v.kind === 'result') return state.tasks[v.taskId];
  return selectedTask(state);
}

/** Tasks that are queued or running. */
export function liveTasks(state: AppState): TaskRecord[] {
  return taskList(state).filter((t) => isLive(t.status));
}

/** True when an output entry belongs in the given tail filter. */
export function matchesFilter(entry: TaskOutputEntry, filter: TailFilter): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'text':
      return entry.kind === 'text' || entry.kind === 'result';
    case 'tools':
      return entry.kind === 'tool' || entry.kind === 'tool_result';
    case 'errors':
      return (
        entry.kind === 'error' || entry.kind === 'stderr' || (entry.kind === 'tool_result' && entry.isError === true)
      );
  }
}

/** The entries a tail filter shows, in order ('all' hands back the list itself, uncopied). */
export function filterEntries(entries: readonly TaskOutputEntry[], filter: TailFilter): readonly TaskOutputEntry[] {
  return filter === 'all' ? entries : entries.filter((e) => matchesFilter(e, filter));
}

/** Human name of a filter, for the tail header and the footer. */
export const FILTER_LABEL: Readonly<Record<TailFilter, string>> = {
  all: 'all output',
  text: 'assistant text',
  tools: 'tool actions',
  errors: 'errors',
};
