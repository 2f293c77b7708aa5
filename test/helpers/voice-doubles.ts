/**
 * Test doubles for the voice session: an audio output that "plays" in (scaled) real time and
 * accounts played milliseconds per item, and a ToolHost that records calls.
 */
import { EventEmitter } from 'node:events';
import type {
  AudioOutputEvents,
  AudioOutputPort,
  AudioStatus,
  EarconKind,
  PlaybackStopped,
} from '../../src/audio/types.js';
import type { ConnectionState, ToolDefinition, ToolHost, TranscriptEntry } from '../../src/session/types.js';
import { RealtimeEngine, type RealtimeEngineOptions } from '../../src/session/realtime/realtime-engine.js';
import { FakeRealtimeServer, type FakeRealtimeOptions } from './fake-realtime-server.js';

interface Segment {
  itemId: string;
  bytes: number;
  startAt: number;
  endAt: number;
}

/**
 * Plays PCM16/24 kHz at `speed` × real time (speed 10 = 1 s of audio in 100 ms). `playedMs` is
 * item audio time, so it matches what the server counts for truncation.
 */
export class FakeAudioOutput extends EventEmitter<AudioOutputEvents> implements AudioOutputPort {
  readonly earcons: EarconKind[] = [];
  readonly playedBytes = new Map<string, number>();
  playCalls = 0;
  stops: PlaybackStopped[] = [];
  private segments: Segment[] = [];
  private lastEnd = 0;
  private drainTimer: NodeJS.Timeout | null = null;

  constructor(private readonly speed = 1) {
    super();
  }

  play(itemId: string, pcm: Buffer): void {
    const now = performance.now();
    const wasPlaying = this.isPlaying();
    const startAt = Math.max(now, this.lastEnd);
    const endAt = startAt + pcm.length / 48 / this.speed;
    this.segments.push({ itemId, bytes: pcm.length, startAt, endAt });
    this.lastEnd = endAt;
    this.playCalls++;
    this.playedBytes.set(itemId, (this.playedBytes.get(itemId) ?? 0) + pcm.length);
    if (!wasPlaying) this.emit('started');
    // One timer per playback run: when it fires early it re-arms for the (later) end.
    if (!this.drainTimer) this.armDrain();
  }

  async stop(): Promise<PlaybackStopped> {
    const now = performance.now();
    let current: Segment | undefined;
    for (const s of this.segments) if (s.startAt <= now) current = s;
    const result: PlaybackStopped = current
      ? { itemId: current.itemId, playedMs: this.playedMsAt(current.itemId, now) }
      : { itemId: null, playedMs: 0 };
    this.segments = [];
    this.lastEnd = now;
    if (this.drainTimer) clearTimeout(this.drainTimer);
    this.drainTimer = null;
    this.stops.push(result);
    return result;
  }

  isPlaying(): boolean {
    return performance.now() < this.lastEnd;
  }

  playedMs(itemId: string): number {
    return this.playedMsAt(itemId, performance.now());
  }

  earcon(kind: EarconKind): void {
    this.earcons.push(kind);
  }

  status(): AudioStatus {
    return { kind: 'ready', device: 'fake' };
  }

  close(): Promise<void> {
    if (this.drainTimer) clearTimeout(this.drainTimer);
    return Promise.resolve();
  }

  private playedMsAt(itemId: string, now: number): number {
    let ms = 0;
    for (const s of this.segments) {
      if (s.itemId !== itemId || s.startAt > now) continue;
      ms += (Math.min(now, s.endAt) - s.startAt) * this.speed;
    }
    return Math.floor(ms);
  }

  private armDrain(): void {
    if (this.drainTimer) clearTimeout(this.drainTimer);
    const wait = Math.max(0, this.lastEnd - performance.now()) + 1;
    this.drainTimer = setTimeout(() => {
      this.drainTimer = null;
      if (this.isPlaying()) return this.armDrain();
      this.segments = [];
      this.emit('drained');
    }, wait);
  }
}

/** One recorded tool call. */
export interface RecordedCall {
  name: string;
  argsJson: string;
  callId: string;
  at: number;
}

export const TEST_TOOLS: ToolDefinition[] = [
  {
    type: 'function',
    name: 'spawn_task',
    description: 'Start a background coding-agent task. Returns a task id immediately.',
    parameters: { type: 'object', properties: { prompt: { type: 'string' } }, required: ['prompt'] },
  },
  {
    type: 'function',
    name: 'list_tasks',
    description: 'List known tasks and their states.',
    parameters: { type: 'object', properties: {}, required: [] },
  },
  {
    type: 'function',
    name: 'cancel_task',
    description: 'Cancel a running task.',
    parameters: { type: 'object', properties: { task_id: { type: 'string' } }, required: ['task_id'] },
  },
];

/**
 * A ToolHost that records calls, validates JSON arguments like the real command layer (bad JSON
 * is a sentence, never a throw) and can delay results.
 */
export class FakeToolHost implements ToolHost {
  readonly calls: RecordedCall[] = [];
  board = { version: 1, summary: 'No tasks yet.' };
  /** Delay of each result in ms (or a function of the call). */
  delayMs: number | ((call: RecordedCall) => number) = 0;
  /** Results per tool name. */
  results: Record<string, (args: Record<string, unknown>, call: RecordedCall) => string> = {};
  private nextTask = 1;

  tools(): ToolDefinition[] {
    return TEST_TOOLS;
  }

  async callTool(name: string, argsJson: string, callId: string): Promise<string> {
    const call: RecordedCall = { name, argsJson, callId, at: performance.now() };
    this.calls.push(call);
    const delay = typeof this.delayMs === 'function' ? this.delayMs(call) : this.delayMs;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    let args: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(argsJson || '{}');
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('arguments must be a JSON object');
      args = parsed as Record<string, unknown>;
    } catch (err) {
      return JSON.stringify({ ok: false, error: `Invalid arguments for ${name}: ${(err as Error).message}` });
    }
    const custom = this.results[name];
    if (custom) return custom(args, call);
    if (name === 'spawn_task') {
      const id = this.nextTask++;
      this.board = { version: this.board.version + 1, summary: `Task ${id} running: ${String(args.prompt ?? '')}` };
      return JSON.stringify({ ok: true, task_id: id, state: 'running' });
    }
    if (name === 'list_tasks') return JSON.stringify({ ok: true, tasks: this.board.summary });
    return JSON.stringify({ ok: false, error: `Unknown tool ${name}` });
  }

  taskBoard(): { version: number; summary: string } {
    return { ...this.board };
  }
}

/** `ms` of PCM16/24 kHz silence. */
export function pcm(ms: number): Buffer {
  return Buffer.alloc(Math.round(ms * 48));
}

/** Polls `pred` until true; rejects with `what` after `timeoutMs`. */
export async function until(pred: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!pred()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 3));
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// ───────────── harness: a RealtimeEngine against the loopback fake ─────────────

export const FAST: FakeRealtimeOptions = {
  committedDelayMs: 5,
  transcriptionDelayMs: 10,
  deltaIntervalMs: 1,
  rateLimitDelayMs: 5,
  pingIntervalMs: 0,
  msPerWord: 40,
};

export interface Harness {
  server: FakeRealtimeServer;
  session: RealtimeEngine;
  host: FakeToolHost;
  audio: FakeAudioOutput;
  infos: string[];
  errors: Error[];
  states: ConnectionState[];
  transcript: TranscriptEntry[];
  /** response.done events the session has processed (one cost event each). */
  doneSeen: number;
}

const open: Harness[] = [];

export async function setup(
  fake: FakeRealtimeOptions = {},
  opts: Partial<RealtimeEngineOptions> & { audioSpeed?: number } = {},
): Promise<Harness> {
  const server = await FakeRealtimeServer.start({ ...FAST, ...fake });
  const host = new FakeToolHost();
  const audio = new FakeAudioOutput(opts.audioSpeed ?? 50);
  const session = new RealtimeEngine({
    apiKey: 'test-key',
    baseUrl: server.url,
    toolHost: host,
    audio,
    backoff: { initialMs: 20, maxMs: 160 },
    ...opts,
  });
  const h: Harness = { server, session, host, audio, infos: [], errors: [], states: [], transcript: [], doneSeen: 0 };
  session.on('cost', () => h.doneSeen++);
  session.on('info', (m) => h.infos.push(m));
  session.on('error', (e) => h.errors.push(e));
  session.on('state', (s) => h.states.push(s));
  session.on('transcript', (e) => h.transcript.push(e));
  open.push(h);
  return h;
}

export async function ready(h: Harness, n = 1): Promise<void> {
  await until(() => h.session.state().kind === 'ready' && h.server.connections.length >= n, 'session ready');
}

/** Hold the key for `ms` of audio in 20 ms chunks, then release. */
export function speak(h: Harness, ms = 300): void {
  h.session.talkStart();
  for (let t = 0; t < ms; t += 20) h.session.appendAudio(pcm(20));
  h.session.talkEnd();
}

export function types(h: Harness, conn = 1): string[] {
  return h.server.connections[conn - 1]!.received.map((r) => r.event.type as string);
}

/**
 * response.done events the fake sent on connection `conn`, counted only once the session has
 * processed all of them (so a test never acts on a response the client still thinks is active).
 */
export function responsesDone(h: Harness, conn = 1): number {
  const total = h.server.connections.reduce((n, c) => n + c.sentOfType('response.done').length, 0);
  if (h.doneSeen < total) return -1;
  return h.server.connections[conn - 1]?.sentOfType('response.done').length ?? 0;
}

/** Waits until the session has processed every response.done the fake sent. */
export async function settled(h: Harness): Promise<void> {
  await until(
    () => h.doneSeen >= h.server.connections.reduce((n, c) => n + c.sentOfType('response.done').length, 0),
    'client caught up with response.done',
  );
}

/** Closes every harness made by setup() (use in afterEach). */
export async function closeHarnesses(): Promise<void> {
  for (const h of open.splice(0)) {
    await h.session.close();
    await h.server.close();
  }
}
