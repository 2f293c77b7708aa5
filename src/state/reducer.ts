/**
 * The pure reducer of the UI state. Every list it keeps is bounded.
 */
import { queuedFollowUps } from './queued-follow-ups.js';
import { applyEdit, lineAt } from '../input/line-editor.js';
import type { PttMode } from '../input/types.js';
import { DEFAULT_NOTICE_MODE } from '../shared/settings-values.js';
import type { TaskOutputEntry, TaskRecord } from '../tasks/types.js';
import type { Action, FormKey } from './actions.js';
import { diffReducer } from './diff-view.js';
import { recallEntry, rememberForm, type FormHistory } from './form-history.js';
import { cleanAction } from './screen-text.js';
import { pruneRequestUi, requestUiReducer } from './request-ui.js';
import { matchesFilter } from './selectors.js';
import { tableTasks } from './task-order.js';
import { tailSearchReducer } from './tail-search.js';
import { appendLive, appendNewer, compareCursor, loadNewest, openWindow, prependOlder } from './tail-window.js';
import { TAIL_FILTERS, type AppState, type FormState, type Notice, type NoticeKind } from './types.js';

/** Output entries kept per task in the store (the full output stays in the task manager). */
export const TAIL_MAX = 50;
/** Entries of the log open in the tail view (the window's bounds live with the window). */
export { TAIL_LOG_MAX } from './tail-window.js';
/** Transcript entries kept (activity lines included). */
export const TRANSCRIPT_MAX = 200;
/** Notices on screen at once (the newest win). */
export const NOTICES_MAX = 4;
/** Notices the log (`N`) keeps. */
export const NOTICE_LOG_MAX = 50;
/** How long a notice stays when the action does not say. */
export const NOTICE_TTL_MS = 5_000;
/** Longest text a form field accepts (a pasted prompt can be long, but not unbounded). */
export const FIELD_MAX = 4_000;

/** Options for {@link createInitialState}. */
export interface InitialStateOptions {
  model?: string;
  pttMode?: PttMode;
  tasks?: TaskRecord[];
}

/** The state before any port reported anything. */
export function createInitialState(opts: InitialStateOptions = {}): AppState {
  const base: AppState = {
    tasks: {},
    order: [],
    selectedId: null,
    hideFinished: false,
    tails: {},
    tailLog: null,
    transcript: [],
    notices: [],
    noticeLog: [],
    connection: { kind: 'closed' },
    model: opts.model ?? '',
    noticeMode: DEFAULT_NOTICE_MODE,
    ptt: { mode: opts.pttMode ?? { kind: 'none', key: '' }, talking: false, level: null },
    speaking: false,
    cost: { sessionUsd: 0, lastTurnUsd: 0 },
    latency: {},
    audio: { input: { kind: 'starting' }, output: { kind: 'starting' } },
    view: { kind: 'main' },
    overlay: null,
    seq: { notice: 0, activity: 0 },
    requests: [],
  };
  return opts.tasks ? reducer(base, { type: 'tasks/reset', tasks: opts.tasks }) : base;
}

/** The last `n` items of `list` followed by `added`, in one copy (output arrives in many small batches). */
function appendBounded<T>(list: readonly T[], added: readonly T[], n: number): T[] {
  const drop = Math.max(0, list.length + added.length - n);
  const out: T[] = [];
  for (let i = drop; i < list.length; i++) out.push(list[i]!);
  for (let i = Math.max(0, drop - list.length); i < added.length; i++) out.push(added[i]!);
  return out;
}

function withTask(state: AppState, task: TaskRecord): AppState {
  const known = task.id in state.tasks;
  const tasks = { ...state.tasks, [task.id]: task };
  const order = known ? state.order : [...state.order, task.id].sort((a, b) => a - b);
  const selectedId = state.selectedId ?? task.id;
  return { ...state, tasks, order, selectedId };
}

function appendTail(state: AppState, taskId: number, entries: TaskOutputEntry[]): AppState {
  const prev = state.tails[taskId] ?? [];
  const tails = { ...state.tails, [taskId]: appendBounded(prev, entries, TAIL_MAX) };
  let next: AppState = { ...state, tails };
  const log = state.tailLog;
  if (log && log.taskId === taskId) {
    const { log: tailLog, added } = appendLive(log, entries);
    if (added.length) next = keepInPlace({ ...next, tailLog }, added, []);
  }
  return next;
}

/**
 * Keeps the lines the user is reading in place when entries are added below them or cut from
 * the bottom (scroll counts entries hidden below the bottom edge).
 */
function keepInPlace(
  state: AppState,
  addedBelow: readonly TaskOutputEntry[],
  cutBelow: readonly TaskOutputEntry[],
): AppState {
  const v = state.view;
  if (v.kind !== 'tail' || v.follow) return state;
  const count = (es: readonly TaskOutputEntry[]): number => es.filter((e) => matchesFilter(e, v.filter)).length;
  const scroll = Math.max(0, v.scroll + count(addedBelow) - count(cutBelow));
  return scroll === v.scroll ? state : { ...state, view: { ...v, scroll } };
}

function tailCount(state: AppState): number {
  const v = state.view;
  if (v.kind !== 'tail' || !state.tailLog || state.tailLog.taskId !== v.taskId) return 0;
  return state.tailLog.entries.filter((e) => matchesFilter(e, v.filter)).length;
}

function commonPrefix(words: string[]): string {
  if (words.length === 0) return '';
  let p = words[0]!;
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1);
  return p;
}

function editForm(form: FormState, key: FormKey, history?: FormHistory): FormState {
  const field = form.fields[form.focus];
  if (!field) return form;
  const setValue = (value: string, cursor?: number): FormState => ({
    ...form,
    error: undefined,
    fields: form.fields.map((f, i) => {
      if (i !== form.focus) return f;
      const { cursor: _old, ...rest } = f;
      return cursor === undefined || cursor >= value.length ? { ...rest, value } : { ...rest, value, cursor };
    }),
  });
  const move = (d: number): FormState => ({
    ...form,
    focus: (form.focus + d + form.fields.length) % form.fields.length,
  });
  switch (key.name) {
    case 'next':
      return move(1);
    case 'prev':
      return move(-1);
    case 'older':
      return recallEntry(form, history, true) ?? move(-1);
    case 'newer':
      return recallEntry(form, history, false) ?? move(1);
    case 'complete': {
      if (field.name === 'project' && form.projects?.length) {
        const matches = form.projects.filter((p) => p.startsWith(field.value));
        const completed = matches.length === 1 ? matches[0]! : commonPrefix(matches);
        if (completed.length > field.value.length) return setValue(completed);
      }
      return move(1);
    }
    default: {
      const before = lineAt(field.value, field.cursor);
      const after = applyEdit(before, key, FIELD_MAX);
      return after === before ? form : setValue(after.value, after.cursor);
    }
  }
}

function addNotice(
  state: AppState,
  text: string,
  level: Notice['level'],
  kind: NoticeKind | undefined,
  at: number,
  ttlMs: number,
): AppState {
  const id = state.seq.notice + 1;
  const notice: Notice = { id, text, level, ...(kind ? { kind } : {}), at, expiresAt: at + ttlMs };
  // The same text twice in a row (a retrying error) refreshes the one notice instead of stacking.
  const others = state.notices.filter((n) => n.text !== text);
  const last = state.noticeLog[state.noticeLog.length - 1];
  const logBase = last?.text === text ? state.noticeLog.slice(0, -1) : state.noticeLog;
  return {
    ...state,
    notices: appendBounded(others, [notice], NOTICES_MAX),
    noticeLog: appendBounded(logBase, [notice], NOTICE_LOG_MAX),
    seq: { ...state.seq, notice: id },
  };
}

/** The reducer: pure, returns the same object when nothing changed. */
export function reducer(state: AppState, raw: Action): AppState {
  // The gate: outside text in an action is cleaned before it becomes state (see screen-text.ts).
  const action = cleanAction(raw);
  switch (action.type) {
    case 'requests/set':
      return {
        ...state,
        requests: action.requests,
        ...(state.requestUi ? { requestUi: pruneRequestUi(state.requestUi, action.requests) } : {}),
      };
    case 'followUps/set':
      return { ...state, followUpsQueued: queuedFollowUps(state.followUpsQueued, action.taskId, action.prompts) };
    case 'request-ui/pick':
    case 'request-ui/scroll':
      return requestUiReducer(state, action);
    case 'tasks/reset': {
      let next: AppState = { ...state, tasks: {}, order: [] };
      for (const t of action.tasks) next = withTask(next, t);
      const selectedId =
        state.selectedId !== null && state.selectedId in next.tasks
          ? state.selectedId
          : (tableTasks(next)[0]?.id ?? null);
      const v = state.view;
      // A view about a task that is gone would route keys to a screen nobody can see.
      if (v.kind !== 'main' && !(v.taskId in next.tasks))
        return { ...next, selectedId, view: { kind: 'main' }, tailLog: null };
      return { ...next, selectedId };
    }
    case 'task/upsert': {
      // A command may hand in the record it got back after newer events already arrived.
      const known = state.tasks[action.task.id];
      if (known && known.updatedAt > action.task.updatedAt) return state;
      return withTask(state, action.task);
    }
    case 'task/output':
      return action.entries.length ? appendTail(state, action.taskId, action.entries) : state;
    case 'select/move': {
      // The selection moves through the rows as the table shows them (attention order).
      const rows = tableTasks(state).map((t) => t.id);
      if (rows.length === 0) return state;
      const at = state.selectedId === null ? -1 : rows.indexOf(state.selectedId);
      const from = at < 0 ? (action.delta > 0 ? -1 : rows.length) : at;
      const to = Math.min(rows.length - 1, Math.max(0, from + action.delta));
      const selectedId = rows[to]!;
      return selectedId === state.selectedId ? state : { ...state, selectedId };
    }
    case 'tasks/toggle-finished': {
      const next: AppState = { ...state, hideFinished: !state.hideFinished };
      const rows = tableTasks(next);
      // A hidden selection would leave the keys acting on a task nobody can see.
      if (next.selectedId !== null && !rows.some((t) => t.id === next.selectedId))
        return { ...next, selectedId: rows[0]?.id ?? null };
      return next;
    }
    case 'select/set':
      return action.taskId in state.tasks && state.selectedId !== action.taskId
        ? { ...state, selectedId: action.taskId }
        : state;
    case 'transcript/upsert': {
      const i = state.transcript.findIndex((e) => e.id === action.entry.id);
      if (i >= 0) {
        const transcript = state.transcript.slice();
        transcript[i] = action.entry;
        return { ...state, transcript };
      }
      return { ...state, transcript: appendBounded(state.transcript, [action.entry], TRANSCRIPT_MAX) };
    }
    case 'activity/add': {
      const id = state.seq.activity + 1;
      const { at, text } = action;
      const entry = { id: `activity-${id}`, role: 'tool' as const, text, final: true, at };
      return {
        ...state,
        transcript: appendBounded(state.transcript, [entry], TRANSCRIPT_MAX),
        seq: { ...state.seq, activity: id },
      };
    }
    case 'notice/add':
      return addNotice(
        state,
        action.text,
        action.level ?? 'info',
        action.kind,
        action.at,
        action.ttlMs ?? NOTICE_TTL_MS,
      );
    case 'notice/expire': {
      const notices = state.notices.filter((n) => n.expiresAt > action.now);
      return notices.length === state.notices.length ? state : { ...state, notices };
    }
    case 'connection':
      return { ...state, connection: action.state };
    case 'noticeMode':
      return { ...state, noticeMode: action.mode };
    case 'ptt/mode':
      return { ...state, ptt: { ...state.ptt, mode: action.mode } };
    case 'ptt/talking':
      return {
        ...state,
        ptt: { ...state.ptt, talking: action.talking, level: action.talking ? state.ptt.level : null },
      };
    case 'ptt/level':
      return { ...state, ptt: { ...state.ptt, level: action.level } };
    case 'speaking':
      return state.speaking === action.speaking ? state : { ...state, speaking: action.speaking };
    case 'cost':
      return { ...state, cost: action.cost };
    case 'latency':
      return { ...state, latency: action.latency };
    case 'audio/input':
      return { ...state, audio: { ...state.audio, input: action.status } };
    case 'audio/output':
      return { ...state, audio: { ...state.audio, output: action.status } };
    case 'view/tail': {
      if (!(action.taskId in state.tasks)) return state;
      const live = state.tails[action.taskId] ?? [];
      return {
        ...state,
        selectedId: action.taskId,
        overlay: null,
        view: { kind: 'tail', taskId: action.taskId, filter: 'all', scroll: 0, follow: true },
        tailLog: openWindow(action.taskId, live),
      };
    }
    case 'view/result':
      if (!(action.taskId in state.tasks)) return state;
      return { ...state, selectedId: action.taskId, overlay: null, view: { kind: 'result', taskId: action.taskId } };
    case 'view/back':
      if (state.overlay) return { ...state, overlay: null };
      if (state.view.kind === 'main') return state;
      return { ...state, view: { kind: 'main' }, tailLog: null };
    case 'tail/loaded': {
      const log = state.tailLog;
      if (!log || log.taskId !== action.taskId) return state;
      return { ...state, tailLog: loadNewest(log, action.page) };
    }
    case 'tail/reload': {
      const log = state.tailLog;
      if (!log || log.taskId !== action.taskId) return state;
      return { ...state, tailLog: { ...log, loading: true, entries: [], atEnd: true, hasStderr: false } };
    }
    case 'tail/paging': {
      const log = state.tailLog;
      if (!log || log.taskId !== action.taskId || log.loading) return state;
      return { ...state, tailLog: { ...log, paging: action.direction } };
    }
    case 'tail/paged': {
      const log = state.tailLog;
      if (!log || log.taskId !== action.taskId || log.loading) return state;
      // A page read from an edge the window no longer has (reloaded meanwhile) would leave a gap.
      const edge = action.direction === 'older' ? log.start : log.end;
      if (!edge || compareCursor(edge, action.from) !== 0) return { ...state, tailLog: { ...log, paging: undefined } };
      if (action.direction === 'older') {
        const r = prependOlder(log, action.page);
        return keepInPlace({ ...state, tailLog: r.log }, [], r.dropped);
      }
      const r = appendNewer(log, action.page, state.tails[action.taskId] ?? []);
      return keepInPlace({ ...state, tailLog: r.log }, r.added, []);
    }
    case 'tail/load-failed': {
      const log = state.tailLog;
      if (!log || log.taskId !== action.taskId) return state;
      const { paging: _paging, ...rest } = log;
      return { ...state, tailLog: { ...rest, loading: false, error: action.error } };
    }
    case 'tail/filter': {
      const v = state.view;
      if (v.kind !== 'tail') return state;
      const filter = action.filter ?? TAIL_FILTERS[(TAIL_FILTERS.indexOf(v.filter) + 1) % TAIL_FILTERS.length]!;
      return { ...state, view: { ...v, filter, scroll: 0, follow: true } };
    }
    case 'tail/scroll': {
      const v = state.view;
      if (v.kind !== 'tail') return state;
      const max = Math.max(0, tailCount(state) - 1);
      const scroll = Math.min(max, Math.max(0, v.scroll + action.delta));
      // Only the newest output can be followed: the bottom of a window that ends earlier is not it.
      const atEnd = state.tailLog?.atEnd ?? true;
      return {
        ...state,
        view: { ...v, scroll, follow: scroll === 0 && atEnd && (action.delta < 0 || v.follow) },
      };
    }
    case 'tail/follow': {
      const v = state.view;
      if (v.kind !== 'tail') return state;
      return { ...state, view: { ...v, scroll: 0, follow: true } };
    }
    case 'tail/search':
    case 'tail/search-state':
    case 'tail/search-found':
      return tailSearchReducer(state, action);
    case 'diff/open':
    case 'diff/scroll':
    case 'diff/search':
      return diffReducer(state, action);
    case 'overlay/help':
      return { ...state, overlay: { kind: 'help' } };
    case 'result/scroll': {
      const v = state.view;
      if (v.kind !== 'result') return state;
      // The card clamps the bottom exactly (it knows its width); here to the text's line count.
      const max = (state.tasks[v.taskId]?.resultText ?? '').split('\n').length;
      const scroll = Math.max(0, Math.min(max, (v.scroll ?? 0) + action.delta));
      return scroll === (v.scroll ?? 0) ? state : { ...state, view: { ...v, scroll } };
    }
    case 'help/move': {
      const o = state.overlay;
      if (o?.kind !== 'help') return state;
      const row = Math.max(0, Math.min(action.max, (o.row ?? 0) + action.delta));
      return row === (o.row ?? 0) ? state : { ...state, overlay: { kind: 'help', row } };
    }
    case 'overlay/notices':
      return { ...state, overlay: { kind: 'notices' } };
    case 'overlay/close':
      return state.overlay ? { ...state, overlay: null } : state;
    case 'form/open':
      return { ...state, overlay: { kind: 'form', form: action.form } };
    case 'form/key': {
      const o = state.overlay;
      if (o?.kind !== 'form' || o.form.busy) return state;
      const form = editForm(o.form, action.key, state.formHistory);
      return form === o.form ? state : { ...state, overlay: { kind: 'form', form } };
    }
    case 'form/projects': {
      const o = state.overlay;
      if (o?.kind !== 'form') return state;
      const startDir = action.startDir !== undefined ? { startDir: action.startDir } : {};
      return { ...state, overlay: { kind: 'form', form: { ...o.form, projects: action.projects, ...startDir } } };
    }
    case 'form/error': {
      const o = state.overlay;
      if (o?.kind !== 'form') return state;
      // The same refusal again: counted, or a retry by Enter would look like nothing happened.
      const errorRepeats = o.form.error === action.error ? (o.form.errorRepeats ?? 1) + 1 : undefined;
      const form = { ...o.form, error: action.error, busy: false, errorRepeats };
      if (errorRepeats === undefined) delete form.errorRepeats;
      return { ...state, overlay: { kind: 'form', form } };
    }
    case 'form/remember': {
      const o = state.overlay;
      return o?.kind === 'form' ? { ...state, formHistory: rememberForm(state.formHistory, o.form) } : state;
    }
    case 'form/busy': {
      const o = state.overlay;
      if (o?.kind !== 'form') return state;
      return { ...state, overlay: { kind: 'form', form: { ...o.form, busy: action.busy } } };
    }
    case 'confirm/open':
      return {
        ...state,
        overlay: {
          kind: 'confirm',
          commandId: action.commandId,
          args: action.args,
          request: action.request,
          opened: action.opened,
        },
      };
  }
}
