/**
 * Everything that can change the UI state. Port events become these in bind.ts; commands and
 * components dispatch them through the store.
 */
import type { AudioLevel, AudioStatus } from '../audio/types.js';
import type { LineEdit } from '../input/line-editor.js';
import type { PttMode } from '../input/types.js';
import type { DiffSearchOp } from './diff-search.js';
import type { RequestUiAction } from './request-ui.js';
import type { TailSearchAction } from './tail-search.js';
import type { ConnectionState, CostSnapshot, LatencySnapshot, NoticeMode, TranscriptEntry } from '../session/types.js';
import type { LogCursor, LogPage, TaskOutputEntry, TaskRecord } from '../tasks/types.js';
import type { ConfirmRequest, FormState, KeyArrival, Notice, NoticeKind, RequestView, TailFilter } from './types.js';

/** A key as the form editor understands it (normalised by the UI layer). */
export type FormKey =
  /** Typing, paste, cursor moves and deletions in the focused field (input/line-editor.ts). */
  | LineEdit
  | { name: 'next' }
  | { name: 'prev' }
  /** ↑/↓: an older/newer entry in a field with history, else the previous/next field. */
  | { name: 'older' }
  | { name: 'newer' }
  /** Tab: complete the project name, or go to the next field when there is nothing to complete. */
  | { name: 'complete' };

/** Every action of the reducer. */
export type Action =
  | { type: 'tasks/reset'; tasks: TaskRecord[] }
  | { type: 'requests/set'; requests: RequestView[] }
  | { type: 'followUps/set'; taskId: number; prompts: readonly string[] }
  | RequestUiAction
  | { type: 'task/upsert'; task: TaskRecord }
  | { type: 'task/output'; taskId: number; entries: TaskOutputEntry[] }
  | { type: 'select/move'; delta: number }
  | { type: 'select/set'; taskId: number }
  /** `h`: hide finished tasks from the table, or show them again. */
  | { type: 'tasks/toggle-finished' }
  | { type: 'transcript/upsert'; entry: TranscriptEntry }
  | { type: 'activity/add'; at: number; text: string }
  | { type: 'notice/add'; text: string; level?: Notice['level']; kind?: NoticeKind; at: number; ttlMs?: number }
  | { type: 'notice/expire'; now: number }
  | { type: 'connection'; state: ConnectionState }
  | { type: 'noticeMode'; mode: NoticeMode }
  | { type: 'ptt/mode'; mode: PttMode }
  | { type: 'ptt/talking'; talking: boolean }
  | { type: 'ptt/level'; level: AudioLevel }
  | { type: 'speaking'; speaking: boolean }
  | { type: 'cost'; cost: CostSnapshot }
  | { type: 'latency'; latency: LatencySnapshot }
  | { type: 'audio/input'; status: AudioStatus }
  | { type: 'audio/output'; status: AudioStatus }
  | { type: 'view/tail'; taskId: number }
  | { type: 'view/result'; taskId: number }
  /** Esc: close the overlay, else go back to the main view. */
  | { type: 'view/back' }
  /** The newest page of the open log arrived (it replaces the window). */
  | { type: 'tail/loaded'; taskId: number; page: LogPage }
  /** A page on one side of the window is being read. */
  | { type: 'tail/paging'; taskId: number; direction: 'older' | 'newer' }
  /** A page before (older) or after (newer) the window arrived; `from` is the window edge it was read from. */
  | { type: 'tail/paged'; taskId: number; direction: 'older' | 'newer'; from: LogCursor; page: LogPage }
  /** Reading the newest page again (End while the window is not at the end). */
  | { type: 'tail/reload'; taskId: number }
  | { type: 'tail/load-failed'; taskId: number; error: string }
  /** Next filter, or the given one. */
  | { type: 'tail/filter'; filter?: TailFilter }
  /** Positive = towards older entries. */
  | { type: 'tail/scroll'; delta: number }
  | { type: 'tail/follow' }
  /** The log view's search (state/tail-search.ts). */
  | TailSearchAction
  | { type: 'overlay/help' }
  /** Scrolls the result card's final text (positive = down). */
  | { type: 'result/scroll'; delta: number }
  /** Moves the help overlay's cursor row by `delta`, within `[0, max]`. */
  | { type: 'help/move'; delta: number; max: number }
  /** Opens the diff view of a task; `diff/scroll` moves it (positive = down), to the line `to` when given. */
  | { type: 'diff/open'; taskId: number; title: string; lines: string[] }
  | { type: 'diff/scroll'; delta: number; to?: number }
  /** `/`, typing, Enter, `n`/`N` in the diff view (state/diff-search.ts). */
  | { type: 'diff/search'; op: DiffSearchOp }
  /** `N`: open the notice log. */
  | { type: 'overlay/notices' }
  | { type: 'overlay/close' }
  | { type: 'form/open'; form: FormState }
  | { type: 'form/key'; key: FormKey }
  | { type: 'form/projects'; projects: string[]; startDir?: string }
  | { type: 'form/error'; error: string }
  | { type: 'form/busy'; busy: boolean }
  /** The open form was sent: remember its prompt/message in the history. */
  | { type: 'form/remember' }
  | {
      type: 'confirm/open';
      commandId: string;
      args: Record<string, unknown>;
      request: ConfirmRequest;
      opened: KeyArrival;
    };
