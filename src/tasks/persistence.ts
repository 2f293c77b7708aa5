/**
 * What of a task goes to disk and how it comes back: the registry entry of a task, the meta file
 * of its current run, and the marker in an agent's environment that lets a later start find an
 * agent whose pid never reached the registry. Pure: the task store does the file work.
 */
import { FilesTouched } from './files-touched.js';
import type { RunMeta } from './registry-schema.js';
import type { MarkedRunProcess, SeenProcess } from './runner.js';
import type { PersistedTask, RegistryData } from './task-store.js';
import { currentRun, newTaskState, type TaskState } from './task-state.js';

/**
 * The one variable voice-orch adds to an agent's environment: `<stateDir>|<task id>|<run no>`.
 * It lets a later start find an agent whose pid never reached the registry (voice-orch was killed
 * between starting it and saving) by reading its environment.
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
 * The agents among marked processes that belong to `stateDir`, by `<task id>|<run no>` (the
 * topmost process of each: an agent's own children, its tools, inherit the marker).
 */
export function markedAgents(procs: readonly MarkedRunProcess[], stateDir: string): Map<string, SeenProcess> {
  const ours = procs.filter((p) => parseTaskMarker(p.value)?.stateDir === stateDir);
  // The agent is the one whose parent lacks the marker.
  const byPid = new Map(ours.map((p) => [p.pid, p]));
  const out = new Map<string, SeenProcess>();
  for (const p of ours) {
    if (byPid.get(p.ppid)?.value === p.value) continue;
    const m = parseTaskMarker(p.value) as { taskId: number; runNo: number };
    const key = `${m.taskId}|${m.runNo}`;
    const prev = out.get(key);
    if (!prev || p.startTime < prev.startTime) out.set(key, { pid: p.pid, startTime: p.startTime });
  }
  return out;
}

/** The registry content for these tasks (by id). */
export function serializeTasks(tasks: Iterable<TaskState>, nextId: number): RegistryData {
  const out: PersistedTask[] = [];
  for (const st of [...tasks].sort((a, b) => a.rec.id - b.rec.id)) {
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
    out.push(p);
  }
  return { version: 1, nextId, tasks: out };
}

/** A task back from its registry entry (tail empty: the log refills it). */
export function restoreTaskState(p: PersistedTask, tailSize: number): TaskState {
  const st = newTaskState(p.record, tailSize);
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

/** The current run's meta file content (see {@link RunMeta}). */
export function runMetaOf(st: TaskState): RunMeta {
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
