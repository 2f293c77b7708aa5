/**
 * The on-disk task registry: `<stateDir>/tasks.json` (records, the id counter, pids with start
 * times, log read offsets) and one append-only log per task under `<stateDir>/tasks/`.
 *
 * Written atomically (temp file + rename) so a crash mid-write leaves the previous registry;
 * directories 0700, files 0600 (prompts and agent output can be private).
 */
import { errorText } from '../shared/errors.js';
import { chmod, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AgentEvent, TaskRecord } from './types.js';

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
  spawnExtras?: { maxTurns?: number; maxBudgetUsd?: number; appendSystemPrompt?: string };
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

function emptyRegistry(): RegistryData {
  return { version: 1, nextId: 1, tasks: [] };
}

function isRecordLike(v: unknown): v is PersistedTask {
  if (typeof v !== 'object' || v === null) return false;
  const r = (v as { record?: unknown }).record as Partial<TaskRecord> | undefined;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.id === 'number' &&
    typeof r.status === 'string' &&
    typeof r.projectDir === 'string' &&
    Array.isArray(r.runs)
  );
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

  /** Path of the agent's stdout log (NDJSON for claude) of task `id`. */
  logPath(id: number): string {
    return join(this.logDir, `${id}.ndjson`);
  }

  /** Path of the agent's stderr log of task `id`. */
  stderrPath(id: number): string {
    return join(this.logDir, `${id}.stderr`);
  }

  /** Creates the state directories (0700, also tightening existing ones). */
  async init(): Promise<void> {
    await mkdir(this.logDir, { recursive: true, mode: 0o700 });
    await chmod(this.stateDir, 0o700);
    await chmod(this.logDir, 0o700);
  }

  /**
   * Loads the registry. A missing file is an empty registry; an unparsable or unreadable one is
   * moved aside (`tasks.json.corrupt-<time>`, `tasks.json.unreadable-<time>`) and reported through
   * `problem`, so one bad write never blocks the app and the next save never overwrites it. The id counter never goes below the highest id seen.
   */
  async load(): Promise<{ data: RegistryData; problem?: string }> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { data: emptyRegistry() };
      // The session goes on with an empty registry and its next save would replace the file:
      // keep what it held (the read may have failed for a passing reason, e.g. EMFILE).
      const aside = `${this.file}.unreadable-${Date.now()}`;
      const moved = await rename(this.file, aside).then(
        () => true,
        () => false,
      );
      return {
        data: emptyRegistry(),
        problem: `cannot read the task registry: ${errorText(e)}${moved ? `; moved to ${aside}` : ''}`,
      };
    }
    try {
      const raw = JSON.parse(text) as Partial<RegistryData>;
      const tasks = Array.isArray(raw.tasks) ? raw.tasks.filter(isRecordLike) : [];
      for (const t of tasks) {
        t.readOffset = typeof t.readOffset === 'number' && t.readOffset >= 0 ? t.readOffset : 0;
        t.nextSeq = typeof t.nextSeq === 'number' && t.nextSeq >= 0 ? t.nextSeq : 0;
        t.record.filesTouched ??= [];
        t.record.stalled = false;
      }
      const maxId = tasks.reduce((m, t) => Math.max(m, t.record.id), 0);
      const nextId = Math.max(typeof raw.nextId === 'number' ? raw.nextId : 1, maxId + 1);
      return { data: { version: 1, nextId, tasks } };
    } catch (e) {
      const aside = `${this.file}.corrupt-${Date.now()}`;
      await rename(this.file, aside).catch(() => undefined);
      return {
        data: emptyRegistry(),
        problem: `the task registry was unreadable (${errorText(e)}); moved to ${aside}`,
      };
    }
  }

  /**
   * Writes the registry atomically. Calls made while a write is in flight are coalesced: only
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

  private async writeAtomic(text: string): Promise<void> {
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      await writeFile(tmp, text, { mode: 0o600 });
      await rename(tmp, this.file);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
  }
}
