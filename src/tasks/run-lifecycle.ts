/**
 * One run from start to end: the folder checked again, the backend's command built, the run's
 * files reserved on disk before the process exists, the process started through the Runner and its
 * pid recorded; then its log followed (a tailer feeding the output pipeline), and at its end the
 * rest of the log read and the outcome decided. Runs of an earlier session are re-adopted or
 * finalized from their log. The manager decides when a run starts and records how it ended.
 */
import { allowedToolsFor } from './project-rules.js';
import { resolve as resolvePath } from 'node:path';
import { toError } from '../shared/errors.js';
import { backendFor } from './backends/registry.js';
import { recordChanges } from './changes-tracker.js';
import { LogTailer } from './log-tailer.js';
import { fileSize, readRange } from './log-reader.js';
import type { Outcome } from './outcome.js';
import type { OutputPipeline } from './output-pipeline.js';
import { markedAgents, runMetaOf, TASK_MARKER_VAR, taskMarker } from './persistence.js';
import { recheckProjectDir } from './project-dirs.js';
import type { ChildExit, Runner, SeenProcess } from './runner.js';
import { remoteAgentCommand } from './task-placement.js';
import type { RunSupervisor } from './run-supervisor.js';
import type { ResolvedOptions } from './task-manager-options.js';
import { currentRun, type RunExitFacts, type RunState, type TaskState } from './task-state.js';
import type { TaskStore } from './task-store.js';
import type { TaskRun } from './types.js';

const STDERR_TAIL_BYTES = 8192;

/** What a run's life needs from the manager. */
export interface RunLifecycleDeps {
  store: TaskStore;
  runner: Runner;
  o: ResolvedOptions;
  output: OutputPipeline;
  supervisor: RunSupervisor;
  roots: () => string[];
  /** `closing`: shutdown has begun; `closed`: it has ended. */
  shutdownState: () => { closing: boolean; closed: boolean };
  /** Saves the registry now; rejects when it cannot (the run is then not started). */
  saveRegistry: () => Promise<void>;
  /** Saves the registry now; a failure is an error event. */
  saveNow: () => Promise<void>;
  /** Rewrites the current run's meta file; a failure is an error event. */
  saveRunMeta: (st: TaskState) => Promise<void>;
  /** Records the end of the task's current run. */
  finishRun: (st: TaskState, outcome: Outcome, exit: RunExitFacts) => void;
  error: (e: Error) => void;
}

/** See this file's header. */
export class RunLifecycle {
  /** Marked agents found at start, looked up once (re-adoption). */
  private marked: Promise<Map<string, SeenProcess>> | undefined;

  constructor(private readonly d: RunLifecycleDeps) {}

  /** Reserves, starts and records a run's process; resolves once its pid is on disk, to what waits for its exit. */
  async launch(st: TaskState): Promise<(() => Promise<void>) | undefined> {
    const { store, o } = this.d;
    const rec = st.rec;
    const run = currentRun(rec);
    // The folder was checked when the task was accepted; it may have been swapped while queued.
    // A remote folder is checked by the host when the run starts (task-placement.ts).
    const where =
      rec.host !== undefined
        ? { ok: true as const, value: rec.projectDir }
        : await recheckProjectDir(rec.projectDir, this.d.roots());
    if (!where.ok) return this.couldNotStart(st, where.message);
    const backend = backendFor(rec.backend);
    const env = backend.env(o.env, o.agentEnv);
    const extras = st.spawnExtras ?? {};
    // A remote run gets the same channel: its runner moves the bridge to the host (remote-permissions.ts).
    const prompt = o.permissionPrompt?.(rec.id, run.runNo);
    const runArgs = {
      prompt: run.prompt,
      permissionMode: rec.permissionMode,
      model: rec.model,
      maxTurns: extras.maxTurns,
      maxBudgetUsd: extras.maxBudgetUsd,
      appendSystemPrompt: extras.appendSystemPrompt,
      resumeSessionId: run.runNo > 1 ? rec.claudeSessionId : undefined,
      permissionPrompt: prompt,
      allowedTools: allowedToolsFor(o.allowedTools, o.projectAllowedTools, [rec.projectDir, rec.worktree?.repoRoot]),
      reasoningEffort: extras.reasoningEffort,
    };
    const cmd =
      rec.host !== undefined
        ? remoteAgentCommand(rec.backend, runArgs)
        : await backend.command({
            run: runArgs,
            config: o,
            env,
            // A relative claude path or command is meant relative to where voice-orch runs, not the project.
            cwd: process.cwd(),
          });
    if (!cmd.ok) return this.couldNotStart(st, cmd.message);
    if (st.cancelling) {
      this.d.finishRun(st, { status: 'cancelled' }, {});
      return;
    }
    // Every run writes its own files, never used by another run or task.
    run.logFile = store.runLogFile(rec.id, run.runNo);
    const logPath = store.runLogPath(rec.id, run);
    const errPath = store.runStderrPath(rec.id, run);
    const [logSize, errSize] = await Promise.all([fileSize(logPath), fileSize(errPath)]);
    run.logOffset = logSize;
    st.readOffset = logSize;
    st.stderrOffset = errSize;
    delete st.lastResult;
    delete st.lastApiError;
    // Reserved on disk before the process exists: a crash from here on leaves a record (and run
    // file) that the next start re-adopts through the marker or finalizes, never an id handed out again.
    try {
      await store.writeRunMeta(runMetaOf(st));
      await this.d.saveRegistry();
    } catch (e) {
      return this.couldNotStart(st, `could not record the task: ${toError(e).message}`);
    }
    const marker = taskMarker(resolvePath(store.stateDir), rec.id, run.runNo);
    const child = await this.d.runner.start({
      file: cmd.value.file,
      args: cmd.value.args,
      cwd: where.value,
      env: { ...env, ...prompt?.agentEnv, [TASK_MARKER_VAR]: marker },
      stdoutPath: logPath,
      stderrPath: errPath,
      ...(rec.host !== undefined ? { host: rec.host } : {}),
    });
    if (!child.ok) {
      const outcome = backend.outcome({ startError: child.message, exitCode: null, signal: null, cancelled: false });
      this.d.finishRun(st, outcome, {});
      return;
    }
    run.pid = child.value.pid;
    if (child.value.startTime !== undefined) run.pidStartTime = child.value.startTime;
    // The pid goes to disk at once (the marker covers a crash before this lands).
    const pidSaved = this.d.saveRunMeta(st).then(() => this.d.saveNow());
    const { closing, closed } = this.d.shutdownState();
    if (closed || (closing && !st.cancelling)) {
      // Shutting down ('keep') while this one was starting: record it for the next session to
      // adopt. No tailer now: shutdown may already have stopped the others and would not stop it.
      await pidSaved;
      return;
    }
    rec.activity = 'started';
    this.d.output.markDirty(st);
    const rs = this.attach(st, run, true);
    if (st.cancelling) void this.d.supervisor.beginCancel(rs);
    await pidSaved;
    return async () => {
      const exit = await child.value.exited;
      await this.exited(st, rs, exit);
    };
  }

  /**
   * A task that was running when the last session ended: re-adopted when its process still lives
   * (same pid and start time, or found by the marker in its environment when its pid never reached
   * the registry). False when it is gone (the caller finalizes it).
   */
  async readopt(st: TaskState): Promise<boolean> {
    const run = currentRun(st.rec);
    const { runner, store } = this.d;
    if (run.pid !== undefined && run.pid > 0 && (await runner.isAlive({ pid: run.pid, startTime: run.pidStartTime }))) {
      this.adopt(st, run);
      return true;
    }
    // No live pid on record: voice-orch may have died between starting the agent and saving
    // its pid. The agent carries its task and run in its environment.
    this.marked ??= runner.findMarked(TASK_MARKER_VAR).then((p) => markedAgents(p, resolvePath(store.stateDir)));
    const found = (await this.marked).get(`${st.rec.id}|${run.runNo}`);
    if (!found) return false;
    run.pid = found.pid;
    run.pidStartTime = found.startTime;
    this.adopt(st, run);
    return true;
  }

  /** Follows a process that an earlier session started (tail from the saved offset; exit by polling). */
  adopt(st: TaskState, run: TaskRun): void {
    const rs = this.attach(st, run, false);
    if (st.cancelling) void this.d.supervisor.beginCancel(rs);
    if (st.lastResult) this.d.supervisor.armHangTimer(st, rs);
  }

  /** A run's process is gone: read the rest of its log, decide, record. */
  async exited(st: TaskState, rs: RunState, exit: ChildExit): Promise<void> {
    if (rs.ended || this.d.shutdownState().closed) return;
    rs.ended = true;
    this.d.supervisor.ended(rs);
    await rs.tailer.finish();
    st.readOffset = rs.tailer.offset;
    const exitedRun = st.rec.runs.find((r) => r.runNo === rs.runNo) ?? currentRun(st.rec);
    const stderrPath = this.d.store.runStderrPath(st.rec.id, exitedRun);
    const stderrTail = await readRange(stderrPath, st.stderrOffset, STDERR_TAIL_BYTES);
    this.d.output.addStderrEntries(st, rs.runNo, stderrTail);
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
    // Counted before the end is announced, so the notice can say what the task changed.
    await recordChanges(st.rec);
    this.d.finishRun(st, outcome, { exitCode: exit.exitCode, signal: exit.signal });
    await this.d.saveNow();
  }

  /** A run that was live in the registry but whose process is gone: the log decides. */
  async finalizeDead(st: TaskState): Promise<void> {
    const rec = st.rec;
    const run = currentRun(rec);
    if ((run.pid !== undefined && run.pid > 0) || run.logOffset !== undefined) {
      // Its process is gone (or never got its pid recorded): read what it wrote after the saved
      // offset (a result line, maybe).
      const rs = this.runState(st, run, false, true);
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
    await recordChanges(rec);
    this.d.finishRun(st, outcome, {});
  }

  /** Ends a run that never got a process, as failed to start with `message`. */
  private couldNotStart(st: TaskState, message: string): undefined {
    this.d.finishRun(st, { status: 'failed', failure: { kind: 'could_not_start', message } }, {});
    return undefined;
  }

  private attach(st: TaskState, run: TaskRun, own: boolean): RunState {
    const rs = this.runState(st, run, own, false);
    st.run = rs;
    rs.tailer.start();
    return rs;
  }

  /** Process state of a run plus a tailer (not started) that feeds its log lines into the output pipeline. */
  private runState(st: TaskState, run: TaskRun, own: boolean, ended: boolean): RunState {
    const tailer = new LogTailer({
      path: this.d.store.runLogPath(st.rec.id, run),
      startOffset: st.readOffset,
      maxLineBytes: this.d.o.maxLineBytes,
      pollMs: this.d.o.tailPollMs,
      onLines: (lines, endOffset) => this.d.output.ingest(st, rs, lines, endOffset),
      onError: (e) => this.d.error(new Error(`reading the log of task ${st.rec.id}: ${e.message}`)),
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
}
