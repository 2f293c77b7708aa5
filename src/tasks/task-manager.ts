/**
 * The task engine: starts background agent runs (Claude Code in stream-json mode, or any
 * command), follows their output, decides their outcome, and keeps a registry on disk so tasks
 * survive voice-orch itself.
 *
 * Design in one paragraph: each run is a detached child whose stdout/stderr are log files opened
 * with O_APPEND; the manager tails the stdout log (the source of truth) through a line splitter
 * and the stream-json parser, keeps a bounded tail per task for views, and batches `output`
 * events. Liveness of processes it did not start (after a restart) comes from /proc with the
 * process start time guarding against pid reuse. One task writes in a directory at a time;
 * the global cap queues the rest; the queue drains FIFO.
 */
import { toError } from '../shared/errors.js';
import { SafeEmitter } from '../shared/events.js';
import { open, stat } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import type { AgentEnvPolicy } from './backends/agent-backend.js';
import { backendFor } from './backends/registry.js';
import { activityLine, toOutputEntries } from './display.js';
import { decodeLogLine, logLineEntries, type LineEntry } from './log-decoder.js';
import { sanitizeLine, sanitizeText } from '../shared/sanitize.js';
import { FilesTouched } from './files-touched.js';
import { LineSplitter, type SplitLine } from './line-splitter.js';
import { LogPager, type LogRange, type PagedLine } from './log-pager.js';
import { LogTailer } from './log-tailer.js';
import type { Outcome } from './outcome.js';
import { LocalRunner } from './local-runner.js';
import type { ChildExit, Runner, RunProcess, SeenProcess } from './runner.js';
import {
  listProjects as listProjectDirs,
  normalizeRoots,
  recheckProjectDir,
  resolveProjectDir,
} from './project-dirs.js';
import { resolveTaskRef } from './resolve.js';
import { RingBuffer } from './ring-buffer.js';
import { busyMessage, liveInDir, planSchedule } from './scheduler.js';
import { runCost } from './run-cost.js';
import type { RunMeta } from './registry-schema.js';
import { defaultStateDir, TaskStore, type PersistedTask, type RegistryData } from './task-store.js';
import {
  isLive,
  type ActionResult,
  type AgentEvent,
  type BackendKind,
  type LogCursor,
  type LogPage,
  type LogPageRequest,
  type PermissionMode,
  type ResolveResult,
  type ShutdownPolicy,
  type SpawnOptions,
  type TaskManagerEvents,
  type TaskManagerPort,
  type TaskOutputEntry,
  type TaskRecord,
  type TaskRun,
} from './types.js';

type ResultEvent = Extract<AgentEvent, { type: 'result' }>;
type ApiErrorEvent = Extract<AgentEvent, { type: 'api_error' }>;

/** Options of {@link TaskManager}. Durations in milliseconds. */
export interface TaskManagerOptions {
  /** Registry and logs; default `$XDG_STATE_HOME/voice-orch` (else `~/.local/state/voice-orch`). */
  stateDir?: string;
  /** Allowed project roots; spawns outside them are refused. */
  roots: string[];
  /** The claude executable: a name looked up on PATH (default `claude`) or a path. */
  claudePath?: string;
  /** Runs at the same time (default 4); the rest wait in the queue. */
  maxConcurrent?: number;
  /** A spawn into a directory with a live task: wait behind it (default) or refuse. */
  sameDirPolicy?: 'queue' | 'refuse';
  /** Between SIGTERM and SIGKILL when cancelling (default 5000). */
  cancelGraceMs?: number;
  /** No output for this long marks a task stalled (default 10 min); it does not kill. */
  stallTimeoutMs?: number;
  /** A process still alive this long after its `result` line is ended (default 10 s). */
  resultHangMs?: number;
  /** Output entries kept in memory per task (default 2000). */
  tailSize?: number;
  /** Longest line kept (bytes); longer lines are cut and marked truncated (default 1 MiB). */
  maxLineBytes?: number;
  /** Permission mode when a spawn names none (default acceptEdits). */
  defaultPermissionMode?: PermissionMode;
  /** Allow `bypassPermissions` (default false). */
  allowBypassPermissions?: boolean;
  /** Environment agents inherit from (default `process.env`), filtered by {@link agentEnv}. */
  env?: Record<string, string | undefined>;
  /** Inherited variables withheld from agents or passed to them after all (see {@link AgentEnvPolicy}). */
  agentEnv?: AgentEnvPolicy;
  /** Backend when a spawn names none (default claude). */
  backend?: BackendKind;
  /** The command backend's argv, `{prompt}` substituted, e.g. `['aider', '--message', '{prompt}']`. */
  commandArgv?: string[];
  /** Added: poll interval of the log tailers (default 150). */
  tailPollMs?: number;
  /** Added: how often /proc is checked for re-adopted processes' exits and stalls (default 250). */
  watchIntervalMs?: number;
  /** Added: how often descendants of running agents are recorded (default 1000). */
  descendantScanMs?: number;
  /** Added: output batching interval (default 50). */
  flushMs?: number;
  /** Where agent runs execute (default {@link LocalRunner}: detached processes on this machine). */
  runner?: Runner;
}

/** Per-run process state (not persisted except through the record and {@link PersistedTask}). */
interface RunState {
  runNo: number;
  pid: number;
  startTime?: number;
  /** Our own child (exit known from waitpid) or re-adopted (exit noticed by polling /proc). */
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

interface TaskState {
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
}

/** An event waiting to be rendered, with the time it was read and where its line is in the log. */
interface Unrendered {
  ev: AgentEvent;
  runNo: number;
  ts: number;
  offset: number | undefined;
}

type SpawnExtras = NonNullable<PersistedTask['spawnExtras']>;

const STDERR_TAIL_BYTES = 8192;

/**
 * The one variable voice-orch adds to an agent's environment: `<stateDir>|<task id>|<run no>`.
 * It lets a later start find an agent whose pid never reached the registry (voice-orch was killed
 * between starting it and saving) by reading /proc/<pid>/environ.
 */
export const TASK_MARKER_VAR = 'VOICE_ORCH_TASK';

/** The marker value of a run (see {@link TASK_MARKER_VAR}). */
export function taskMarker(stateDir: string, taskId: number, runNo: number): string {
  return `${stateDir}|${taskId}|${runNo}`;
}

/** Parses a marker value; the state dir may itself contain `|`, so the numbers are taken from the end. */
export function parseTaskMarker(value: string): { stateDir: string; taskId: number; runNo: number } | undefined {
  const m = /^(.*)\|(\d+)\|(\d+)$/s.exec(value);
  if (!m) return undefined;
  return { stateDir: m[1] as string, taskId: Number(m[2]), runNo: Number(m[3]) };
}

/**
 * Size of one page of the log view. Entry texts are capped (display.ts), so a page stays within
 * a few MB whatever the log holds; a view keeps a few pages.
 */
const LOG_PAGE_LIMITS = { maxEntries: 500, maxChars: 1_000_000, maxScanBytes: 8 * 1024 * 1024 };

/** The part of the log one run wrote. */
interface RunLogRange extends LogRange {
  runNo: number;
}

/** A copy of a record that the receiver may keep or change without affecting the engine. */
function snapshot(rec: TaskRecord): TaskRecord {
  const copy: TaskRecord = { ...rec, filesTouched: [...rec.filesTouched], runs: rec.runs.map((r) => ({ ...r })) };
  if (rec.failure) copy.failure = { ...rec.failure };
  for (const r of copy.runs) if (r.failure) r.failure = { ...r.failure };
  return copy;
}

function currentRun(rec: TaskRecord): TaskRun {
  return rec.runs[rec.runs.length - 1] as TaskRun;
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function readRange(path: string, from: number, maxBytes: number): Promise<string> {
  let fh;
  try {
    fh = await open(path, 'r');
    const size = (await fh.stat()).size;
    const start = Math.max(from, size - maxBytes);
    if (size <= start) return '';
    const buf = Buffer.alloc(size - start);
    const { bytesRead } = await fh.read(buf, 0, buf.length, start);
    return buf.toString('utf8', 0, bytesRead);
  } catch {
    return '';
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/**
 * The task engine (implements {@link TaskManagerPort}). Construct, then `await start()`.
 * All actions return values; failures that do not belong to an action become `error` events.
 * Its timers are unref'd: the owner keeps the process alive.
 */
export class TaskManager extends SafeEmitter<TaskManagerEvents> implements TaskManagerPort {
  private readonly store: TaskStore;
  private readonly tasks = new Map<number, TaskState>();
  /** Queued task ids in arrival order. */
  private queue: number[] = [];
  private nextId = 1;
  private rootList: string[] = [];
  private started = false;
  /** The registry is loaded (ids and tasks known): spawns and follow-ups are possible. */
  private ready = false;
  private closing = false;
  private closed = false;
  private readonly o: Required<
    Omit<TaskManagerOptions, 'stateDir' | 'env' | 'commandArgv' | 'claudePath' | 'agentEnv' | 'runner'>
  > & {
    agentEnv: AgentEnvPolicy;
    claudePath: string;
    commandArgv?: string[];
    env: Record<string, string | undefined>;
  };
  private readonly runner: Runner;
  private flushTimer: NodeJS.Timeout | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  private watchTimer: NodeJS.Timeout | undefined;
  private watching = false;
  private lastScan = 0;
  private linesIngested = 0;
  /** While start() runs: its `error` and `finished` events, kept for {@link emitStartupEvents}. */
  private startupEvents: (['error', Error] | ['finished', TaskRecord])[] = [];
  private startingUp = false;
  /** Runs between schedule and a recorded pid; shutdown waits for them so their pids are saved. */
  private readonly launching = new Set<Promise<unknown>>();

  constructor(opts: TaskManagerOptions) {
    super();
    this.o = {
      roots: opts.roots,
      claudePath: opts.claudePath ?? 'claude',
      maxConcurrent: Math.max(1, Math.floor(opts.maxConcurrent ?? 4)),
      sameDirPolicy: opts.sameDirPolicy ?? 'queue',
      cancelGraceMs: opts.cancelGraceMs ?? 5000,
      stallTimeoutMs: opts.stallTimeoutMs ?? 600_000,
      resultHangMs: opts.resultHangMs ?? 10_000,
      tailSize: Math.max(1, Math.floor(opts.tailSize ?? 2000)),
      maxLineBytes: opts.maxLineBytes ?? 1024 * 1024,
      defaultPermissionMode: opts.defaultPermissionMode ?? 'acceptEdits',
      allowBypassPermissions: opts.allowBypassPermissions ?? false,
      env: opts.env ?? process.env,
      agentEnv: opts.agentEnv ?? {},
      backend: opts.backend ?? 'claude',
      commandArgv: opts.commandArgv,
      tailPollMs: opts.tailPollMs ?? 150,
      watchIntervalMs: opts.watchIntervalMs ?? 250,
      descendantScanMs: opts.descendantScanMs ?? 1000,
      flushMs: opts.flushMs ?? 50,
    };
    this.store = new TaskStore(opts.stateDir ?? defaultStateDir(this.o.env));
    this.runner = opts.runner ?? new LocalRunner();
  }

  /** The state directory (registry and logs). */
  get stateDir(): string {
    return this.store.stateDir;
  }

  /** Added: log lines ingested (parsed and applied) since construction, for benchmarks and diagnostics. */
  get ingestedLines(): number {
    return this.linesIngested;
  }

  /** Path of a task's stdout log (NDJSON for claude tasks). */
  logPath(id: number): string {
    const rec = this.tasks.get(id)?.rec;
    return rec ? this.store.runLogPath(id, currentRun(rec)) : this.store.logPath(id);
  }

  /**
   * Loads the registry and deals with what the previous session left: runs whose process still
   * lives (same pid and start time) are re-adopted and followed from the saved log offset; runs
   * whose process is gone get their final status from the log's `result` line, else
   * `interrupted`. Tasks that were queued are queued again (in their old order) and start when
   * their turn comes: the user asked for them and nothing has run yet.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.startingUp = true;
    try {
      await this.load();
    } finally {
      this.startingUp = false;
    }
  }

  /**
   * Fires again the `error` and `finished` events that start() fired (a registry moved aside, a
   * bad record skipped, tasks that ended while voice-orch was not running), for listeners bound
   * after it: the screen and the voice session are bound once start() has returned. Once only.
   */
  emitStartupEvents(): void {
    const events = this.startupEvents;
    this.startupEvents = [];
    for (const [event, arg] of events) {
      if (event === 'error') this.fire('error', arg);
      else this.fire('finished', arg);
    }
  }

  private async load(): Promise<void> {
    try {
      await this.store.init();
    } catch (e) {
      this.fire('error', new Error(`cannot create the state directory ${this.store.stateDir}: ${toError(e).message}`));
    }
    this.rootList = await normalizeRoots(this.o.roots);
    const { data, problems } = await this.store.load();
    for (const problem of problems) this.fire('error', new Error(problem));
    this.nextId = data.nextId;
    const toFinalize: TaskState[] = [];
    let marked: Map<string, SeenProcess> | undefined;
    for (const p of data.tasks.sort((a, b) => a.record.id - b.record.id)) {
      const st = this.restoreState(p);
      this.tasks.set(st.rec.id, st);
      await this.refillTail(st);
      if (st.rec.status === 'queued') {
        this.queue.push(st.rec.id);
      } else if (st.rec.status === 'running') {
        const run = currentRun(st.rec);
        if (
          run.pid !== undefined &&
          run.pid > 0 &&
          (await this.runner.isAlive({ pid: run.pid, startTime: run.pidStartTime }))
        ) {
          this.adopt(st, run);
          continue;
        }
        // No live pid on record: voice-orch may have died between starting the agent and saving
        // its pid. The agent carries its task and run in its environment.
        marked ??= await this.markedAgents();
        const found = marked.get(`${st.rec.id}|${run.runNo}`);
        if (found) {
          run.pid = found.pid;
          run.pidStartTime = found.startTime;
          this.adopt(st, run);
        } else {
          toFinalize.push(st);
        }
      }
    }
    // Before this, a spawn would take an id the registry already uses (nextId was still 1).
    this.ready = true;
    for (const st of this.tasks.values()) this.fire('added', snapshot(st.rec));
    for (const st of toFinalize) await this.finalizeDead(st);
    this.watchTimer = setInterval(() => void this.watchTick(), this.o.watchIntervalMs);
    this.watchTimer.unref();
    this.schedule();
    await this.saveNow();
  }

  /** Live agents started with this state dir's marker, by `<task id>|<run no>` (the topmost process of each). */
  private async markedAgents(): Promise<Map<string, SeenProcess>> {
    const stateDir = resolvePath(this.store.stateDir);
    const procs = (await this.runner.findMarked(TASK_MARKER_VAR)).filter(
      (p) => parseTaskMarker(p.value)?.stateDir === stateDir,
    );
    // An agent's own children (its tools) inherit the marker: the agent is the one whose parent lacks it.
    const byPid = new Map(procs.map((p) => [p.pid, p]));
    const out = new Map<string, SeenProcess>();
    for (const p of procs) {
      if (byPid.get(p.ppid)?.value === p.value) continue;
      const m = parseTaskMarker(p.value) as { taskId: number; runNo: number };
      const key = `${m.taskId}|${m.runNo}`;
      const prev = out.get(key);
      if (!prev || p.startTime < prev.startTime) out.set(key, { pid: p.pid, startTime: p.startTime });
    }
    return out;
  }

  /**
   * Creates a task and starts it, or queues it (directory busy, or the concurrency cap reached).
   * Resolves as soon as the record exists; never waits for the agent.
   */
  async spawn(opts: SpawnOptions): Promise<ActionResult<TaskRecord>> {
    if (!this.ready) return { ok: false, message: 'the task engine has not started yet' };
    if (this.closing) return { ok: false, message: 'voice-orch is shutting down; no new tasks now' };
    // The name comes from the model or the form and is shown everywhere: cleaned once, here.
    const name = sanitizeLine(opts.name ?? '');
    const prompt = opts.prompt ?? '';
    if (name === '') return { ok: false, message: 'A task needs a name. What should I call it?' };
    if (prompt.trim() === '') return { ok: false, message: 'A task needs a prompt: what should the agent do?' };
    const mode = opts.permissionMode ?? this.o.defaultPermissionMode;
    if (mode === 'bypassPermissions' && !this.o.allowBypassPermissions) {
      return {
        ok: false,
        message:
          'Bypassing permissions is turned off. It is allowed only when it is the default you chose yourself: "permissionMode": "bypassPermissions" in config.json or --permission-mode bypassPermissions. Otherwise use acceptEdits.',
      };
    }
    const backend = opts.backend ?? this.o.backend;
    const refusal = backendFor(backend).refusal(this.o);
    if (refusal !== undefined) return { ok: false, message: refusal };
    if (opts.maxTurns !== undefined && !(Number.isInteger(opts.maxTurns) && opts.maxTurns > 0)) {
      return { ok: false, message: 'The turn limit must be a whole number above zero.' };
    }
    if (opts.maxBudgetUsd !== undefined && !(Number.isFinite(opts.maxBudgetUsd) && opts.maxBudgetUsd > 0)) {
      return { ok: false, message: 'The budget must be an amount of dollars above zero.' };
    }
    const dir = await resolveProjectDir(opts.projectDir, this.rootList);
    if (!dir.ok) return dir;
    // From here to the return there is no await: two spawns can never both see a free directory.
    if (this.closing) return { ok: false, message: 'voice-orch is shutting down; no new tasks now' };
    const projectDir = dir.value;
    if (this.o.sameDirPolicy === 'refuse') {
      const busy = this.liveInDir(projectDir);
      if (busy) return { ok: false, message: busyMessage(busy, projectDir) };
    }
    const now = Date.now();
    const rec: TaskRecord = {
      id: this.nextId++,
      name,
      status: 'queued',
      projectDir,
      backend,
      prompt,
      permissionMode: mode,
      createdAt: now,
      updatedAt: now,
      stalled: false,
      activity: 'queued',
      turns: 0,
      costUsd: 0,
      filesTouched: [],
      runs: [{ runNo: 1, prompt, status: 'queued' }],
    };
    if (opts.model !== undefined && opts.model !== '') rec.model = opts.model;
    const st = this.newState(rec);
    const extras: SpawnExtras = {};
    if (opts.maxTurns !== undefined) extras.maxTurns = opts.maxTurns;
    if (opts.maxBudgetUsd !== undefined) extras.maxBudgetUsd = opts.maxBudgetUsd;
    if (opts.appendSystemPrompt !== undefined && opts.appendSystemPrompt !== '')
      extras.appendSystemPrompt = opts.appendSystemPrompt;
    st.spawnExtras = extras;
    this.tasks.set(rec.id, st);
    this.queue.push(rec.id);
    const toStart = this.schedule(false);
    st.dirty = false;
    this.fire('added', snapshot(rec));
    this.launch(toStart);
    this.saveSoon();
    return { ok: true, value: snapshot(rec) };
  }

  /**
   * Continues a finished task's Claude session (`--resume <session id>`) in the same directory
   * as a new run. Refused while the task is live or when no session id is known.
   */
  async followUp(ref: number, prompt: string): Promise<ActionResult<TaskRecord>> {
    if (!this.ready) return { ok: false, message: 'the task engine has not started yet' };
    if (this.closing) return { ok: false, message: 'voice-orch is shutting down; no follow-ups now' };
    const st = this.tasks.get(ref);
    if (!st) return { ok: false, message: `There is no task ${ref}.` };
    const rec = st.rec;
    if (isLive(rec.status)) {
      return {
        ok: false,
        message: `Task ${rec.id} (${rec.name}) is still ${rec.status}; wait for it to finish or cancel it first.`,
      };
    }
    if ((prompt ?? '').trim() === '') return { ok: false, message: 'What should the follow-up say?' };
    if (rec.claudeSessionId === undefined || rec.claudeSessionId === '') {
      return {
        ok: false,
        message: `Task ${rec.id} (${rec.name}) has no agent session to continue; start a new task instead.`,
      };
    }
    if (this.o.sameDirPolicy === 'refuse') {
      const busy = this.liveInDir(rec.projectDir);
      if (busy) return { ok: false, message: busyMessage(busy, rec.projectDir) };
    }
    const now = Date.now();
    rec.runs.push({ runNo: rec.runs.length + 1, prompt, status: 'queued' });
    rec.status = 'queued';
    delete rec.failure;
    delete rec.endedAt;
    rec.stalled = false;
    rec.activity = 'queued (follow-up)';
    rec.updatedAt = now;
    this.queue.push(rec.id);
    const toStart = this.schedule(false);
    this.fire('updated', snapshot(rec));
    st.dirty = false;
    this.launch(toStart);
    this.saveSoon();
    return { ok: true, value: snapshot(rec) };
  }

  /**
   * Cancels a queued task at once, or a running one: SIGTERM to the agent, then after the grace
   * period SIGKILL to its process group and every descendant seen while it ran. Resolves when
   * the task has ended and its record is saved.
   */
  async cancel(ref: number): Promise<ActionResult<TaskRecord>> {
    const st = this.tasks.get(ref);
    if (!st) return { ok: false, message: `There is no task ${ref}.` };
    const rec = st.rec;
    if (rec.status === 'queued') {
      this.queue = this.queue.filter((id) => id !== rec.id);
      this.finishRun(st, { status: 'cancelled' }, {});
      await this.saveNow();
      return { ok: true, value: snapshot(rec) };
    }
    if (rec.status !== 'running') {
      return {
        ok: false,
        message: `Task ${rec.id} (${rec.name}) has already ${rec.status === 'completed' ? 'completed' : `ended (${rec.status})`}.`,
      };
    }
    const ended = this.waitEnd(st);
    if (!st.cancelling) {
      st.cancelling = true;
      rec.activity = 'cancelling…';
      this.markDirty(st);
      if (st.run) void this.beginCancel(st, st.run);
      this.saveSoon();
    }
    await ended;
    return { ok: true, value: snapshot(rec) };
  }

  /** Finds the task a spoken or typed reference means (ambiguity is reported, never guessed). */
  resolve(text: string): ResolveResult {
    return resolveTaskRef(text, this.list());
  }

  /** All tasks, by id. */
  list(): TaskRecord[] {
    return [...this.tasks.values()].sort((a, b) => a.rec.id - b.rec.id).map((s) => snapshot(s.rec));
  }

  get(id: number): TaskRecord | undefined {
    const st = this.tasks.get(id);
    return st ? snapshot(st.rec) : undefined;
  }

  tail(id: number, limit?: number): TaskOutputEntry[] {
    const st = this.tasks.get(id);
    if (!st) return [];
    this.render(st);
    return st.tail.last(limit ?? st.tail.size);
  }

  /**
   * One page of a task's output, read from its log by byte offset: the newest page, the page
   * before a cursor, or the page after one. A page holds at most {@link LOG_PAGE_LIMITS}, so
   * paging through a log of any size keeps memory bounded. Once the page reaches the end of a
   * task that is no longer running, the end of its stderr log follows as `stderr` entries.
   */
  async readLogPage(id: number, req: LogPageRequest = {}): Promise<LogPage> {
    const st = this.tasks.get(id);
    const empty: LogPage = {
      entries: [],
      start: { runNo: 1, offset: 0 },
      end: { runNo: 1, offset: 0 },
      atStart: true,
      atEnd: true,
      hasStderr: false,
    };
    if (!st) return empty;
    const rec = st.rec;
    const ranges = await this.logRanges(st);
    const pager = new LogPager(
      (line) => logLineEntries(rec.backend, line.text, line.truncated, rec.projectDir),
      this.o.maxLineBytes,
    );
    const budget = pager.budget(LOG_PAGE_LIMITS);
    const lines: { runNo: number; line: PagedLine<LineEntry> }[] = [];
    let start: LogCursor | undefined;
    let end: LogCursor | undefined;
    let atStart = ranges.length === 0;
    let atEnd = ranges.length === 0;
    const indexOf = (c: LogCursor): number => {
      const i = ranges.findIndex((r) => r.runNo === c.runNo);
      return i >= 0 ? i : c.runNo < (ranges[0]?.runNo ?? 0) ? 0 : ranges.length - 1;
    };
    try {
      if (req.after) {
        let i = indexOf(req.after);
        let pos = ranges[i]?.runNo === req.after.runNo ? req.after.offset : (ranges[i]?.start ?? 0);
        start = req.after;
        atStart = false;
        for (; i < ranges.length; i++) {
          const r = ranges[i] as RunLogRange;
          const read = await pager.after(r, pos, budget);
          for (const line of read.lines) lines.push({ runNo: r.runNo, line });
          end = { runNo: r.runNo, offset: read.to };
          if (!read.reachedEdge) break;
          if (i === ranges.length - 1) atEnd = true;
          if (budget.full) break;
          pos = (ranges[i + 1] as RunLogRange | undefined)?.start ?? 0;
        }
      } else {
        let i = req.before ? indexOf(req.before) : ranges.length - 1;
        const last = ranges[i];
        let pos = req.before && last?.runNo === req.before.runNo ? req.before.offset : (last?.end ?? 0);
        end = req.before ?? (last ? { runNo: last.runNo, offset: pos } : undefined);
        atEnd = req.before === undefined;
        const older: (typeof lines)[] = [];
        for (; i >= 0; i--) {
          const r = ranges[i] as RunLogRange;
          const read = await pager.before(r, pos, budget);
          if (req.before === undefined && i === ranges.length - 1) end = { runNo: r.runNo, offset: read.to };
          older.push(read.lines.map((line) => ({ runNo: r.runNo, line })));
          start = { runNo: r.runNo, offset: read.from };
          if (!read.reachedEdge) break;
          if (i === 0) atStart = true;
          if (budget.full) break;
          pos = (ranges[i - 1] as RunLogRange | undefined)?.end ?? 0;
        }
        for (let k = older.length - 1; k >= 0; k--) lines.push(...(older[k] as typeof lines));
      }
    } catch (e) {
      this.fire('error', new Error(`reading the log of task ${id}: ${toError(e).message}`));
    }
    const runOf = new Map(rec.runs.map((r) => [r.runNo, r]));
    const entries: TaskOutputEntry[] = [];
    let seq = 0;
    for (const { runNo, line } of lines) {
      const ts = runOf.get(runNo)?.startedAt ?? rec.createdAt;
      for (const e of line.entries) entries.push({ seq: seq++, ts, runNo, offset: line.offset, ...e });
    }
    const hasStderr = atEnd && rec.status !== 'running';
    if (hasStderr) {
      const last = currentRun(rec);
      const errText = await readRange(this.store.runStderrPath(id, last), 0, 64 * 1024);
      for (const line of sanitizeText(errText).split('\n')) {
        if (line.trim() === '') continue;
        entries.push({ seq: seq++, ts: last.endedAt ?? rec.updatedAt, runNo: last.runNo, kind: 'stderr', text: line });
      }
    }
    return {
      ...empty,
      entries,
      start: start ?? empty.start,
      end: end ?? start ?? empty.end,
      atStart,
      atEnd,
      hasStderr,
    };
  }

  /**
   * Where each run's output is: the one place that maps runs to log files. A run has a log of its
   * own; runs recorded before per-run logs share the task's log, each from its `logOffset` to the
   * next such run's. The last run's range is still growing while the task runs.
   */
  private async logRanges(st: TaskState): Promise<RunLogRange[]> {
    const rec = st.rec;
    const runs = rec.runs.filter((r) => r.logOffset !== undefined || r.runNo === 1).sort((a, b) => a.runNo - b.runNo);
    const sizes = new Map<string, number>();
    const sizeOf = async (path: string): Promise<number> => {
      const known = sizes.get(path);
      if (known !== undefined) return known;
      const size = await fileSize(path);
      sizes.set(path, size);
      return size;
    };
    const ranges: RunLogRange[] = [];
    for (let i = 0; i < runs.length; i++) {
      const r = runs[i] as TaskRun;
      const path = this.store.runLogPath(rec.id, r);
      const size = await sizeOf(path);
      // A run with a log of its own ends at the end of its file; runs recorded before per-run logs
      // share the task's log, each up to where the next run of that log begins.
      const next = runs.slice(i + 1).find((n) => this.store.runLogPath(rec.id, n) === path);
      const start = Math.min(r.logOffset ?? 0, size);
      const end = next ? Math.min(next.logOffset ?? size, size) : size;
      const range: RunLogRange = { runNo: r.runNo, path, start, end: Math.max(start, end) };
      if (i === runs.length - 1 && rec.status === 'running') range.growing = true;
      ranges.push(range);
    }
    return ranges;
  }

  roots(): string[] {
    return [...this.rootList];
  }

  listProjects(): Promise<string[]> {
    return listProjectDirs(this.rootList);
  }

  /**
   * Stops watchers and tailers and saves the registry. 'cancel' cancels every live task first
   * (and waits for them); 'keep' leaves agents running and queued tasks queued for the next start.
   */
  async shutdown(policy: ShutdownPolicy): Promise<void> {
    if (this.closed || this.closing) return;
    this.closing = true;
    if (policy === 'cancel') {
      const live = [...this.tasks.values()].filter((s) => isLive(s.rec.status));
      // Queued ones first, so none of them starts when a running one frees its slot.
      for (const s of live) if (s.rec.status === 'queued') await this.cancel(s.rec.id);
      await Promise.all(live.filter((s) => s.rec.status === 'running').map((s) => this.cancel(s.rec.id)));
    }
    if (this.watchTimer) clearInterval(this.watchTimer);
    this.watchTimer = undefined;
    // A run still starting must get its pid on disk before the last save (the next start adopts it).
    await Promise.allSettled([...this.launching]);
    for (const st of this.tasks.values()) {
      const rs = st.run;
      if (!rs) continue;
      if (rs.hangTimer) clearTimeout(rs.hangTimer);
      if (rs.killTimer) clearTimeout(rs.killTimer);
      await rs.tailer.stop();
      st.readOffset = rs.tailer.offset;
    }
    this.flush();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.closed = true;
    await this.saveNow();
  }

  // ---------------------------------------------------------------- state

  private newState(rec: TaskRecord): TaskState {
    return {
      rec,
      tail: new RingBuffer<TaskOutputEntry>(this.o.tailSize),
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

  private restoreState(p: PersistedTask): TaskState {
    const st = this.newState(p.record);
    st.nextSeq = p.nextSeq;
    st.readOffset = p.readOffset;
    st.stderrOffset = p.stderrOffset ?? 0;
    if (p.lastResult) st.lastResult = p.lastResult;
    if (p.lastApiError) st.lastApiError = p.lastApiError;
    st.cancelling = p.cancelling ?? false;
    if (p.spawnExtras) st.spawnExtras = p.spawnExtras;
    if (p.pendingWrites) st.files = new FilesTouched(p.record.filesTouched, p.pendingWrites);
    return st;
  }

  /** Fills the in-memory tail of a loaded task from the end of its log (up to the ingested offset). */
  private async refillTail(st: TaskState): Promise<void> {
    const end = st.readOffset;
    if (end <= 0) return;
    // Bounded so a start with hundreds of old tasks stays fast; enough for a full tail of typical lines.
    const budget = Math.min(end, 256 * 1024);
    let fh;
    try {
      fh = await open(this.store.runLogPath(st.rec.id, currentRun(st.rec)), 'r');
      const buf = Buffer.allocUnsafe(budget);
      const { bytesRead } = await fh.read(buf, 0, budget, end - budget);
      let chunk = buf.subarray(0, bytesRead);
      let from = end - budget;
      if (from > 0) {
        // Started mid-line: skip to the first line boundary.
        const nl = chunk.indexOf(0x0a);
        chunk = nl >= 0 ? chunk.subarray(nl + 1) : chunk.subarray(chunk.length);
        from = end - chunk.length;
      }
      const splitter = new LineSplitter({ maxLineBytes: this.o.maxLineBytes, startOffset: from });
      const entries: Omit<TaskOutputEntry, 'seq'>[] = [];
      const run = currentRun(st.rec);
      for (const line of splitter.push(chunk)) {
        for (const e of logLineEntries(st.rec.backend, line.text, line.truncated, st.rec.projectDir))
          entries.push({ ts: run.startedAt ?? st.rec.createdAt, runNo: run.runNo, offset: line.offset, ...e });
      }
      const keep = entries.slice(-this.o.tailSize);
      let seq = Math.max(0, st.nextSeq - keep.length);
      for (const e of keep) st.tail.push({ seq: seq++, ...e });
    } catch {
      // A missing or unreadable log only means an empty tail view.
    } finally {
      await fh?.close().catch(() => undefined);
    }
  }

  /** A live task whose folder overlaps `dir` (the same, a parent or a subfolder). */
  private liveInDir(dir: string): TaskRecord | undefined {
    return liveInDir(
      [...this.tasks.values()].map((s) => s.rec),
      dir,
    );
  }

  private markDirty(st: TaskState): void {
    st.rec.updatedAt = Date.now();
    st.dirty = true;
    this.scheduleFlush();
  }

  // ---------------------------------------------------------------- scheduling

  /**
   * Decides which queued tasks start now (FIFO; a directory with a live task ahead blocks only
   * that directory; the cap blocks everything) and marks them running synchronously. Returns
   * them so the caller starts their processes; `launchNow` does that at once.
   */
  private schedule(launchNow = true): TaskState[] {
    if (this.closing) return [];
    const running: TaskRecord[] = [];
    for (const s of this.tasks.values()) if (s.rec.status === 'running') running.push(s.rec);
    const queued: TaskRecord[] = [];
    for (const id of this.queue) {
      const st = this.tasks.get(id);
      if (st) queued.push(st.rec);
    }
    const plan = planSchedule(running, queued, this.o.maxConcurrent);
    const rest: number[] = [];
    for (const { id, reason } of plan.wait) {
      const st = this.tasks.get(id) as TaskState;
      if (st.rec.queuedReason !== reason) {
        st.rec.queuedReason = reason;
        st.rec.activity = reason;
        this.markDirty(st);
      }
      rest.push(id);
    }
    const toStart: TaskState[] = [];
    for (const id of plan.start) {
      const st = this.tasks.get(id) as TaskState;
      const rec = st.rec;
      const now = Date.now();
      rec.status = 'running';
      delete rec.queuedReason;
      rec.startedAt = now;
      rec.activity = 'starting…';
      const run = currentRun(rec);
      run.status = 'running';
      run.startedAt = now;
      this.markDirty(st);
      toStart.push(st);
    }
    this.queue = rest;
    if (launchNow) this.launch(toStart);
    return toStart;
  }

  private launch(toStart: TaskState[]): void {
    for (const st of toStart) {
      void this.startRun(st).catch((e: unknown) => {
        this.fire('error', toError(e));
        if (st.rec.status === 'running' && !st.run) {
          this.finishRun(
            st,
            {
              status: 'failed',
              failure: { kind: 'could_not_start', message: `could not start: ${toError(e).message}` },
            },
            {},
          );
        }
      });
    }
  }

  private async startRun(st: TaskState): Promise<void> {
    const launched = this.launchRun(st);
    this.launching.add(launched);
    let follow: (() => Promise<void>) | undefined;
    try {
      follow = await launched;
    } finally {
      this.launching.delete(launched);
    }
    if (follow) await follow();
  }

  /** Reserves, starts and records a run's process; resolves once its pid is on disk, to what waits for its exit. */
  private async launchRun(st: TaskState): Promise<(() => Promise<void>) | undefined> {
    const rec = st.rec;
    const run = currentRun(rec);
    // The folder was checked when the task was accepted; it may have been swapped while queued.
    const where = await recheckProjectDir(rec.projectDir, this.rootList);
    if (!where.ok) {
      this.finishRun(st, { status: 'failed', failure: { kind: 'could_not_start', message: where.message } }, {});
      return;
    }
    const backend = backendFor(rec.backend);
    const env = backend.env(this.o.env, this.o.agentEnv);
    const extras = st.spawnExtras ?? {};
    const cmd = await backend.command({
      run: {
        prompt: run.prompt,
        permissionMode: rec.permissionMode,
        model: rec.model,
        maxTurns: extras.maxTurns,
        maxBudgetUsd: extras.maxBudgetUsd,
        appendSystemPrompt: extras.appendSystemPrompt,
        resumeSessionId: run.runNo > 1 ? rec.claudeSessionId : undefined,
      },
      config: this.o,
      env,
      // A relative claude path or command is meant relative to where voice-orch runs, not the project.
      cwd: process.cwd(),
    });
    if (!cmd.ok) {
      this.finishRun(st, { status: 'failed', failure: { kind: 'could_not_start', message: cmd.message } }, {});
      return;
    }
    if (st.cancelling) {
      this.finishRun(st, { status: 'cancelled' }, {});
      return;
    }
    // Every run writes its own files, never used by another run or task.
    run.logFile = this.store.runLogFile(rec.id, run.runNo);
    const logPath = this.store.runLogPath(rec.id, run);
    const errPath = this.store.runStderrPath(rec.id, run);
    const [logSize, errSize] = await Promise.all([fileSize(logPath), fileSize(errPath)]);
    run.logOffset = logSize;
    st.readOffset = logSize;
    st.stderrOffset = errSize;
    delete st.lastResult;
    delete st.lastApiError;
    // Reserved on disk before the process exists: a crash from here on leaves a record (and run
    // file) that the next start re-adopts through the marker or finalizes, never an id handed out again.
    try {
      await this.store.writeRunMeta(this.runMeta(st));
      await this.store.save(this.serialize());
    } catch (e) {
      this.finishRun(
        st,
        {
          status: 'failed',
          failure: { kind: 'could_not_start', message: `could not record the task: ${toError(e).message}` },
        },
        {},
      );
      return;
    }
    const marker = taskMarker(resolvePath(this.store.stateDir), rec.id, run.runNo);
    const child = await this.runner.start({
      file: cmd.value.file,
      args: cmd.value.args,
      cwd: where.value,
      env: { ...env, [TASK_MARKER_VAR]: marker },
      stdoutPath: logPath,
      stderrPath: errPath,
    });
    if (!child.ok) {
      const outcome = backend.outcome({ startError: child.message, exitCode: null, signal: null, cancelled: false });
      this.finishRun(st, outcome, {});
      return;
    }
    run.pid = child.value.pid;
    if (child.value.startTime !== undefined) run.pidStartTime = child.value.startTime;
    // The pid goes to disk at once (the marker covers a crash before this lands).
    const pidSaved = this.saveRunMeta(st).then(() => this.saveNow());
    if (this.closed || (this.closing && !st.cancelling)) {
      // Shutting down ('keep') while this one was starting: record it for the next session to
      // adopt. No tailer now: shutdown may already have stopped the others and would not stop it.
      await pidSaved;
      return;
    }
    rec.activity = 'started';
    this.markDirty(st);
    const rs = this.attachRun(st, run, true);
    if (st.cancelling) void this.beginCancel(st, rs);
    await pidSaved;
    return async () => {
      const exit = await child.value.exited;
      await this.onRunExit(st, rs, exit);
    };
  }

  /** Follows a process that an earlier session started (tail from the saved offset; exit by /proc). */
  private adopt(st: TaskState, run: TaskRun): void {
    const rs = this.attachRun(st, run, false);
    if (st.cancelling) void this.beginCancel(st, rs);
    if (st.lastResult) this.armHangTimer(st, rs);
  }

  private attachRun(st: TaskState, run: TaskRun, own: boolean): RunState {
    const rs = this.newRunState(st, run, own, false);
    st.run = rs;
    rs.tailer.start();
    return rs;
  }

  /** Process state of a run plus a tailer (not started) that feeds its log lines into {@link ingest}. */
  private newRunState(st: TaskState, run: TaskRun, own: boolean, ended: boolean): RunState {
    const tailer = new LogTailer({
      path: this.store.runLogPath(st.rec.id, run),
      startOffset: st.readOffset,
      maxLineBytes: this.o.maxLineBytes,
      pollMs: this.o.tailPollMs,
      onLines: (lines, endOffset) => this.ingest(st, rs, lines, endOffset),
      onError: (e) => this.fire('error', new Error(`reading the log of task ${st.rec.id}: ${e.message}`)),
    });
    const rs: RunState = {
      runNo: run.runNo,
      pid: run.pid ?? -1,
      own,
      tailer,
      descendants: new Map(),
      cancelRequested: false,
      hangKilled: false,
      lastOutputAt: Date.now(),
      ended,
    };
    if (run.pidStartTime !== undefined) rs.startTime = run.pidStartTime;
    return rs;
  }

  /** A run's process is gone: read the rest of its log, decide, record. */
  private async onRunExit(st: TaskState, rs: RunState, exit: ChildExit): Promise<void> {
    if (rs.ended || this.closed) return;
    rs.ended = true;
    if (rs.hangTimer) clearTimeout(rs.hangTimer);
    if (rs.killTimer) clearTimeout(rs.killTimer);
    if (rs.cancelRequested || rs.hangKilled) {
      // Tool subprocesses in their own process groups outlive the agent; end them too.
      this.runner.killDescendants(rs.descendants.values());
    }
    await rs.tailer.finish();
    st.readOffset = rs.tailer.offset;
    const exitedRun = st.rec.runs.find((r) => r.runNo === rs.runNo) ?? currentRun(st.rec);
    const stderrTail = await readRange(
      this.store.runStderrPath(st.rec.id, exitedRun),
      st.stderrOffset,
      STDERR_TAIL_BYTES,
    );
    this.addStderrEntries(st, rs.runNo, stderrTail);
    let outcome: Outcome;
    const cancelled = rs.cancelRequested && !rs.hangKilled;
    if (!rs.own && !st.lastResult && !cancelled) {
      outcome = {
        status: 'failed',
        failure: {
          kind: 'crashed',
          message:
            'ended without a result; it was started by an earlier voice-orch session, so its exit code is unknown',
        },
      };
    } else {
      // A run we ended for hanging after its result line: that line decides, whatever the backend.
      outcome = backendFor(rs.hangKilled && st.lastResult ? 'claude' : st.rec.backend).outcome({
        lastResult: st.lastResult,
        exitCode: exit.exitCode,
        signal: exit.signal,
        cancelled,
        stderrTail,
        lastApiError: st.lastApiError,
        startError: exit.error,
      });
    }
    this.finishRun(st, outcome, { exitCode: exit.exitCode, signal: exit.signal });
    await this.saveNow();
  }

  /** A run that was live in the registry but whose process is gone: the log decides. */
  private async finalizeDead(st: TaskState): Promise<void> {
    const rec = st.rec;
    const run = currentRun(rec);
    if ((run.pid !== undefined && run.pid > 0) || run.logOffset !== undefined) {
      // Its process is gone (or never got its pid recorded): read what it wrote after the saved
      // offset (a result line, maybe).
      const rs = this.newRunState(st, run, false, true);
      await rs.tailer.finish();
      st.readOffset = rs.tailer.offset;
    }
    let outcome: Outcome;
    if (st.lastResult) {
      // The result line decides, whatever the backend (no exit status is known).
      outcome = backendFor('claude').outcome({
        lastResult: st.lastResult,
        exitCode: null,
        signal: null,
        cancelled: st.cancelling,
        lastApiError: st.lastApiError,
      });
    } else if (st.cancelling) {
      outcome = { status: 'cancelled' };
    } else {
      outcome = { status: 'interrupted' };
      rec.activity = 'ended while voice-orch was not running, without a result';
    }
    this.finishRun(st, outcome, {});
  }

  private finishRun(st: TaskState, outcome: Outcome, exit: { exitCode?: number | null; signal?: string | null }): void {
    const rec = st.rec;
    const run = currentRun(rec);
    const now = Date.now();
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
    this.flushTask(st);
    if (run.logOffset !== undefined) void this.saveRunMeta(st);
    this.fire('finished', snapshot(rec));
    const waiters = st.waiters;
    st.waiters = [];
    this.schedule();
    // Whoever waits for the end (cancel, shutdown) gets it once the record is on disk.
    void this.saveNow().finally(() => {
      for (const w of waiters) w();
    });
  }

  private waitEnd(st: TaskState): Promise<void> {
    return new Promise((resolve) => st.waiters.push(resolve));
  }

  // ---------------------------------------------------------------- output

  private parse(rec: TaskRecord, text: string, truncated: boolean): AgentEvent[] {
    return decodeLogLine(rec.backend, text, truncated, rec.projectDir);
  }

  /**
   * Applies a batch of log lines: every line is parsed and applied to the record at once
   * (session, files, result…); display work waits for the next flush and is done only where it
   * can be seen: the activity line from the newest event that has one, and output entries only
   * for the newest `tailSize` events (older ones would be pushed out of the bounded tail before
   * anyone looked; their seq numbers are skipped). This keeps ingestion cheap when an agent
   * floods its log.
   */
  private ingest(st: TaskState, rs: RunState, lines: SplitLine[], endOffset: number): void {
    const rec = st.rec;
    const now = Date.now();
    const cap = this.o.tailSize;
    let activityEv: AgentEvent | undefined;
    const batchStart = st.unrendered.length;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as SplitLine;
      const events = this.parse(rec, line.text, line.truncated);
      for (let k = 0; k < events.length; k++) {
        const ev = events[k] as AgentEvent;
        this.apply(st, rs, ev);
        if (ev.type === 'other') continue;
        activityEv = ev;
        // Streaming deltas render to nothing (the complete line follows); keep them out of the queue.
        if (ev.type !== 'partial_text') st.unrendered.push({ ev, runNo: rs.runNo, ts: now, offset: line.offset });
      }
    }
    this.linesIngested += lines.length;
    if (activityEv !== undefined && !st.cancelling) {
      // Most events have an activity line; look further back only for those that do not, and
      // only in this batch: older events had their say when they arrived (rescanning them cost
      // up to 2 × tailSize calls per batch and could undo a later activity such as the hang notice).
      let a = activityLine(activityEv);
      for (let i = st.unrendered.length - 1; a === undefined && i >= batchStart; i--)
        a = activityLine((st.unrendered[i] as Unrendered).ev);
      if (a !== undefined) rec.activity = a;
    }
    if (st.unrendered.length > 2 * cap) {
      const drop = st.unrendered.length - cap;
      st.nextSeq += drop;
      st.unrendered = st.unrendered.slice(drop);
    }
    st.readOffset = endOffset;
    rs.lastOutputAt = now;
    if (rec.stalled) rec.stalled = false;
    this.markDirty(st);
    this.saveSoon();
  }

  /** Turns queued events into output entries (newest `tailSize` events' worth), into the tail and the next batch. */
  private render(st: TaskState): void {
    const evs = st.unrendered;
    if (evs.length === 0) return;
    st.unrendered = [];
    const cap = this.o.tailSize;
    const rendered: { u: Unrendered; es: ReturnType<typeof toOutputEntries> }[] = [];
    let count = 0;
    let i = evs.length - 1;
    for (; i >= 0 && count < cap; i--) {
      const u = evs[i] as Unrendered;
      const es = toOutputEntries(u.ev);
      if (es.length > 0) {
        rendered.push({ u, es });
        count += es.length;
      }
    }
    st.nextSeq += i + 1;
    for (let k = rendered.length - 1; k >= 0; k--) {
      const { u, es } = rendered[k] as { u: Unrendered; es: ReturnType<typeof toOutputEntries> };
      for (const e of es) {
        const entry: TaskOutputEntry = { seq: st.nextSeq++, ts: u.ts, runNo: u.runNo, kind: e.kind, text: e.text };
        if (u.offset !== undefined) entry.offset = u.offset;
        if (e.truncated) entry.truncated = true;
        if (e.isError !== undefined) entry.isError = e.isError;
        st.tail.push(entry);
        st.pending.push(entry);
      }
    }
    // Views never see more than the tail, so older unflushed entries are dropped in bulk.
    if (st.pending.length > 2 * cap) st.pending = st.pending.slice(-cap);
  }

  private apply(st: TaskState, rs: RunState, ev: AgentEvent): void {
    const rec = st.rec;
    switch (ev.type) {
      case 'init':
        if (ev.sessionId !== '') rec.claudeSessionId = ev.sessionId;
        break;
      case 'tool_use':
      case 'tool_result': {
        const changed = st.files.apply(ev);
        if (changed !== undefined) rec.filesTouched.push(changed);
        break;
      }
      case 'api_error':
        st.lastApiError = ev;
        break;
      case 'result': {
        st.lastResult = ev;
        const run = rec.runs.find((r) => r.runNo === rs.runNo) ?? currentRun(rec);
        run.turns = ev.turns;
        const sessionId = ev.sessionId ?? rec.claudeSessionId;
        const cost = runCost(ev.costUsd, sessionId, run.runNo, rec.runs);
        run.costUsd = cost.costUsd;
        run.sessionCostUsd = cost.sessionCostUsd;
        if (sessionId !== undefined) run.sessionId = sessionId;
        if (ev.text !== undefined) {
          run.resultText = ev.text;
          rec.resultText = ev.text;
        }
        if (ev.sessionId && !rec.claudeSessionId) rec.claudeSessionId = ev.sessionId;
        rec.turns = rec.runs.reduce((n, r) => n + (r.turns ?? 0), 0);
        rec.costUsd = rec.runs.reduce((n, r) => n + (r.costUsd ?? 0), 0);
        if (!rs.ended) this.armHangTimer(st, rs);
        break;
      }
      default:
        break;
    }
  }

  private addStderrEntries(st: TaskState, runNo: number, text: string): void {
    // Agent stderr enters voice-orch here: the one sanitiser cleans it before it becomes an entry.
    const lines = sanitizeText(text)
      .split('\n')
      .filter((l) => l.trim() !== '');
    if (lines.length === 0) return;
    this.render(st);
    const now = Date.now();
    for (const l of lines.slice(-20)) {
      const entry: TaskOutputEntry = { seq: st.nextSeq++, ts: now, runNo, kind: 'stderr', text: l };
      st.tail.push(entry);
      st.pending.push(entry);
    }
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== undefined || this.closed) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flushSpread([...this.tasks.values()], 0);
    }, this.o.flushMs);
    this.flushTimer.unref();
  }

  private flush(): void {
    for (const st of this.tasks.values()) this.flushTask(st);
  }

  /**
   * The timer's flush: one task per turn of the event loop. Rendering a busy task's batch can take
   * milliseconds; doing every task in one go held the loop for tens of them under load.
   */
  private flushSpread(states: TaskState[], i: number): void {
    const st = states[i];
    if (st === undefined || this.closed) return;
    this.flushTask(st);
    if (i + 1 < states.length) setImmediate(() => this.flushSpread(states, i + 1));
  }

  private flushTask(st: TaskState): void {
    this.render(st);
    if (st.pending.length > 0) {
      const entries = st.pending.length > this.o.tailSize ? st.pending.slice(-this.o.tailSize) : st.pending;
      st.pending = [];
      this.fire('output', st.rec.id, entries);
    }
    if (st.dirty) {
      st.dirty = false;
      this.fire('updated', snapshot(st.rec));
    }
  }

  // ---------------------------------------------------------------- signals and watchdogs

  private async beginCancel(st: TaskState, rs: RunState): Promise<void> {
    if (rs.cancelRequested || rs.ended) return;
    rs.cancelRequested = true;
    // Record the tree before the agent starts tearing it down (its tools may reparent to init).
    await this.scanDescendants();
    if (rs.ended) return;
    this.terminate(rs);
  }

  /** SIGTERM to the agent (the CLI ends its tools itself), SIGKILL to everything after the grace period. */
  private terminate(rs: RunState): void {
    if (!this.isSameProcess(rs)) return;
    this.runner.terminate(this.proc(rs));
    if (rs.killTimer) clearTimeout(rs.killTimer);
    rs.killTimer = setTimeout(() => void this.hardKill(rs), this.o.cancelGraceMs);
    rs.killTimer.unref();
  }

  private async hardKill(rs: RunState): Promise<void> {
    if (rs.ended) return;
    await this.scanDescendants();
    this.runner.killDescendants(rs.descendants.values());
    this.runner.kill(this.proc(rs));
  }

  private proc(rs: RunState): RunProcess {
    const p: RunProcess = { pid: rs.pid };
    if (rs.startTime !== undefined) p.startTime = rs.startTime;
    return p;
  }

  private isSameProcess(rs: RunState): boolean {
    return this.runner.isSameProcess(this.proc(rs));
  }

  private armHangTimer(st: TaskState, rs: RunState): void {
    if (rs.hangTimer || rs.ended) return;
    rs.hangTimer = setTimeout(() => {
      if (rs.ended || !this.isSameProcess(rs)) return;
      rs.hangKilled = true;
      void this.scanDescendants().then(() => {
        if (rs.ended) return;
        st.rec.activity = `still running ${Math.round(this.o.resultHangMs / 1000)} s after its result; ending it`;
        this.markDirty(st);
        this.terminate(rs);
      });
    }, this.o.resultHangMs);
    rs.hangTimer.unref();
  }

  private runningStates(): { st: TaskState; rs: RunState }[] {
    const out: { st: TaskState; rs: RunState }[] = [];
    for (const st of this.tasks.values()) if (st.run && !st.run.ended) out.push({ st, rs: st.run });
    return out;
  }

  /**
   * Records every descendant of every running agent (pid + start time), and forgets recorded
   * ones that have exited, so a long run with many short tool processes keeps a small set.
   */
  private async scanDescendants(): Promise<void> {
    const runs = this.runningStates();
    if (runs.length === 0) return;
    this.lastScan = Date.now();
    const procs = await this.runner.snapshot();
    if (procs === undefined) return; // process table unreadable: keep what was recorded
    for (const { rs } of runs) {
      if (rs.pid <= 0) continue;
      for (const [pid, ref] of rs.descendants) if (procs.startTimeOf(pid) !== ref.startTime) rs.descendants.delete(pid);
      for (const d of procs.descendantsOf(rs.pid)) {
        if (!rs.descendants.has(d.pid)) rs.descendants.set(d.pid, { pid: d.pid, startTime: d.startTime });
      }
    }
  }

  /** Periodic: exits of re-adopted processes, the stall watchdog, descendant scans. */
  private async watchTick(): Promise<void> {
    if (this.watching || this.closed) return;
    this.watching = true;
    try {
      const now = Date.now();
      for (const { st, rs } of this.runningStates()) {
        if (!rs.own && !(await this.runner.isAlive(this.proc(rs)))) {
          void this.onRunExit(st, rs, { exitCode: null, signal: null }).catch((e: unknown) =>
            this.fire('error', toError(e)),
          );
          continue;
        }
        if (!st.rec.stalled && now - rs.lastOutputAt >= this.o.stallTimeoutMs) {
          st.rec.stalled = true;
          st.rec.updatedAt = now;
          st.dirty = false;
          this.fire('updated', snapshot(st.rec));
          this.fire('stalled', snapshot(st.rec));
        }
      }
      if (now - this.lastScan >= this.o.descendantScanMs) await this.scanDescendants();
    } catch (e) {
      this.fire('error', toError(e));
    } finally {
      this.watching = false;
    }
  }

  // ---------------------------------------------------------------- persistence and events

  private serialize(): RegistryData {
    const tasks: PersistedTask[] = [];
    for (const st of [...this.tasks.values()].sort((a, b) => a.rec.id - b.rec.id)) {
      const p: PersistedTask = {
        record: st.rec,
        readOffset: st.readOffset,
        nextSeq: st.nextSeq,
        stderrOffset: st.stderrOffset,
      };
      if (st.lastResult) p.lastResult = st.lastResult;
      if (st.lastApiError) p.lastApiError = st.lastApiError;
      if (st.cancelling) p.cancelling = true;
      if (st.spawnExtras) p.spawnExtras = st.spawnExtras;
      const pendingWrites = st.files.pendingWrites();
      if (pendingWrites.length > 0) p.pendingWrites = pendingWrites;
      tasks.push(p);
    }
    return { version: 1, nextId: this.nextId, tasks };
  }

  /** The current run's meta file content (see {@link RunMeta}). */
  private runMeta(st: TaskState): RunMeta {
    const rec = st.rec;
    const run = currentRun(rec);
    const meta: RunMeta = {
      taskId: rec.id,
      runNo: run.runNo,
      name: rec.name,
      projectDir: rec.projectDir,
      backend: rec.backend,
      permissionMode: rec.permissionMode,
      taskPrompt: rec.prompt,
      prompt: run.prompt,
      createdAt: rec.createdAt,
      startedAt: run.startedAt ?? Date.now(),
      logOffset: run.logOffset ?? 0,
      status: run.status,
    };
    if (rec.model !== undefined) meta.model = rec.model;
    if (rec.claudeSessionId !== undefined) meta.claudeSessionId = rec.claudeSessionId;
    if (run.pid !== undefined) meta.pid = run.pid;
    if (run.pidStartTime !== undefined) meta.pidStartTime = run.pidStartTime;
    if (run.logFile !== undefined) meta.logFile = run.logFile;
    if (run.endedAt !== undefined) meta.endedAt = run.endedAt;
    if (run.failure) meta.failure = run.failure;
    return meta;
  }

  /** Rewrites the current run's meta file; a failure is an `error` event (the registry has it too). */
  private async saveRunMeta(st: TaskState): Promise<void> {
    try {
      await this.store.writeRunMeta(this.runMeta(st));
    } catch (e) {
      this.fire('error', new Error(`could not save the run file of task ${st.rec.id}: ${toError(e).message}`));
    }
  }

  private saveSoon(): void {
    if (this.saveTimer !== undefined || this.closed) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.saveNow();
    }, 200);
    this.saveTimer.unref();
  }

  private async saveNow(): Promise<void> {
    try {
      await this.store.save(this.serialize());
    } catch (e) {
      this.fire('error', new Error(`could not save the task registry: ${toError(e).message}`));
    }
  }

  /** Every event goes out isolated (SafeEmitter); those of start() are also kept for a late binding. */
  protected override fire<K extends keyof TaskManagerEvents>(event: K, ...args: TaskManagerEvents[K]): void {
    if (this.startingUp && event === 'error') this.startupEvents.push(['error', args[0] as Error]);
    if (this.startingUp && event === 'finished') this.startupEvents.push(['finished', args[0] as TaskRecord]);
    super.fire(event, ...args);
  }
}
