// Fake ports written for the command, state and component tests: in-memory, observable, no processes.
import { EventEmitter } from 'node:events';
import type {
  ConnectionState,
  NoticeMode,
  TranscriptEntry,
  VoiceSessionEvents,
  VoiceSessionPort,
} from '../../src/session/types.js';
import type {
  ActionResult,
  LogPage,
  LogPageRequest,
  ResolveResult,
  SpawnOptions,
  TaskManagerEvents,
  TaskManagerPort,
  TaskOutputEntry,
  TaskRecord,
} from '../../src/tasks/types.js';
import type { PttMode, PushToTalkEvents, PushToTalkPort } from '../../src/input/types.js';

export const T0 = 1_700_000_000_000;

/** Text of the newest activity line ("voice → cancel_task(3): cancelled") in the transcript. */
export function lastActivity(store: { getState(): { transcript: readonly { id: string; text: string }[] } }): string {
  return (
    store
      .getState()
      .transcript.filter((e) => e.id.startsWith('activity-'))
      .at(-1)?.text ?? ''
  );
}

export function task(over: Partial<TaskRecord> & { id: number; name: string }): TaskRecord {
  return {
    status: 'running',
    projectDir: '/home/u/src/api',
    backend: 'claude',
    prompt: 'do it',
    permissionMode: 'acceptEdits',
    createdAt: T0,
    startedAt: T0,
    updatedAt: T0,
    stalled: false,
    activity: '',
    turns: 0,
    costUsd: 0,
    filesTouched: [],
    runs: [],
    ...over,
  };
}

export function entry(
  seq: number,
  kind: TaskOutputEntry['kind'],
  text: string,
  over: Partial<TaskOutputEntry> = {},
): TaskOutputEntry {
  return { seq, ts: T0 + seq, runNo: 1, kind, text, ...over };
}

export class FakeTasks extends EventEmitter implements TaskManagerPort {
  tasks = new Map<number, TaskRecord>();
  logs = new Map<number, TaskOutputEntry[]>();
  projects = ['api', 'app', 'web'];
  calls: string[] = [];
  spawnRefusal?: string;
  nextId = 1;

  constructor(initial: TaskRecord[] = []) {
    super();
    for (const t of initial) {
      this.tasks.set(t.id, t);
      this.nextId = Math.max(this.nextId, t.id + 1);
    }
  }
  async spawn(opts: SpawnOptions): Promise<ActionResult<TaskRecord>> {
    this.calls.push(
      `spawn ${opts.name} ${opts.projectDir}${opts.model ? ` ${opts.model}` : ''}${opts.permissionMode ? ` ${opts.permissionMode}` : ''}${opts.maxBudgetUsd !== undefined ? ` $${opts.maxBudgetUsd}` : ''}`,
    );
    if (this.spawnRefusal) return { ok: false, message: this.spawnRefusal };
    const t = task({
      id: this.nextId++,
      name: opts.name,
      prompt: opts.prompt,
      projectDir: `/home/u/src/${opts.projectDir}`,
      status: 'running',
      ...(opts.maxBudgetUsd !== undefined ? { budgetUsd: opts.maxBudgetUsd } : {}),
    });
    this.tasks.set(t.id, t);
    this.emit('added', t);
    return { ok: true, value: t };
  }
  async followUp(ref: number, prompt: string): Promise<ActionResult<TaskRecord>> {
    this.calls.push(`followUp ${ref} ${prompt}`);
    const t = this.tasks.get(ref);
    if (!t) return { ok: false, message: 'no such task' };
    const next = { ...t, status: 'running' as const };
    this.tasks.set(ref, next);
    return { ok: true, value: next };
  }
  async cancel(ref: number): Promise<ActionResult<TaskRecord>> {
    this.calls.push(`cancel ${ref}`);
    const t = this.tasks.get(ref);
    if (!t) return { ok: false, message: 'no such task' };
    const next = { ...t, status: 'cancelled' as const };
    this.tasks.set(ref, next);
    this.emit('updated', next);
    return { ok: true, value: next };
  }
  resolve(text: string): ResolveResult {
    if (/^\d+$/.test(text)) {
      const t = this.tasks.get(Number(text));
      return t ? { ok: true, task: t, how: 'id' } : { ok: false, reason: 'not_found', message: `no task ${text}` };
    }
    const all = [...this.tasks.values()];
    const exact = all.find((t) => t.name === text);
    if (exact) return { ok: true, task: exact, how: 'exact' };
    const sub = all.filter((t) => t.name.includes(text));
    if (sub.length === 1) return { ok: true, task: sub[0]!, how: 'substring' };
    if (sub.length > 1) return { ok: false, reason: 'ambiguous', message: 'several', candidates: sub };
    return { ok: false, reason: 'not_found', message: `no task ${text}` };
  }
  list(): TaskRecord[] {
    return [...this.tasks.values()].sort((a, b) => a.id - b.id);
  }
  get(id: number): TaskRecord | undefined {
    return this.tasks.get(id);
  }
  tail(id: number, limit = 50): TaskOutputEntry[] {
    return (this.logs.get(id) ?? []).slice(-limit);
  }
  /** Entries per page of {@link readLogPage}; a log entry's offset is its index. */
  pageSize = 500;
  async readLogPage(id: number, req: LogPageRequest = {}): Promise<LogPage> {
    const where = req.before ? ` before ${req.before.offset}` : req.after ? ` after ${req.after.offset}` : '';
    this.calls.push(`readLogPage ${id}${where}`);
    const all = this.logs.get(id) ?? [];
    let from: number;
    let to: number;
    if (req.after) {
      from = req.after.offset;
      to = Math.min(all.length, from + this.pageSize);
    } else {
      to = req.before ? req.before.offset : all.length;
      from = Math.max(0, to - this.pageSize);
    }
    return {
      entries: all.slice(from, to).map((e, i) => ({ ...e, offset: from + i })),
      start: { runNo: 1, offset: from },
      end: { runNo: 1, offset: to },
      atStart: from === 0,
      atEnd: to === all.length,
      hasStderr: false,
    };
  }
  roots(): string[] {
    return ['/home/u/src'];
  }
  async listProjects(): Promise<string[]> {
    return this.projects;
  }
  override on<K extends keyof TaskManagerEvents>(event: K, listener: (...args: TaskManagerEvents[K]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }
  override off<K extends keyof TaskManagerEvents>(event: K, listener: (...args: TaskManagerEvents[K]) => void): this {
    return super.off(event, listener as (...args: unknown[]) => void);
  }
  async shutdown(): Promise<void> {}
}

export class FakeVoice extends EventEmitter implements VoiceSessionPort {
  sent: string[] = [];
  calls: string[] = [];
  mode: NoticeMode = 'speak';
  conn: ConnectionState = { kind: 'ready', sessionId: 's1', expiresAt: T0 + 3_600_000 };
  state(): ConnectionState {
    return this.conn;
  }
  start(): void {}
  talkStart(): void {
    this.calls.push('talkStart');
  }
  appendAudio(): void {}
  talkEnd(): void {
    this.calls.push('talkEnd');
  }
  talkDiscard(): void {
    this.calls.push('talkDiscard');
  }
  sendText(text: string): void {
    this.sent.push(text);
  }
  notify(): void {}
  setNoticeMode(mode: NoticeMode): void {
    this.mode = mode;
  }
  noticeMode(): NoticeMode {
    return this.mode;
  }
  async close(): Promise<void> {}
  transcript(e: TranscriptEntry): void {
    this.emit('transcript', e);
  }
  override on<K extends keyof VoiceSessionEvents>(event: K, listener: (...args: VoiceSessionEvents[K]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }
  override off<K extends keyof VoiceSessionEvents>(event: K, listener: (...args: VoiceSessionEvents[K]) => void): this {
    return super.off(event, listener as (...args: unknown[]) => void);
  }
}

export class FakePtt extends EventEmitter implements PushToTalkPort {
  talking = false;
  keys: string[] = [];
  constructor(public m: PttMode = { kind: 'toggle', key: 'Space', reason: 'global key unavailable: no display' }) {
    super();
  }
  mode(): PttMode {
    return this.m;
  }
  isTalking(): boolean {
    return this.talking;
  }
  /** The terminal source's key entry point (what the UI calls). */
  key(name: 'space' | 'escape'): void {
    this.keys.push(name);
    if (name === 'space') {
      this.talking = !this.talking;
      if (this.talking) this.emit('press', 0);
      else this.emit('release', 0, 500);
    } else if (this.talking) {
      this.talking = false;
      this.emit('discard', 'Esc');
    }
  }
  override on<K extends keyof PushToTalkEvents>(event: K, listener: (...args: PushToTalkEvents[K]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }
  override off<K extends keyof PushToTalkEvents>(event: K, listener: (...args: PushToTalkEvents[K]) => void): this {
    return super.off(event, listener as (...args: unknown[]) => void);
  }
  async close(): Promise<void> {}
}
