/**
 * The UI state of voice-orch: one plain, immutable object that the reducer produces and the
 * components render. No React, no Ink, no process handles.
 */
import type { AudioLevel, AudioStatus } from '../audio/types.js';
import type { PttMode } from '../input/types.js';
import type { DiffSearch } from './diff-search.js';
import type { TextSearch } from './text-search.js';
import type { ConnectionState, CostSnapshot, LatencySnapshot, NoticeMode, TranscriptEntry } from '../session/types.js';
import type { LogCursor, TaskOutputEntry, TaskRecord } from '../tasks/types.js';
import type { FormHistory } from './form-history.js';
import type { RequestUiState } from './request-ui.js';

/** Which kinds of output the tail view shows. */
export type TailFilter = 'all' | 'text' | 'tools' | 'errors';

/** The tail view cycles through the filters in this order. */
export const TAIL_FILTERS: readonly TailFilter[] = ['all', 'text', 'tools', 'errors'];

/**
 * The part of a task's log the tail view holds: a bounded window of consecutive entries, paged
 * from disk by offset as the user scrolls, live output appended while it reaches the end
 * (state/tail-window.ts).
 */
export interface TailLog {
  taskId: number;
  /** True until the newest page arrived; live output that arrives meanwhile is kept and merged by position. */
  loading: boolean;
  entries: TaskOutputEntry[];
  /** Where the window's first line starts (an older page ends here); unknown while loading. */
  start?: LogCursor;
  /** Just after the window's last line (a newer page or live output continues here). */
  end?: LogCursor;
  /** Nothing older exists. */
  atStart: boolean;
  /** The window reaches the newest output: live output is appended. */
  atEnd: boolean;
  /** The window ends with the task's stderr lines. */
  hasStderr: boolean;
  /** A page is being read on that side (one read at a time). */
  paging?: 'older' | 'newer';
  /** Set when the log could not be read. */
  error?: string;
}

/** The main screens. Exactly one is shown; overlays draw over it. */
export type BaseView =
  | { kind: 'main' }
  | {
      kind: 'tail';
      taskId: number;
      filter: TailFilter;
      /** Entries hidden below the bottom edge (0 = the newest entry is visible). */
      scroll: number;
      /** Stick to the newest entry as output arrives. */
      follow: boolean;
      /** The search (`/`, `n`/`N`), once one was started (state/tail-search.ts). */
      search?: TextSearch;
    }
  /** `scroll`: lines of the final text scrolled past (↑/↓, PgUp/PgDn). */
  | { kind: 'result'; taskId: number; scroll?: number };

/** Forms that collect text before a command runs. */
export type FormKind = 'new-task' | 'follow-up' | 'message' | 'deny-reason' | 'commit-message';

/** One text field of a form. */
export interface FormField {
  name: string;
  label: string;
  value: string;
  /** Where the cursor is in `value` (input/line-editor.ts); absent = at the end. */
  cursor?: number;
  optional?: boolean;
  /** Shown dimmed when the field is empty. */
  placeholder?: string;
}

/** An open form. Values stay in the store, so a refused submit loses nothing typed. */
export interface FormState {
  kind: FormKind;
  /** The command the form submits to. */
  commandId: string;
  title: string;
  /** One or two sentences under the title: what submitting does (the commit form says where it commits). */
  detail?: string;
  fields: FormField[];
  /** Index of the focused field. */
  focus: number;
  /** For follow-ups: the task the prompt goes to. */
  taskId?: number;
  /** Completion candidates for a `project` field. */
  projects?: string[];
  /** The folder `.` stands for in a `project` field: where voice-orch was started, when under a root. */
  startDir?: string;
  /** Why the last submit was refused (shown inline). */
  error?: string;
  /** How many submits in a row got this same refusal, from the second on (shown, so a retry is seen to happen). */
  errorRepeats?: number;
  /** True while the submitted command runs. */
  busy?: boolean;
  /**
   * For a form that stands in for a confirm dialog (it opens pre-filled): the key press that opened
   * it. Enter from that read, or right after it, submits nothing (`confirmAccepts` in dispatch.ts).
   */
  opened?: KeyArrival;
  /** Which earlier entry ↑/↓ shows in the focused field (0 = newest); absent: not browsing (state/form-history.ts). */
  historyIndex?: number;
  /** What was typed before browsing the history, given back past the newest entry. */
  historyDraft?: string;
}

/** One answer of a confirm dialog. `args` are merged into the command's args; null = do nothing. */
export interface ConfirmChoice {
  /** The key that picks it: 'y', 'n', 'k', 'c', 'escape'. */
  key: string;
  label: string;
  args: Record<string, unknown> | null;
  /** Further keys that pick it without being shown ('ctrl+c' for the safe way out). */
  alsoKeys?: string[];
}

/** What a command asks before it runs from a key press. */
export interface ConfirmRequest {
  kind: 'cancel-task' | 'quit' | 'worktree';
  title: string;
  /** One or two sentences under the title. */
  detail?: string;
  choices: ConfirmChoice[];
}

/**
 * When a key arrived, and the terminal read it came in: keys read in one go (a paste, fast typing)
 * share a chunk number. A confirm dialog keeps the arrival of the key that opened it.
 */
export interface KeyArrival {
  at: number;
  /** Absent when the key did not come through the terminal reader (direct calls, tests). */
  chunk?: number;
}

/** Overlays drawn over the base view. */
export type Overlay =
  /** `row`: the help row under the cursor (↑/↓ move it; the overlay scrolls to keep it in view). */
  | { kind: 'help'; row?: number }
  /** A task's changes as a unified diff (lines already cleaned for the screen), scrolled to `scroll`. */
  | { kind: 'diff'; taskId: number; title: string; lines: readonly string[]; scroll: number; search?: DiffSearch }
  /** `N`: the last notices, newest first. */
  | { kind: 'notices' }
  | { kind: 'form'; form: FormState }
  | {
      kind: 'confirm';
      commandId: string;
      args: Record<string, unknown>;
      request: ConfirmRequest;
      /** The key press that opened it: answers that came with it or right after it are refused. */
      opened: KeyArrival;
    };

/** Where keys are interpreted: the base view, or the overlay on top of it. */
export type Scope = 'main' | 'tail' | 'result' | 'help' | 'notices' | 'form' | 'confirm' | 'diff';

/** What a notice is about, for its mark and colour: a failure, a task waiting for a decision, a finished task, a cancelled one. */
export type NoticeKind = 'failure' | 'waiting' | 'finished' | 'cancelled';

/** A short message that leaves the screen at `expiresAt` and stays in the notice log (`N`). */
export interface Notice {
  id: number;
  text: string;
  level: 'info' | 'success' | 'warning' | 'error';
  /** Absent for notices that are about nothing in particular (marked by level). */
  kind?: NoticeKind;
  /** When it was raised (epoch ms); the reducer always sets it. */
  at?: number;
  expiresAt: number;
}

/** Push-to-talk as the status bar shows it. */
export interface PttState {
  mode: PttMode;
  talking: boolean;
  /** Latest microphone level; only meaningful while talking. */
  level: AudioLevel | null;
}

/** A permission request waiting for the user (src/permissions/describe.ts wrote its texts). */
export interface RequestView {
  id: string;
  taskId: number;
  toolName: string;
  /** One line for the table: "wants to run `npm test`", "asks: Which database?". */
  reason: string;
  /** The whole request: the command, the edit, the numbered options, the plan. */
  detail: string;
  /** The options of the first question (AskUserQuestion), for the number keys. */
  options: string[];
  multiSelect: boolean;
  askedAt: number;
}

/** The whole UI state. */
export interface AppState {
  /** Every known task by id. */
  tasks: Readonly<Record<number, TaskRecord>>;
  /** Task ids in table order (ascending id). */
  order: readonly number[];
  selectedId: number | null;
  /** Earlier entries of the prompt fields and the message line (state/form-history.ts). */
  formHistory?: FormHistory;
  /** `h`: finished tasks are left out of the table (state/task-order.ts). */
  hideFinished: boolean;
  /** A short, bounded output tail per task (the full output stays in the task manager). */
  tails: Readonly<Record<number, readonly TaskOutputEntry[]>>;
  /** The log of the task open in the tail view. */
  tailLog: TailLog | null;
  /** Conversation, tool calls and activity lines, oldest first, bounded. */
  transcript: readonly TranscriptEntry[];
  notices: readonly Notice[];
  /** Every notice of the session, oldest first, bounded (the `N` overlay). */
  noticeLog: readonly Notice[];
  connection: ConnectionState;
  /** Realtime model name, for the status bar. */
  model: string;
  noticeMode: NoticeMode;
  ptt: PttState;
  /** Assistant audio is audible. */
  speaking: boolean;
  cost: CostSnapshot;
  latency: LatencySnapshot;
  audio: { input: AudioStatus; output: AudioStatus };
  view: BaseView;
  overlay: Overlay | null;
  /** Permission requests waiting for a decision, oldest first. */
  requests: readonly RequestView[];
  /** Follow-ups queued behind a task's running run, by task id, in the order said (tasks/follow-up-queue.ts). */
  followUpsQueued?: Readonly<Record<number, readonly string[]>>;
  /** Picked options and panel scroll of pending requests (state/request-ui.ts). */
  requestUi?: RequestUiState;
  /** Counters for ids the reducer hands out. */
  seq: { notice: number; activity: number };
}
