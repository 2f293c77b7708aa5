/**
 * The task engine: starts background agent runs (Claude Code in stream-json mode, or any
 * command), follows their output, decides their outcome, and keeps a registry on disk so tasks
 * survive voice-orch itself. This class is the facade: it owns the task table and the order of
 * things, and hands each job to its module — spawn checks (spawn-validation.ts), the queue
 * (scheduler.ts), where runs execute (the Runner port, runner.ts), the record (task-state.ts), the
 * output pipeline (output-pipeline.ts), ending runs (run-supervisor.ts), watchdogs (watchdogs.ts),
 * reading logs back (log-reader.ts) and what goes to disk (persistence.ts, task-store.ts).
 *
 * Design in one paragraph: each run writes its stdout/stderr to log files opened with O_APPEND;
 * the manager tails the stdout log (the source of truth) through a line splitter and the one log
 * decoder, keeps a bounded tail per task for views, and batches `output` events. Liveness of
 * processes it did not start (after a restart) comes from the runner, with the process start
 * time guarding against pid reuse. One task writes in a folder tree at a time; the global cap
 * queues the rest; the queue drains FIFO.
 */
import { toError } from '../shared/errors.js';
import { SafeEmitter } from '../shared/events.js';
import { LocalRunner } from './local-runner.js';
import { EMPTY_LOG_PAGE, readLogPage, refillTail } from './log-reader.js';
import type { Outcome } from './outcome.js';
import { rootsWithWorktrees } from './isolation.js';
import { OutputPipeline } from './output-pipeline.js';
import { restoreTaskState, serializeTasks } from './persistence.js';
import { listProjects as listProjectDirs, normalizeRoots } from './project-dirs.js';
import { resolveTaskRef } from './resolve.js';
import type { Runner } from './runner.js';
import { RegistrySaver } from './registry-saver.js';
import { RunLifecycle } from './run-lifecycle.js';
import { RunSupervisor } from './run-supervisor.js';
import { busyRefusal, planSchedule } from './scheduler.js';
import { StartupEvents } from './startup-events.js';
import { beginSteer, continueSteered, takeSteer } from './steering.js';
import { followUpRefusal, newTaskRecord, validateSpawn } from './spawn-validation.js';
import { placeSpawn } from './task-placement.js';
import { resolveOptions, type ResolvedOptions, type TaskManagerOptions } from './task-manager-options.js';
import {
  addFollowUpRun,
  applyAgentEvent,
  applyOutcome,
  currentRun,
  markRunning,
  newTaskState,
  setQueuedFollowUps,
  snapshot,
  type RunExitFacts,
  type TaskState,
} from './task-state.js';
import { defaultStateDir, TaskStore } from './task-store.js';
import {
  isLive,
  type ActionResult,
  type LogPage,
  type LogPageRequest,
  type ResolveResult,
  type ShutdownPolicy,
  type SpawnOptions,
  type TaskManagerEvents,
  type TaskManagerPort,
  type TaskOutputEntry,
  type TaskRecord,
} from './types.js';
import { liveRunsOf, Watchdogs } from './watchdogs.js';

export type { TaskManagerOptions } from './task-manager-options.js';

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
  private readonly o: ResolvedOptions;
  private readonly runner: Runner;
  private readonly output: OutputPipeline;
  private readonly watchdogs: Watchdogs;
  private readonly supervisor: RunSupervisor;
  private readonly runs: RunLifecycle;
  private readonly saver: RegistrySaver;
  /** While start() runs: its `error` and `finished` events, kept for {@link emitStartupEvents}. */
  private readonly startup = new StartupEvents();
  /** Runs between schedule and a recorded pid; shutdown waits for them so their pids are saved. */
  private readonly launching = new Set<Promise<unknown>>();

  constructor(opts: TaskManagerOptions) {
    super();
    this.o = resolveOptions(opts);
    this.store = new TaskStore(opts.stateDir ?? defaultStateDir(this.o.env));
    const tasks = () => this.tasks.values();
    this.saver = new RegistrySaver({
      store: this.store,
      tasks,
      nextId: () => this.nextId,
      error: (e) => this.fire('error', e),
    });
    const runner = (this.runner = opts.runner ?? new LocalRunner());
    this.output = new OutputPipeline({
      tailSize: this.o.tailSize,
      flushMs: this.o.flushMs,
      tasks: () => this.tasks.values(),
      apply: (st, rs, ev) => {
        if (applyAgentEvent(st, rs.runNo, ev, this.o.agentPrices) && !rs.ended) this.supervisor.armHangTimer(st, rs);
      },
      ingested: () => this.saver.soon(),
      output: (id, entries) => this.fire('output', id, entries),
      updated: (rec) => this.fire('updated', rec),
    });
    this.watchdogs = new Watchdogs({
      runner,
      watchIntervalMs: this.o.watchIntervalMs,
      stallTimeoutMs: this.o.stallTimeoutMs,
      descendantScanMs: this.o.descendantScanMs,
      waiting: this.o.waitingForDecision,
      liveRuns: () => liveRunsOf(this.tasks.values()),
      adoptedExited: ({ st, rs }) =>
        void this.runs
          .exited(st, rs, { exitCode: null, signal: null })
          .catch((e: unknown) => this.fire('error', toError(e))),
      stalled: (st) => {
        this.fire('updated', snapshot(st.rec));
        this.fire('stalled', snapshot(st.rec));
      },
      error: (e) => this.fire('error', toError(e)),
    });
    this.supervisor = new RunSupervisor({
      runner,
      cancelGraceMs: this.o.cancelGraceMs,
      resultHangMs: this.o.resultHangMs,
      scanDescendants: () => this.watchdogs.scanDescendants(),
      changed: (st) => this.output.markDirty(st),
    });
    this.runs = new RunLifecycle({
      store: this.store,
      runner,
      o: this.o,
      output: this.output,
      supervisor: this.supervisor,
      roots: () => rootsWithWorktrees(this.rootList, this.store.stateDir),
      shutdownState: () => ({ closing: this.closing, closed: this.closed }),
      saveRegistry: () => this.store.save(serializeTasks(this.tasks.values(), this.nextId)),
      saveNow: () => this.saver.now(),
      saveRunMeta: (st) => this.saver.runMeta(st),
      finishRun: (st, outcome, exit) => this.finishRun(st, outcome, exit),
      error: (e) => this.fire('error', e),
    });
  }

  /** The state directory (registry and logs). */
  get stateDir(): string {
    return this.store.stateDir;
  }

  /** Added: log lines ingested (parsed and applied) since construction, for benchmarks and diagnostics. */
  get ingestedLines(): number {
    return this.output.ingestedLines;
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
    await this.startup.during(() => this.load());
  }

  /** Fires again, once, the `error` and `finished` events of start() for listeners bound after it (startup-events.ts). */
  emitStartupEvents(): void {
    for (const [event, arg] of this.startup.take()) {
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
    for (const p of data.tasks.sort((a, b) => a.record.id - b.record.id)) {
      const st = restoreTaskState(p, this.o.tailSize);
      this.tasks.set(st.rec.id, st);
      await refillTail(this.store, st, this.o.maxLineBytes);
      if (st.rec.status === 'queued') {
        this.queue.push(st.rec.id);
      } else if (st.rec.status === 'running' && !(await this.runs.readopt(st))) {
        toFinalize.push(st);
      }
    }
    // Before this, a spawn would take an id the registry already uses (nextId was still 1).
    this.ready = true;
    for (const st of this.tasks.values()) this.fire('added', snapshot(st.rec));
    for (const st of toFinalize) await this.runs.finalizeDead(st);
    this.watchdogs.start();
    this.schedule();
    await this.saver.now();
  }

  /**
   * Creates a task and starts it, or queues it (directory busy, or the concurrency cap reached).
   * Resolves as soon as the record exists; never waits for the agent.
   */
  async spawn(opts: SpawnOptions): Promise<ActionResult<TaskRecord>> {
    if (!this.ready) return { ok: false, message: 'the task engine has not started yet' };
    if (this.closing) return { ok: false, message: 'voice-orch is shutting down; no new tasks now' };
    const valid = validateSpawn(opts, this.o);
    if (!valid.ok) return valid;
    const id = this.nextId++;
    const place = { ...opts, isolation: opts.isolation ?? this.o.isolation };
    const dir = await placeSpawn(this, place, id, valid.value.name, this.o.hosts);
    if (!dir.ok) return dir;
    // From here to the return there is no await: two spawns can never both see a free directory.
    if (this.closing) return { ok: false, message: 'voice-orch is shutting down; no new tasks now' };
    const refused = this.refuseIfBusy(dir.value.projectDir, dir.value.host);
    if (refused) return refused;
    const rec = newTaskRecord(id, valid.value, dir.value, Date.now());
    const st = newTaskState(rec, this.o.tailSize);
    st.spawnExtras = valid.value.extras;
    this.tasks.set(rec.id, st);
    this.enqueue(st, 'added');
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
    const refusal = followUpRefusal(rec, prompt);
    if (refusal !== undefined) return { ok: false, message: refusal };
    const refused = this.refuseIfBusy(rec.projectDir, rec.host);
    if (refused) return refused;
    addFollowUpRun(rec, prompt, Date.now());
    this.enqueue(st, 'updated');
    return { ok: true, value: snapshot(rec) };
  }

  /** Interrupts a running task's run and continues its session with `prompt` at once (steering.ts). */
  async steer(ref: number, prompt: string): Promise<ActionResult<TaskRecord>> {
    const st = this.tasks.get(ref);
    if (!st) return { ok: false, message: `There is no task ${ref}.` };
    const r = beginSteer(st, prompt, this.runner, this.o.agentApprovals);
    if (r.ok) this.output.markDirty(st);
    return r.ok ? { ok: true, value: snapshot(st.rec) } : r;
  }

  /** Sets the follow-ups waiting behind a task's run (follow-up-queue.ts); saved before it resolves. */
  async setQueuedFollowUps(ref: number, prompts: readonly string[]): Promise<ActionResult<TaskRecord>> {
    const st = this.tasks.get(ref);
    if (!st) return { ok: false, message: `There is no task ${ref}.` };
    setQueuedFollowUps(st.rec, prompts);
    this.output.markDirty(st);
    await this.saver.now();
    return { ok: true, value: snapshot(st.rec) };
  }

  /** With `sameDirPolicy` 'refuse': the refusal when a live task works in or around `dir` on `host`. */
  private refuseIfBusy(dir: string, host?: string): ActionResult<never> | undefined {
    const message = this.o.sameDirPolicy === 'refuse' ? busyRefusal(this.tasks.values(), dir, host) : undefined;
    return message === undefined ? undefined : { ok: false, message };
  }

  /** Queues a new or followed-up task, announces it (`event`), then starts what may start. */
  private enqueue(st: TaskState, event: 'added' | 'updated'): void {
    this.queue.push(st.rec.id);
    const toStart = this.schedule(false);
    st.dirty = false;
    this.fire(event, snapshot(st.rec));
    this.launch(toStart);
    this.saver.soon();
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
      await this.saver.now();
      return { ok: true, value: snapshot(rec) };
    }
    if (rec.status !== 'running') {
      return {
        ok: false,
        message: `Task ${rec.id} (${rec.name}) has already ${rec.status === 'completed' ? 'completed' : `ended (${rec.status})`}.`,
      };
    }
    const ended = new Promise<void>((resolve) => st.waiters.push(resolve));
    if (!st.cancelling) {
      st.cancelling = true;
      rec.activity = 'cancelling…';
      this.output.markDirty(st);
      if (st.run) void this.supervisor.beginCancel(st.run);
      this.saver.soon();
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
    return st ? this.output.tail(st, limit) : [];
  }

  /**
   * One page of a task's output, read from its log by byte offset: the newest page, the page
   * before a cursor, or the page after one. A page is bounded (log-reader.ts), so paging through
   * a log of any size keeps memory bounded. Once the page reaches the end of a task that is no
   * longer running, the end of its stderr log follows as `stderr` entries.
   */
  async readLogPage(id: number, req: LogPageRequest = {}): Promise<LogPage> {
    const st = this.tasks.get(id);
    if (!st) return EMPTY_LOG_PAGE;
    return readLogPage(this.store, st.rec, req, this.o.maxLineBytes, (e) =>
      this.fire('error', new Error(`reading the log of task ${id}: ${toError(e).message}`)),
    );
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
      // All at once: a run still starting is marked cancelling before it could take this for 'keep'.
      await Promise.all(live.map((s) => this.cancel(s.rec.id)));
    }
    this.watchdogs.stop();
    // A run still starting must get its pid on disk before the last save (the next start adopts it).
    await Promise.allSettled([...this.launching]);
    for (const st of this.tasks.values()) {
      const rs = st.run;
      if (!rs) continue;
      this.supervisor.clearTimers(rs);
      await rs.tailer.stop();
      st.readOffset = rs.tailer.offset;
    }
    this.output.close();
    this.saver.close();
    this.closed = true;
    await this.saver.now();
  }

  // ---------------------------------------------------------------- scheduling and runs

  /**
   * Decides which queued tasks start now (scheduler.ts) and marks them running synchronously.
   * Returns them so the caller starts their processes; `launchNow` does that at once.
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
    const plan = planSchedule(running, queued, this.o.maxConcurrent, this.o.hosts);
    for (const { id, reason } of plan.wait) {
      const st = this.tasks.get(id) as TaskState;
      if (st.rec.queuedReason === reason) continue;
      st.rec.queuedReason = reason;
      st.rec.activity = reason;
      this.output.markDirty(st);
    }
    const toStart: TaskState[] = [];
    for (const id of plan.start) {
      const st = this.tasks.get(id) as TaskState;
      markRunning(st.rec, Date.now());
      this.output.markDirty(st);
      toStart.push(st);
    }
    this.queue = plan.wait.map((w) => w.id);
    if (launchNow) this.launch(toStart);
    return toStart;
  }

  private launch(toStart: TaskState[]): void {
    for (const st of toStart) {
      void this.startRun(st).catch((e: unknown) => {
        this.fire('error', toError(e));
        if (st.rec.status === 'running' && !st.run) {
          const message = `could not start: ${toError(e).message}`;
          this.finishRun(st, { status: 'failed', failure: { kind: 'could_not_start', message } }, {});
        }
      });
    }
  }

  private async startRun(st: TaskState): Promise<void> {
    const launched = this.runs.launch(st);
    this.launching.add(launched);
    let follow: (() => Promise<void>) | undefined;
    try {
      follow = await launched;
    } finally {
      this.launching.delete(launched);
    }
    if (follow) await follow();
  }

  private finishRun(st: TaskState, outcome: Outcome, exit: RunExitFacts): void {
    const rec = st.rec;
    const steer = takeSteer(st);
    applyOutcome(st, steer === undefined ? outcome : { status: 'interrupted' }, exit, Date.now());
    if (currentRun(rec).logOffset !== undefined) void this.saver.runMeta(st);
    // Interrupted to steer: no end of the task, its next run is queued at once (steering.ts).
    if (steer !== undefined) this.queue.push(continueSteered(st, steer, Date.now()));
    this.output.flushTask(st);
    if (steer === undefined) this.fire('finished', snapshot(rec));
    const waiters = st.waiters;
    st.waiters = [];
    this.schedule();
    // Whoever waits for the end (cancel, shutdown) gets it once the record is on disk.
    void this.saver.now().finally(() => {
      for (const w of waiters) w();
    });
  }

  // ---------------------------------------------------------------- events

  /** Every event goes out isolated (SafeEmitter); those of start() are also kept for a late binding. */
  protected override fire<K extends keyof TaskManagerEvents>(event: K, ...args: TaskManagerEvents[K]): void {
    this.startup.keep(event, args[0]);
    super.fire(event, ...args);
  }
}
