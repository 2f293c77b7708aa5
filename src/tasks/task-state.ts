/**
 * A task in memory: its record (what every view and the registry see), the bookkeeping around it
 * (tail, offsets, the last result), the process state of its current run, and the updates agent
 * events and run outcomes make to the record. No I/O here.
 */
import { estimateRunCost, type AgentPrices } from './agent-prices.js';
import { withUnbackedChangeNote } from './backends/codex-claims.js';
import { FilesTouched } from './files-touched.js';
import type { LogTailer } from './log-tailer.js';
import type { Outcome } from './outcome.js';
import { RingBuffer } from './ring-buffer.js';
import { applyEstimate, RunEstimate, sumRuns } from './run-estimate.js';
import { runCost } from './run-cost.js';
import { runUsage } from './run-usage.js';
import type { SeenProcess } from './runner.js';
import type { PersistedTask } from './task-store.js';
import type { AgentEvent, TaskOutputEntry, TaskRecord, TaskRun } from './types.js';

export type ResultEvent = Extract<AgentEvent, { type: 'result' }>;
export type ApiErrorEvent = Extract<AgentEvent, { type: 'api_error' }>;

/** Limits given at spawn; they apply to every run of the task. */
export type SpawnExtras = NonNullable<PersistedTask['spawnExtras']>;

/** Per-run process state (not persisted except through the record and {@link PersistedTask}). */
export interface RunState {
  runNo: number;
  pid: number;
  startTime?: number;
  /** Our own child (exit known from waitpid) or re-adopted (exit noticed by polling). */
  own: boolean;
  tailer: LogTailer;
  descendants: Map<number, SeenProcess>;
  cancelRequested: boolean;
  hangKilled: boolean;
  killTimer?: NodeJS.Timeout;
  hangTimer?: NodeJS.Timeout;
  lastOutputAt: number;
  ended: boolean;
}

/** An event waiting to be rendered, with the time it was read and where its line is in the log. */
export interface Unrendered {
  ev: AgentEvent;
  runNo: number;
  ts: number;
  offset: number | undefined;
}

/** One task in memory (see this file's header). */
export interface TaskState {
  rec: TaskRecord;
  tail: RingBuffer<TaskOutputEntry>;
  nextSeq: number;
  readOffset: number;
  stderrOffset: number;
  lastResult?: ResultEvent;
  lastApiError?: ApiErrorEvent;
  cancelling: boolean;
  /** Parsed events not yet turned into output entries (rendered at the next flush or tail()). */
  unrendered: Unrendered[];
  /** Output waiting for the next flush (capped at the tail size). */
  pending: TaskOutputEntry[];
  /** The record changed since the last `updated` event. */
  dirty: boolean;
  files: FilesTouched;
  run?: RunState;
  waiters: (() => void)[];
  /** Limits given at spawn; they apply to every run of the task. */
  spawnExtras?: SpawnExtras;
  /** The agent's latest text since its last tool call (chunks joined): the result of agents whose final line has none. */
  lastText?: string;
  /** Messages to continue with once the run, interrupted to steer, has ended (steering.ts). */
  steerPrompts?: string[];
  /** Turns and cost of the running run from the stream's usage, until its `result` line. */
  estimate?: RunEstimate;
  /** Tool items of the current run (since its `init`): a Codex answer without any is checked (codex-claims.ts). */
  runToolUses?: number;
}

/** Longest text kept as {@link TaskState.lastText}. */
const LAST_TEXT_MAX = 20_000;

/** A fresh in-memory task around `rec`, with a tail of `tailSize` entries. */
export function newTaskState(rec: TaskRecord, tailSize: number): TaskState {
  return {
    rec,
    tail: new RingBuffer<TaskOutputEntry>(tailSize),
    nextSeq: 0,
    readOffset: 0,
    stderrOffset: 0,
    cancelling: false,
    unrendered: [],
    pending: [],
    dirty: false,
    files: new FilesTouched(rec.filesTouched),
    waiters: [],
  };
}

/** A copy of a record that the receiver may keep or change without affecting the engine. */
export function snapshot(rec: TaskRecord): TaskRecord {
  const copy: TaskRecord = { ...rec, filesTouched: [...rec.filesTouched], runs: rec.runs.map((r) => ({ ...r })) };
  if (rec.failure) copy.failure = { ...rec.failure };
  for (const r of copy.runs) if (r.failure) r.failure = { ...r.failure };
  return copy;
}

/** Sets the follow-ups waiting behind the task's run (a new array: snapshots share it); none removes the field. */
export function setQueuedFollowUps(rec: TaskRecord, prompts: readonly string[]): void {
  if (prompts.length > 0) rec.queuedFollowUps = [...prompts];
  else delete rec.queuedFollowUps;
}

/** The newest run of a task (every record has at least one). */
export function currentRun(rec: TaskRecord): TaskRun {
  return rec.runs[rec.runs.length - 1] as TaskRun;
}

/** A queued task whose run starts now. */
export function markRunning(rec: TaskRecord, now: number): void {
  rec.status = 'running';
  delete rec.queuedReason;
  rec.startedAt = now;
  rec.activity = 'starting…';
  const run = currentRun(rec);
  run.status = 'running';
  run.startedAt = now;
}

/** A finished task gets a new run for a follow-up saying `prompt`, queued. */
export function addFollowUpRun(rec: TaskRecord, prompt: string, now: number): void {
  rec.runs.push({ runNo: rec.runs.length + 1, prompt, status: 'queued' });
  rec.status = 'queued';
  delete rec.failure;
  delete rec.endedAt;
  rec.stalled = false;
  rec.activity = 'queued (follow-up)';
  rec.updatedAt = now;
}

/**
 * Applies one agent event of run `runNo` to the task: session id, files touched, the last API
 * error, and for a `result` the run's turns, cost and result text. True for a `result` (the
 * caller arms the hang timer). A run that reports only tokens gets a cost estimated from `prices`.
 */
export function applyAgentEvent(st: TaskState, runNo: number, ev: AgentEvent, prices?: AgentPrices): boolean {
  const rec = st.rec;
  if (ev.type === 'text')
    st.lastText = ((ev.delta === true ? (st.lastText ?? '') : '') + ev.text).slice(-LAST_TEXT_MAX);
  else if (ev.type === 'tool_use' || ev.type === 'tool_result' || ev.type === 'init') delete st.lastText;
  switch (ev.type) {
    case 'init':
      if (ev.sessionId !== '') rec.claudeSessionId = ev.sessionId;
      st.runToolUses = 0;
      return false;
    case 'tool_use':
    case 'tool_result': {
      st.runToolUses = (st.runToolUses ?? 0) + 1;
      const changed = st.files.apply(ev);
      if (changed !== undefined) rec.filesTouched.push(changed);
      return false;
    }
    case 'api_error':
      st.lastApiError = ev;
      return false;
    case 'usage': {
      const run = rec.runs.find((r) => r.runNo === runNo) ?? currentRun(rec);
      // A run whose result has been read keeps the exact figures.
      if (st.lastResult !== undefined && run.estimated !== true && run.turns !== undefined) return false;
      if (st.estimate?.runNo !== run.runNo) st.estimate = new RunEstimate(run.runNo);
      st.estimate.add(ev);
      applyEstimate(rec, run, st.estimate);
      return false;
    }
    case 'result': {
      st.lastResult = ev;
      const run = rec.runs.find((r) => r.runNo === runNo) ?? currentRun(rec);
      run.turns = ev.turns;
      const sessionId = ev.sessionId ?? rec.claudeSessionId;
      const cost = runCost(ev.costUsd, sessionId, run.runNo, rec.runs);
      run.costUsd = cost.costUsd;
      if (ev.usage) Object.assign(run, runUsage(ev.usage, ev.cumulativeUsage === true, sessionId, run.runNo, rec.runs));
      if (ev.tokensOnly && run.usage) run.costUsd = estimateRunCost(rec.backend, rec.model, run.usage, prices) ?? 0;
      run.sessionCostUsd = cost.sessionCostUsd;
      if (sessionId !== undefined) run.sessionId = sessionId;
      let resultText = ev.text ?? st.lastText?.trim();
      if (rec.backend === 'codex' && !ev.isError && resultText !== undefined && st.runToolUses !== undefined)
        resultText = withUnbackedChangeNote(resultText, st.runToolUses);
      if (resultText !== undefined) {
        run.resultText = resultText;
        rec.resultText = resultText;
      }
      if (ev.sessionId && !rec.claudeSessionId) rec.claudeSessionId = ev.sessionId;
      delete st.lastText;
      delete run.estimated;
      delete st.estimate;
      sumRuns(rec);
      return true;
    }
    default:
      return false;
  }
}

/** How a run's process ended, as far as it is known. */
export interface RunExitFacts {
  exitCode?: number | null;
  signal?: string | null;
}

/** Records the end of the current run: status, failure, activity, exit facts; clears the run's state. */
export function applyOutcome(st: TaskState, outcome: Outcome, exit: RunExitFacts, now: number): void {
  const rec = st.rec;
  const run = currentRun(rec);
  rec.status = outcome.status;
  run.status = outcome.status;
  if (outcome.failure) {
    rec.failure = outcome.failure;
    run.failure = outcome.failure;
    rec.activity = outcome.failure.message;
  } else {
    delete rec.failure;
    if (outcome.status === 'cancelled') rec.activity = 'cancelled';
    else if (outcome.status === 'completed' && (rec.activity === 'starting…' || rec.activity === 'started'))
      rec.activity = 'done';
  }
  if (exit.exitCode !== undefined) run.exitCode = exit.exitCode;
  if (exit.signal !== undefined) run.signal = exit.signal;
  run.endedAt = now;
  rec.endedAt = now;
  delete rec.queuedReason;
  rec.stalled = false;
  rec.updatedAt = now;
  st.cancelling = false;
  st.run = undefined;
  delete st.lastResult;
  delete st.lastApiError;
  st.dirty = true;
}
