/**
 * The on-disk task registry: `<stateDir>/tasks.json` (records, the id counter, pids with start
 * times, log read offsets), one append-only log per task under `<stateDir>/tasks/`, and beside it
 * one small meta file per run (`<id>.run-<n>.json`).
 *
 * Written durably (temp file, fsync, rename, fsync of the directory) so a crash mid-write leaves
 * the previous registry and a save that returned survives a power cut; directories 0700, files
 * 0600 (prompts and agent output can be private). The run meta files are written before a run's
 * process starts: when the registry is lost, they rebuild it, and the id counter never goes back
 * over ids that have files.
 */
import { chmod, mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parsePersistedTask, runMetaSchema, type RunMeta } from './registry-schema.js';
import type { AgentEvent, TaskRecord, TaskRun } from './types.js';

/** One task as persisted: the record plus what the engine needs to continue tailing it. */
export interface PersistedTask {
  record: TaskRecord;
  /** Byte offset in the log up to which lines were ingested (end of the last complete line). */
  readOffset: number;
  /** Next output entry sequence number. */
  nextSeq: number;
  /** Size of the `.stderr` file when the current run started (its stderr begins there). */
  stderrOffset?: number;
  /** The current run's last `result` line, needed to decide its outcome after a restart. */
  lastResult?: Extract<AgentEvent, { type: 'result' }>;
  /** The current run's last API error, for a crash explanation after a restart. */
  lastApiError?: Extract<AgentEvent, { type: 'api_error' }>;
  /** A cancel was requested for the current run (so its end counts as cancelled). */
  cancelling?: boolean;
  /** Limits given at spawn that are not part of the record; every run of the task uses them. */
  spawnExtras?: { maxTurns?: number; maxBudgetUsd?: number; appendSystemPrompt?: string; reasoningEffort?: string };
  /** Writes of the current run whose tool result has not been read yet: `[tool_use id, path]`. */
  pendingWrites?: [string, string][];
}

/** The whole registry file. */
export interface RegistryData {
  version: 1;
  /** Next task id to hand out; ids are never reused. */
  nextId: number;
  tasks: PersistedTask[];
}

/** `$XDG_STATE_HOME/voice-orch`, else `~/.local/state/voice-orch`. */
export function defaultStateDir(env: Record<string, string | undefined> = process.env): string {
  const xdg = env.XDG_STATE_HOME;
  const base = xdg !== undefined && xdg !== '' ? xdg : join(env.HOME ?? homedir(), '.local', 'state');
  return join(base, 'voice-orch');
}

const META_FILE = /^(\d+)\.run-(\d+)\.json$/;
const TASK_FILE = /^(\d+)\./;

/** Writes `text` to `file` durably: temp file, fsync, rename, fsync of the directory. */
async function writeDurably(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  // The rename itself is only durable once the directory entry is on disk.
  const dir = await open(dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** A task record rebuilt from its runs' meta files (sorted by run number, at least one). */
function recordFromMetas(metas: RunMeta[]): TaskRecord {
  const first = metas[0] as RunMeta;
  const last = metas[metas.length - 1] as RunMeta;
  const runs: TaskRun[] = metas.map((m) => {
    const r: TaskRun = { runNo: m.runNo, prompt: m.prompt, status: m.status, startedAt: m.startedAt };
    r.logOffset = m.logOffset;
    if (m.logFile !== undefined) r.logFile = m.logFile;
    if (m.pid !== undefined) r.pid = m.pid;
    if (m.pidStartTime !== undefined) r.pidStartTime = m.pidStartTime;
    if (m.endedAt !== undefined) r.endedAt = m.endedAt;
    if (m.failure) r.failure = m.failure;
    return r;
  });
  const rec: TaskRecord = {
    id: first.taskId,
    name: first.name,
    status: last.status,
    projectDir: first.projectDir,
    backend: first.backend,
    prompt: first.taskPrompt,
    permissionMode: first.permissionMode,
    createdAt: first.createdAt,
    startedAt: last.startedAt,
    updatedAt: last.endedAt ?? last.startedAt,
    stalled: false,
    activity: 'recovered from its run files',
    turns: 0,
    costUsd: 0,
    filesTouched: [],
    runs,
  };
  if (first.model !== undefined) rec.model = first.model;
  const session = [...metas].reverse().find((m) => m.claudeSessionId !== undefined)?.claudeSessionId;
  if (session !== undefined) rec.claudeSessionId = session;
  if (last.endedAt !== undefined) rec.endedAt = last.endedAt;
  if (last.failure) rec.failure = last.failure;
  return rec;
}

/** Reads and writes the registry and knows where logs live. */
export class TaskStore {
  /** Directory of the per-task logs. */
  readonly logDir: string;
  private readonly file: string;
  private writing: Promise<void> | undefined;
  private pending: RegistryData | undefined;

  /** @param stateDir created on {@link init} (0700). */
  constructor(readonly stateDir: string) {
    this.logDir = join(stateDir, 'tasks');
    this.file = join(stateDir, 'tasks.json');
  }

  /** Path of the stdout log (NDJSON for claude) that all runs of task `id` shared before per-run logs. */
  logPath(id: number): string {
    return join(this.logDir, `${id}.ndjson`);
  }

  /** Path of the stderr log that all runs of task `id` shared before per-run logs. */
  stderrPath(id: number): string {
    return join(this.logDir, `${id}.stderr`);
  }

  /** Creates the state directories (0700, also tightening existing ones). */
  async init(): Promise<void> {
    await mkdir(this.logDir, { recursive: true, mode: 0o700 });
    await chmod(this.stateDir, 0o700);
    await chmod(this.logDir, 0o700);
  }

  /** Base name of the stdout log of run `runNo` of task `id` (its stderr log ends `.stderr`). */
  runLogFile(id: number, runNo: number): string {
    return `${id}.run-${runNo}.ndjson`;
  }

  /** Path of a run's stdout log: its own file, or the task's shared log for runs from before per-run logs. */
  runLogPath(id: number, run: Pick<TaskRun, 'logFile'>): string {
    return run.logFile !== undefined ? join(this.logDir, run.logFile) : this.logPath(id);
  }

  /** Path of a run's stderr log (see {@link runLogPath}). */
  runStderrPath(id: number, run: Pick<TaskRun, 'logFile'>): string {
    return run.logFile !== undefined
      ? join(this.logDir, run.logFile.replace(/\.ndjson$/, '.stderr'))
      : this.stderrPath(id);
  }

  /** Path of the meta file of run `runNo` of task `id`. */
  runMetaPath(id: number, runNo: number): string {
    return join(this.logDir, `${id}.run-${runNo}.json`);
  }

  /** Writes a run's meta file durably (before its process starts, with its pid, at its end). */
  writeRunMeta(meta: RunMeta): Promise<void> {
    return writeDurably(this.runMetaPath(meta.taskId, meta.runNo), JSON.stringify(meta));
  }

  /**
   * Loads the registry. A missing file is an empty registry; an unparsable or unreadable one is
   * moved aside (`tasks.json.corrupt-<time>`, `tasks.json.unreadable-<time>`) and rebuilt from the
   * run meta files, so one bad write never blocks the app and the next save never overwrites it.
   * Every record is validated; a bad one is skipped. Each of these is named in `problems` (for the
   * screen). The id counter never goes below an id that has a record or files in the log directory.
   */
  async load(): Promise<{ data: RegistryData; problems: string[] }> {
    const problems: string[] = [];
    let text: string | undefined;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        // The session goes on without it and its next save would replace the file: keep what it
        // held (the read may have failed for a passing reason, e.g. EMFILE).
        const aside = `${this.file}.unreadable-${Date.now()}`;
        const moved = await rename(this.file, aside).then(
          () => true,
          () => false,
        );
        problems.push(`cannot read the task registry: ${(e as Error).message}${moved ? `; moved to ${aside}` : ''}`);
      }
    }
    let raw: Partial<RegistryData> | undefined;
    if (text !== undefined) {
      try {
        raw = JSON.parse(text) as Partial<RegistryData>;
      } catch (e) {
        const aside = `${this.file}.corrupt-${Date.now()}`;
        await rename(this.file, aside).catch(() => undefined);
        problems.push(`the task registry was unreadable (${(e as Error).message}); moved to ${aside}`);
      }
    }
    const tasks: PersistedTask[] = [];
    const seen = new Set<number>();
    for (const v of Array.isArray(raw?.tasks) ? raw.tasks : []) {
      const parsed = parsePersistedTask(v);
      if (!parsed.ok) {
        problems.push(`skipped a bad record in the task registry: ${parsed.problem}`);
        continue;
      }
      if (seen.has(parsed.task.record.id)) {
        problems.push(`skipped a second record of task ${parsed.task.record.id} in the task registry`);
        continue;
      }
      seen.add(parsed.task.record.id);
      tasks.push(parsed.task);
    }
    const { ids, metas } = await this.scanLogDir(problems, seen);
    const maxFileId = ids.reduce((m, id) => Math.max(m, id), 0);
    // Tasks with run files but no (valid) record: the registry was lost or its last save never
    // reached the disk. Their runs' processes may still live; the manager decides.
    const rebuilt: number[] = [];
    for (const [id, runs] of metas) {
      if (seen.has(id)) continue;
      const sorted = [...runs].sort((a, b) => a.runNo - b.runNo);
      const rec = recordFromMetas(sorted);
      const last = sorted[sorted.length - 1] as RunMeta;
      const p: PersistedTask = { record: rec, readOffset: last.logOffset, nextSeq: 0 };
      tasks.push(p);
      rebuilt.push(id);
    }
    if (rebuilt.length > 0) {
      problems.push(
        `rebuilt task${rebuilt.length === 1 ? '' : 's'} ${rebuilt.sort((a, b) => a - b).join(', ')} from ${rebuilt.length === 1 ? 'its' : 'their'} run files`,
      );
    }
    tasks.sort((a, b) => a.record.id - b.record.id);
    const maxId = tasks.reduce((m, t) => Math.max(m, t.record.id), maxFileId);
    const nextId = Math.max(typeof raw?.nextId === 'number' ? raw.nextId : 1, maxId + 1);
    return { data: { version: 1, nextId, tasks }, problems };
  }

  /**
   * Ids that have any file in the log directory, and the valid run meta files of the tasks that
   * are not in `known` (only those are read: the registry has the others).
   */
  private async scanLogDir(
    problems: string[],
    known: ReadonlySet<number>,
  ): Promise<{ ids: number[]; metas: Map<number, RunMeta[]> }> {
    const ids: number[] = [];
    const metas = new Map<number, RunMeta[]>();
    let names: string[];
    try {
      names = await readdir(this.logDir);
    } catch {
      return { ids, metas };
    }
    for (const name of names) {
      const id = TASK_FILE.exec(name);
      if (id) ids.push(Number(id[1]));
      const m = META_FILE.exec(name);
      if (!m || known.has(Number(m[1]))) continue;
      try {
        const parsed = runMetaSchema.safeParse(JSON.parse(await readFile(join(this.logDir, name), 'utf8')));
        if (parsed.success && parsed.data.taskId === Number(m[1]) && parsed.data.runNo === Number(m[2])) {
          const list = metas.get(parsed.data.taskId) ?? [];
          list.push(parsed.data);
          metas.set(parsed.data.taskId, list);
        } else {
          problems.push(`ignored the run file ${name}: it does not describe a run`);
        }
      } catch (e) {
        problems.push(`ignored the run file ${name}: ${(e as Error).message}`);
      }
    }
    return { ids, metas };
  }

  /**
   * Writes the registry atomically and durably. Calls made while a write is in flight are coalesced: only
   * the newest data is written next. Resolves when `data` (or newer) is on disk; rejects on failure.
   */
  save(data: RegistryData): Promise<void> {
    this.pending = data;
    if (this.writing === undefined) {
      this.writing = this.drain().finally(() => {
        this.writing = undefined;
      });
      return this.writing;
    }
    // A write is in flight: ours follows it inside the same drain loop.
    return this.writing;
  }

  /** Writes until nothing is pending; a failed write does not stop newer data from being tried. */
  private async drain(): Promise<void> {
    let failure: unknown;
    while (this.pending !== undefined) {
      const data = this.pending;
      this.pending = undefined;
      try {
        await this.writeAtomic(JSON.stringify(data));
        failure = undefined;
      } catch (e) {
        failure = e;
      }
    }
    if (failure !== undefined) throw failure;
  }

  private writeAtomic(text: string): Promise<void> {
    return writeDurably(this.file, text);
  }
}
