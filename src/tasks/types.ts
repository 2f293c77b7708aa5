/**
 * Types shared by the task engine and everything that drives it (commands, state, session).
 * No React, no process handles: plain data that can be written to disk and sent to the UI.
 */

import type { EventSource } from '../shared/events.js';

/** Lifecycle of a task. `queued → running → completed | failed | cancelled | interrupted`. */
export type TaskStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted';

/** True while a task is queued or running (it owns or waits for its project directory). */
export function isLive(status: TaskStatus): boolean {
  return status === 'queued' || status === 'running';
}

/** Why a task failed, as a kind (for colour/logic) and a sentence a person understands. */
export interface TaskFailure {
  kind: 'api_error' | 'max_turns' | 'budget' | 'crashed' | 'could_not_start' | 'execution_error';
  /** e.g. "API error 401: Invalid API key · Fix external API key", "crashed with exit code 3". */
  message: string;
}

/**
 * Which agent runs the task: Claude Code, Codex (`codex exec --json`), Gemini CLI (`gemini -p -o
 * stream-json`), or any argv with the prompt substituted.
 */
export type BackendKind = 'claude' | 'codex' | 'gemini' | 'command';

/** Claude permission modes accepted by the CLI; `bypassPermissions` only when configured explicitly. */
export type PermissionMode = 'acceptEdits' | 'auto' | 'bypassPermissions' | 'manual' | 'default' | 'dontAsk' | 'plan';

/** A task that works in a git worktree of its own (tasks/isolation.ts), as the registry keeps it. */
export interface TaskWorktree {
  /** Top folder of the user's main checkout of the repository. */
  repoRoot: string;
  /** The worktree's top folder (under the state directory). */
  path: string;
  /** `voice-orch/<id>-<name>`, made from `baseCommit`. */
  branch: string;
  baseCommit: string;
  /** Its folder was found missing (deleted by hand). */
  missing?: boolean;
}

/** What a task changed, as counted when its run ended (tasks/changes-tracker.ts). */
export interface TaskChanges {
  files: { path: string; added?: number; removed?: number }[];
  added: number;
  removed: number;
}

/** Options for {@link TaskManagerPort.spawn}. */
export interface SpawnOptions {
  name: string;
  prompt: string;
  /** Absolute path or a name under the allowed roots; resolved and checked by the manager. */
  projectDir: string;
  model?: string;
  permissionMode?: PermissionMode;
  /** Test/advanced seam, not a setting: the agent's turn limit (`--max-turns`). */
  maxTurns?: number;
  /** What the agent may spend, in USD (`--max-budget-usd`); default the manager's `defaultMaxBudgetUsd`. */
  maxBudgetUsd?: number;
  /** Test/advanced seam, not a setting: text appended to the agent's system prompt. */
  appendSystemPrompt?: string;
  backend?: BackendKind;
  /** Reasoning effort for agents that take one (codex: `model_reasoning_effort`). */
  reasoningEffort?: string;
  /** In place, in a worktree of its own, or `auto` (the manager's default); see tasks/isolation.ts. */
  isolation?: 'auto' | 'in_place' | 'worktree';
  /** A configured remote host to run on (`build`); a project `build:api` names it too. */
  host?: string;
}

/** One run of a task: the first spawn, then one per follow-up. */
export interface TaskRun {
  /** 1-based. */
  runNo: number;
  prompt: string;
  startedAt?: number;
  endedAt?: number;
  pid?: number;
  /** Process start time (clock ticks since boot, from /proc/<pid>/stat) to detect pid reuse. */
  pidStartTime?: number;
  exitCode?: number | null;
  signal?: string | null;
  status: TaskStatus;
  failure?: TaskFailure;
  /** The run was interrupted to steer the task: the next run continues it with the new message. */
  steered?: boolean;
  /** Final text of this run (from the `result` line). */
  resultText?: string;
  turns?: number;
  /** What this run spent (for a resumed session: its share of the session's total). */
  costUsd?: number;
  /** `turns` and `costUsd` are estimated from the stream's usage: no `result` line has said yet. */
  estimated?: boolean;
  /** Byte offset in this run's log file where its output begins (0 for a log of its own). */
  /** Tokens this run used (for a resumed codex thread: its share of the thread's total). */
  usage?: AgentUsage;
  /** The session's cumulative usage as the run's result reported it (codex), for the next run's share. */
  sessionUsage?: AgentUsage;
  /** Session the run's `result` belongs to. */
  sessionId?: string;
  /** The session's cumulative cost as the run's `result` reported it. */
  sessionCostUsd?: number;
  logOffset?: number;
  /**
   * Base name (in the state dir's `tasks/`) of this run's own stdout log, `<id>.run-<n>.ndjson`;
   * its stderr log ends `.stderr`. Absent for runs recorded before per-run logs: those share the
   * task's `<id>.ndjson` and begin at `logOffset`.
   */
  logFile?: string;
}

/** The record every view and tool reads. Timestamps are epoch milliseconds. */
export interface TaskRecord {
  /** Small integer, never reused (also across restarts). */
  id: number;
  name: string;
  status: TaskStatus;
  projectDir: string;
  /** The remote host the task runs on (its projectDir is a path there); undefined: this machine. */
  host?: string;
  backend: BackendKind;
  prompt: string;
  model?: string;
  permissionMode: PermissionMode;
  createdAt: number;
  startedAt?: number;
  endedAt?: number;
  updatedAt: number;
  /** Why the task is queued ("waiting for task 3 in /p/api", "4 tasks already running"). */
  queuedReason?: string;
  failure?: TaskFailure;
  /** True while no output has arrived for the stall timeout; cleared on new output. */
  stalled: boolean;
  /** Latest activity line, one line, for the table ("Edit src/auth.ts", "Bash: npm test"). */
  activity: string;
  /** Turns and cost summed over all runs. */
  turns: number;
  costUsd: number;
  /** Some run's turns and cost are an estimate (see {@link TaskRun.estimated}). */
  costEstimated?: boolean;
  /** The spending cap in USD given to the agent at spawn, when one was set. */
  budgetUsd?: number;
  claudeSessionId?: string;
  /** Final text of the latest finished run. */
  resultText?: string;
  /** Files the agent wrote or edited (tool uses whose result succeeded), de-duplicated, in order. */
  filesTouched: string[];
  runs: TaskRun[];
  /** Set when the task works in a git worktree of its own. */
  worktree?: TaskWorktree;
  /** What the task changed, counted by git when its latest run ended. */
  changes?: TaskChanges;
  /**
   * Follow-ups said while the task ran, waiting to become its next run when the current run ends
   * (follow-up-queue.ts). Kept in the registry so a restart of voice-orch does not lose them.
   */
  queuedFollowUps?: readonly string[];
}

/** One entry of a task's output, as shown by tail views and read back to the user. */
export interface TaskOutputEntry {
  /** Increasing per task, across runs (entries of a {@link LogPage} are numbered within the page). */
  seq: number;
  ts: number;
  runNo: number;
  kind: 'text' | 'tool' | 'tool_result' | 'system' | 'error' | 'result' | 'raw' | 'stderr';
  /** Display text, ANSI-stripped, one entry may span lines. */
  text: string;
  /** Set when the source line was cut at the line cap. */
  truncated?: boolean;
  /** For tool_result entries: the tool reported an error. */
  isError?: boolean;
  /** Byte offset of the log line it came from in its run's log (absent for stderr lines). */
  offset?: number;
}

/** A place in a task's output: a run, and a byte offset in that run's log (a line start). */
export interface LogCursor {
  runNo: number;
  offset: number;
}

/** Which page of a task's log to read; with neither cursor, the newest page. */
export interface LogPageRequest {
  /** The page that ends just before this place (scrolling up). */
  before?: LogCursor;
  /** The page that starts at this place (scrolling down). */
  after?: LogCursor;
}

/** A run of consecutive output entries read from a task's log on disk. */
export interface LogPage {
  entries: TaskOutputEntry[];
  /** Where the page's first line starts (an older page ends here). */
  start: LogCursor;
  /** Just after the page's last line (a newer page, or newer live output, starts here). */
  end: LogCursor;
  /** Nothing older exists. */
  atStart: boolean;
  /** Nothing newer exists on disk yet; includes the task's stderr once it is no longer running. */
  atEnd: boolean;
  /** The page ends with the stderr log's lines (they have no offset). */
  hasStderr: boolean;
}

/** Usage summed over a run, as reported by the CLI's `result` line. */
export interface AgentUsage {
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
}

/** One parsed stream-json line. A line may produce no event (ignored types) or exactly one. */
export type AgentEvent =
  | { type: 'init'; sessionId: string; model: string; cwd?: string; permissionMode?: string; tools?: string[] }
  | { type: 'text'; text: string; aborted?: boolean; delta?: boolean }
  | { type: 'tool_use'; id: string; name: string; input: unknown; summary: string; filePath?: string }
  | { type: 'tool_result'; toolUseId: string; isError: boolean; text: string }
  | { type: 'permission_denied'; toolName: string; toolUseId?: string; message: string }
  | {
      type: 'api_retry';
      attempt: number;
      maxRetries: number;
      retryDelayMs: number;
      errorStatus: number | null;
      error: string;
    }
  | { type: 'api_error'; status: number | null; errorType?: string; message: string }
  | { type: 'interrupted'; text: string }
  | {
      type: 'result';
      subtype: string;
      isError: boolean;
      text?: string;
      errors: string[];
      turns: number;
      costUsd: number;
      durationMs?: number;
      usage?: AgentUsage;
      terminalReason?: string;
      apiErrorStatus?: number | null;
      permissionDenials: { toolName: string; toolUseId?: string }[];
      sessionId?: string;
      /** The CLI reports tokens but no cost: `costUsd` is 0 and the result reads in tokens. */
      tokensOnly?: boolean;
      /** `usage` is the session's running total (codex threads), not this run's own. */
      cumulativeUsage?: boolean;
    }
  | { type: 'partial_text'; text: string }
  /** An assistant message's usage so far (each line of one message repeats it): for the live estimate. */
  | { type: 'usage'; messageId: string; model: string; usage: AgentUsage }
  | { type: 'other'; lineType: string; subtype?: string }
  | { type: 'raw'; text: string; truncated?: boolean };

/** Outcome of {@link TaskManagerPort.resolve}. */
export type ResolveResult =
  | { ok: true; task: TaskRecord; how: 'id' | 'exact' | 'prefix' | 'substring' | 'fuzzy' }
  | { ok: false; reason: 'not_found'; message: string }
  | { ok: false; reason: 'ambiguous'; message: string; candidates: TaskRecord[] };

/** What to do with live tasks when voice-orch quits. */
export type ShutdownPolicy = 'keep' | 'cancel';

/** Result of an action that can be refused: a value, never an exception. */
export type ActionResult<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * Typed event map of the task engine (for `EventEmitter<TaskManagerEvents>`).
 * Handlers must not throw; the manager isolates them anyway.
 */
export interface TaskManagerEvents {
  /** A task record was created (spawn) or re-adopted at start. */
  added: [task: TaskRecord];
  /** Any field of the record changed (status, activity, cost, stalled…). */
  updated: [task: TaskRecord];
  /** New output entries, batched (at most one event per task per flush interval). */
  output: [taskId: number, entries: TaskOutputEntry[]];
  /** The task reached a finished status (completed, failed, cancelled, interrupted). */
  finished: [task: TaskRecord];
  /** The stall watchdog fired (no output for the stall timeout). */
  stalled: [task: TaskRecord];
  /** An internal failure that did not stop the engine (disk full, registry write failed…). */
  error: [error: Error];
}

/**
 * The task engine as the command layer, the voice session and the UI see it.
 * Implemented by `TaskManager` in `task-manager.ts`.
 */
export interface TaskManagerPort extends EventSource<TaskManagerEvents> {
  spawn(opts: SpawnOptions): Promise<ActionResult<TaskRecord>>;
  followUp(ref: number, prompt: string): Promise<ActionResult<TaskRecord>>;
  cancel(ref: number): Promise<ActionResult<TaskRecord>>;
  /** Interrupts a running task's run and continues its session with `prompt` at once (steering.ts). */
  steer?(ref: number, prompt: string): Promise<ActionResult<TaskRecord>>;
  /** Sets the follow-ups waiting behind a task's run (follow-up-queue.ts); saved before it resolves. */
  setQueuedFollowUps?(ref: number, prompts: readonly string[]): Promise<ActionResult<TaskRecord>>;
  resolve(text: string): ResolveResult;
  list(): TaskRecord[];
  get(id: number): TaskRecord | undefined;
  /** The in-memory tail (bounded), oldest first. */
  tail(id: number, limit?: number): TaskOutputEntry[];
  /** One page of a task's output, read from its on-disk log by offset (memory stays bounded for any log size). */
  readLogPage(id: number, req?: LogPageRequest): Promise<LogPage>;
  /** Allowed project roots (absolute, symlinks resolved). */
  roots(): string[];
  /** Directory names under the roots, for completion in the new-task form. */
  listProjects(): Promise<string[]>;
  /** Stop watchers; with 'cancel' cancel every live task, with 'keep' leave them running for the next start. */
  shutdown(policy: ShutdownPolicy): Promise<void>;
}
