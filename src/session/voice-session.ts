/**
 * The voice session: one OpenAI Realtime conversation at a time (GA protocol, push-to-talk),
 * kept alive across drops and the 60-minute cap, with tools, barge-in and task notices.
 *
 * Composition: RealtimeClient (socket) + ResponseGate (one response at a time) + NoticeQueue +
 * TranscriptLog (local history, context replay) + CostMeter + LatencyMarks.
 */
import { errorText, toError } from '../shared/errors.js';
import { SafeEmitter } from '../shared/events.js';
import { join } from 'node:path';
import type {
  ConversationItem,
  RealtimeClientEvent,
  RealtimeResponse,
  RealtimeResponseUsage,
  SessionUpdateEvent,
} from 'openai/resources/realtime/realtime';
import type { AudioOutputPort } from '../audio/types.js';
import { BYTES_PER_MS } from '../audio/types.js';
import { NullAudioOutput } from '../audio/null-audio.js';
import { CostMeter, type ModelPricing } from './cost-meter.js';
import { buildInstructions } from './instructions.js';
import { LatencyMarks } from './latency-marks.js';
import { NoticeQueue } from './notice-queue.js';
import {
  DEFAULT_REALTIME_MODEL,
  DEFAULT_REALTIME_URL,
  RealtimeClient,
  type CloseInfo,
  type ServerEvent,
} from './realtime-client.js';
import { ResponseGate, type ResponseRequest } from './response-gate.js';
import { TranscriptLog } from './transcript-log.js';
import type {
  ConnectionState,
  NoticeMode,
  TaskNotice,
  ToolDefinition,
  ToolHost,
  VoiceSessionEvents,
  VoiceSessionPort,
} from './types.js';

/** Less than this much audio since the last commit is refused by the server (100 ms). */
export const MIN_COMMIT_BYTES = 100 * BYTES_PER_MS;

/** Error codes after which reconnecting cannot help. */
export const FATAL_ERROR_CODES: ReadonlySet<string> = new Set([
  'invalid_api_key',
  'beta_api_shape_disabled',
  'invalid_model',
  'missing_model',
  'model_not_found',
]);

/** Options of a VoiceSession. */
export interface VoiceSessionOptions {
  /** Without a key the session is `disabled` and never connects. */
  apiKey?: string;
  /** Default `wss://api.openai.com/v1/realtime`. */
  baseUrl?: string;
  /** Default `gpt-realtime`. */
  model?: string;
  /** Default `marin`. Locked by the server once the model has spoken in a session. */
  voice?: string;
  /** Input transcription model, default `gpt-4o-mini-transcribe`. */
  transcriptionModel?: string;
  /** ISO-639-1 language hint for transcription. */
  language?: string;
  /** Default `near_field`; null turns noise reduction off. */
  noiseReduction?: 'near_field' | 'far_field' | null;
  /** Appended to the generated instructions. */
  extraInstructions?: string;
  toolHost: ToolHost;
  /** Speaker; a silent NullAudioOutput when absent. */
  audio?: AudioOutputPort;
  /** State directory: the transcript goes to `<stateDir>/transcript.jsonl` unless `transcriptPath` is set. */
  stateDir?: string;
  transcriptPath?: string;
  /** JSON-lines file of `{at, stage, ms}` stage latencies. */
  latencyLogPath?: string;
  /** Whether the push-to-talk key is physically held (the input layer knows best). */
  isTalkHeld?: () => boolean;
  /** Reconnect backoff, default 500 ms doubling to 8 s (never gives up). */
  backoff?: { initialMs: number; maxMs: number };
  /** Rotate to a fresh session when less than this is left before `expires_at` (default 5 min; 0 = only on session_expired). */
  rotateBeforeExpiryMs?: number;
  /** Give up on a connect attempt that is not configured after this long (default 15 s). */
  connectTimeoutMs?: number;
  /** A tool call that has not answered after this long is answered with a timeout sentence (default 30 s). */
  toolTimeoutMs?: number;
  /** Client ping interval; a socket silent for two intervals is dropped and reconnected (default 15 s, 0 = off). */
  keepAliveMs?: number;
  /** Price rows (USD / 1M tokens) replacing the defaults per model. */
  pricing?: Record<string, ModelPricing>;
  /** Context replayed into a new session: last N user/assistant turns, at most M characters. */
  replay?: { maxTurns: number; maxChars: number };
  /** Initial notice mode (default speak). */
  noticeMode?: NoticeMode;
  /** Extra handshake headers (e.g. `OpenAI-Safety-Identifier`). */
  headers?: Record<string, string>;
  /** Wall clock in ms (expiry, transcript times). */
  now?: () => number;
}

/** A tool call this session executed; kept until the model has answered its output. */
interface CallRecord {
  callId: string;
  name: string;
  args: string;
  gen: number;
  responseId: string;
  receivedAt: number;
  result?: string;
  outputSent: boolean;
  /** The session that issued the call is gone: deliver the result as a system message. */
  late: boolean;
}

/** Per-socket state. Everything the server assigns (ids, items) dies with the socket. */
interface Conn {
  gen: number;
  client: RealtimeClient;
  gate: ResponseGate;
  sessionId: string;
  expiresAtMs: number;
  configured: boolean;
  activated: boolean;
  retired: boolean;
  fatal: string | null;
  expired: boolean;
  cfgEventId: string;
  connectTimer: NodeJS.Timeout | null;
  /** Assistant audio bytes received per item (clamps truncation). */
  receivedBytes: Map<string, number>;
  assistantItems: Set<string>;
  droppedResponses: Set<string>;
  droppedItems: Set<string>;
  itemResponse: Map<string, string>;
  lastAudioItem: string | null;
  cancelOnCreate: boolean;
  /** Times of recent `server_error`s; several in a row mean the session is sick. */
  serverErrors: number[];
  /** Call ids executed on this socket (each arrives twice: output_item.done and response.done). */
  executed: Set<string>;
  /** Completed calls per tool-calling response; `done` once its response.done arrived. */
  responseCalls: Map<string, { callIds: string[]; done: boolean; requested: boolean }>;
  /** The last notice batch handed to this socket; put back in the queue if its response is lost. */
  noticeBatch: TaskNotice[] | null;
}

interface TurnAudio {
  chunks: Buffer[];
  bytes: number;
  sentGen: number;
  sentIdx: number;
  /** Push-to-talk released while not connected: commit once ready. */
  ended: boolean;
}

/** Longest push-to-talk turn kept locally for a resend (10 minutes of PCM16/24 kHz). */
const MAX_TURN_BYTES = 10 * 60 * 1000 * BYTES_PER_MS;
const TOOL_TEXT_MAX = 600;
/** `server_error`s within this window that make us open a fresh session (reference §8: "if it repeats, reconnect"). */
const SERVER_ERRORS_BEFORE_RECONNECT = 3;
const SERVER_ERROR_WINDOW_MS = 60_000;

/**
 * The Realtime voice session (implements VoiceSessionPort). Event handlers never throw; failures
 * become `error`/`info` events.
 */
export class VoiceSession extends SafeEmitter<VoiceSessionEvents> implements VoiceSessionPort {
  private readonly opts: VoiceSessionOptions;
  private readonly audio: AudioOutputPort;
  private readonly now: () => number;
  private readonly model: string;
  private readonly backoff: { initialMs: number; maxMs: number };
  private readonly rotateBeforeMs: number;
  private readonly notices: NoticeQueue;
  private readonly transcript: TranscriptLog;
  private readonly cost: CostMeter;
  private readonly latency: LatencyMarks;

  private connState: ConnectionState;
  private started = false;
  private closing = false;
  private current: Conn | null = null;
  private pending: Conn | null = null;
  private gen = 0;
  private attempt = 0;
  private sessionsActivated = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private rotationTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private rotationRetryAt = 0;
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  /** Deadlines of running tool calls (cleared by close()). */
  private readonly toolTimers = new Set<NodeJS.Timeout>();

  private talking = false;
  private turn: TurnAudio | null = null;
  private turnCapWarned = false;
  private speakingFlag = false;
  private readonly inflight = new Map<string, CallRecord>();
  private lateResults: CallRecord[] = [];
  private pendingTexts: string[] = [];
  private answerAfterRestore = false;
  /** Transcript id of the latest user turn (typed id or committed audio item id). */
  private lastUserEntryId: string | null = null;
  private lastBoardVersion: number | null = null;
  private seq = 0;
  private readonly audioListeners: { started: () => void; drained: () => void };

  constructor(opts: VoiceSessionOptions) {
    super();
    this.opts = opts;
    this.audio = opts.audio ?? new NullAudioOutput({ kind: 'disabled', reason: 'no audio output' });
    this.now = opts.now ?? Date.now;
    this.model = opts.model ?? DEFAULT_REALTIME_MODEL;
    this.backoff = opts.backoff ?? { initialMs: 500, maxMs: 8000 };
    this.rotateBeforeMs = opts.rotateBeforeExpiryMs ?? 5 * 60_000;
    this.notices = new NoticeQueue(opts.noticeMode ?? 'speak');
    const onFileError = (err: Error): void => this.fireInfo(`Could not write a session log: ${err.message}`);
    const transcriptPath = opts.transcriptPath ?? (opts.stateDir ? join(opts.stateDir, 'transcript.jsonl') : undefined);
    this.transcript = new TranscriptLog((e) => this.fire('transcript', e), transcriptPath, onFileError);
    this.cost = new CostMeter(this.model, opts.pricing);
    this.latency = new LatencyMarks((s) => this.fire('latency', s), opts.latencyLogPath, onFileError);
    this.connState = opts.apiKey
      ? { kind: 'closed' }
      : { kind: 'disabled', reason: 'No OpenAI API key (set OPENAI_API_KEY); voice is off.' };
    this.audioListeners = {
      started: () => this.setSpeaking(true),
      // Runs inside the audio output's emit: a failure here must not break playback.
      drained: () =>
        this.guard(() => {
          this.setSpeaking(false);
          this.pump();
        }),
    };
    this.audio.on('started', this.audioListeners.started);
    this.audio.on('drained', this.audioListeners.drained);
  }

  // ───────────────────────────── public API ─────────────────────────────

  /** Current connection state. `closed` before start(). `ready.expiresAt` is epoch ms. */
  state(): ConnectionState {
    return this.connState;
  }

  /** Open the socket and keep reconnecting until close(). No-op without an API key. */
  start(): void {
    if (this.started || this.closing) return;
    if (!this.opts.apiKey) {
      this.setState(this.connState);
      return;
    }
    this.started = true;
    this.openCurrent();
  }

  /** Push-to-talk down: barge-in if the assistant is audible or answering, then start a turn. */
  talkStart(): void {
    if (this.talking) return;
    this.talking = true;
    this.bargeIn();
    this.holdResponses();
    if (this.turn?.ended) {
      this.turn.ended = false;
      return;
    }
    this.turn = { chunks: [], bytes: 0, sentGen: -1, sentIdx: 0, ended: false };
    this.turnCapWarned = false;
  }

  /**
   * PCM16 mono 24 kHz while talking. Sent at once when the session is ready; while connecting
   * it is kept locally (up to 10 min) and sent when the session is ready, so a press during a
   * reconnect is not lost.
   */
  appendAudio(pcm: Buffer): void {
    const turn = this.turn;
    if (!this.talking || !turn || pcm.length === 0) return;
    if (turn.bytes + pcm.length > MAX_TURN_BYTES) {
      if (!this.turnCapWarned) this.fireInfo('Turn too long; the rest of this recording is ignored.');
      this.turnCapWarned = true;
      return;
    }
    turn.chunks.push(pcm);
    turn.bytes += pcm.length;
    this.flushTurnAudio();
  }

  /** Push-to-talk up: commit and ask for an answer, or clear when under 100 ms. */
  talkEnd(): void {
    if (!this.talking) return;
    this.talking = false;
    const turn = this.turn;
    if (!turn) {
      this.holdResponses();
      return;
    }
    this.latency.talkEnded();
    if (turn.bytes < MIN_COMMIT_BYTES) {
      this.turn = null;
      const conn = this.readyConn();
      if (conn && turn.sentGen === conn.gen && turn.sentIdx > 0) this.send(conn, { type: 'input_audio_buffer.clear' });
      this.fireInfo('Too short, nothing sent (hold the key while you speak).');
      this.holdResponses();
      this.pump();
      return;
    }
    const conn = this.readyConn();
    if (conn) {
      this.commitTurn(conn, turn);
      this.holdResponses();
      return;
    }
    if (this.connState.kind === 'failed' || this.connState.kind === 'disabled' || this.connState.kind === 'closed') {
      this.turn = null;
      this.fireInfo('Voice is not connected; nothing was sent.');
      return;
    }
    turn.ended = true;
    this.fireInfo('Still connecting; your words will be sent when the connection is back.');
  }

  /** The user aborted the turn: drop what was appended. */
  talkDiscard(): void {
    const turn = this.turn;
    this.talking = false;
    this.turn = null;
    const conn = this.readyConn();
    if (turn && conn && turn.sentGen === conn.gen && turn.sentIdx > 0)
      this.send(conn, { type: 'input_audio_buffer.clear' });
    this.holdResponses();
    this.pump();
  }

  /** A typed message: a user `input_text` item plus a response (queued while reconnecting). */
  sendText(text: string): void {
    const clean = text.trim();
    if (!clean) return;
    if (this.connState.kind === 'failed' || this.connState.kind === 'disabled' || this.connState.kind === 'closed') {
      this.fireInfo('Voice is not connected; message not sent.');
      return;
    }
    this.bargeIn();
    const conn = this.readyConn();
    if (!conn) {
      this.pendingTexts.push(clean);
      this.fireInfo('Still connecting; the message will be sent when the connection is back.');
      return;
    }
    this.sendTextNow(conn, clean);
  }

  /** Queue a task notice (speak), chime it, or drop it (off). */
  notify(notice: TaskNotice): void {
    const r = this.notices.push(notice);
    if (r.action === 'chime') {
      this.guard(() => this.audio.earcon(r.earcon));
      this.transcript.upsert({
        id: this.nextId('notice'),
        role: 'notice',
        text: notice.text,
        final: true,
        at: this.now(),
      });
      return;
    }
    if (r.action === 'queued') this.pump();
  }

  setNoticeMode(mode: NoticeMode): void {
    this.notices.setMode(mode);
  }

  noticeMode(): NoticeMode {
    return this.notices.mode();
  }

  /** Close the socket(s), stop reconnecting, flush the log files. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const t of [this.reconnectTimer, this.rotationTimer, this.pollTimer, ...this.retryTimers, ...this.toolTimers])
      if (t) clearTimeout(t);
    this.retryTimers.clear();
    this.toolTimers.clear();
    this.audio.off('started', this.audioListeners.started);
    this.audio.off('drained', this.audioListeners.drained);
    const conns = [this.current, this.pending].filter((c): c is Conn => !!c);
    for (const c of conns) if (c.connectTimer) clearTimeout(c.connectTimer);
    await Promise.all(
      conns.map(
        (c) =>
          new Promise<void>((resolve) => {
            c.client.once('close', () => resolve());
            const t = setTimeout(resolve, 3000);
            t.unref();
            c.client.close(1000, 'voice-orch closing');
          }),
      ),
    );
    this.current = null;
    this.pending = null;
    if (this.connState.kind !== 'disabled') this.setState({ kind: 'closed' });
    await Promise.all([this.transcript.close(), this.latency.close()]);
  }

  // ─────────────────────── introspection (tests, UI) ───────────────────────

  /** The local transcript so far. */
  transcriptEntries(): ReturnType<TranscriptLog['all']> {
    return this.transcript.all();
  }

  /** Session cost so far. */
  costSnapshot(): ReturnType<CostMeter['snapshot']> {
    return this.cost.snapshot();
  }

  /** Whether assistant audio is audible. */
  isSpeaking(): boolean {
    return this.speakingFlag;
  }

  /** Notices waiting for an idle moment. */
  pendingNotices(): number {
    return this.notices.size();
  }

  /** True when nothing is in flight: no response, no playback, no talk, no tool or late result pending. */
  isIdle(): boolean {
    const conn = this.readyConn();
    return !!conn && this.quiet(conn) && this.lateResults.length === 0 && this.notices.size() === 0;
  }

  // ─────────────────────────── connection life ───────────────────────────

  private openCurrent(): void {
    const conn = this.openConn();
    this.current = conn;
    this.setState({ kind: 'connecting', attempt: this.attempt });
  }

  private openConn(): Conn {
    const gen = ++this.gen;
    const client = new RealtimeClient({
      apiKey: this.opts.apiKey ?? '',
      baseUrl: this.opts.baseUrl ?? DEFAULT_REALTIME_URL,
      model: this.model,
      headers: this.opts.headers,
      handshakeTimeoutMs: this.opts.connectTimeoutMs ?? 15_000,
      keepAliveMs: this.opts.keepAliveMs,
    });
    const conn: Conn = {
      gen,
      client,
      gate: null as unknown as ResponseGate,
      sessionId: '',
      expiresAtMs: 0,
      configured: false,
      activated: false,
      retired: false,
      fatal: null,
      expired: false,
      cfgEventId: `cfg_${gen}`,
      connectTimer: null,
      receivedBytes: new Map(),
      assistantItems: new Set(),
      droppedResponses: new Set(),
      droppedItems: new Set(),
      itemResponse: new Map(),
      lastAudioItem: null,
      cancelOnCreate: false,
      serverErrors: [],
      executed: new Set(),
      responseCalls: new Map(),
      noticeBatch: null,
    };
    conn.gate = new ResponseGate((ev) => client.send(ev), `rc${gen}`);
    client.on('event', (ev, receivedAt) => this.guard(() => this.onServerEvent(conn, ev, receivedAt)));
    client.on('close', (info) => this.guard(() => this.onClose(conn, info)));
    client.on('warning', (msg) => this.guard(() => this.onWarning(conn, msg)));
    conn.connectTimer = setTimeout(() => {
      conn.connectTimer = null;
      if (!conn.configured && !conn.retired) {
        conn.fatal = null;
        this.fireInfo('Realtime connection attempt timed out.');
        client.close(4000, 'connect timeout');
      }
    }, this.opts.connectTimeoutMs ?? 15_000);
    conn.connectTimer.unref();
    client.connect();
    return conn;
  }

  private onWarning(conn: Conn, message: string): void {
    // Socket errors are followed by a close (handled there); odd frames on a live session are worth a note.
    if (conn === this.current && conn.configured && /frame/.test(message)) this.fireInfo(`Realtime: ${message}`);
  }

  private sessionConfig(): SessionUpdateEvent {
    let tools: ToolDefinition[] = [];
    try {
      tools = this.opts.toolHost.tools();
    } catch (err) {
      this.fireError(err);
    }
    const transcription: { model: string; language?: string } = {
      model: this.opts.transcriptionModel ?? 'gpt-4o-mini-transcribe',
    };
    if (this.opts.language) transcription.language = this.opts.language;
    const nr = this.opts.noiseReduction === undefined ? 'near_field' : this.opts.noiseReduction;
    return {
      type: 'session.update',
      session: {
        type: 'realtime',
        instructions: buildInstructions(tools, this.opts.extraInstructions),
        output_modalities: ['audio'],
        audio: {
          input: {
            format: { type: 'audio/pcm', rate: 24000 },
            transcription,
            noise_reduction: nr ? { type: nr } : null,
            turn_detection: null,
          },
          output: {
            format: { type: 'audio/pcm', rate: 24000 },
            voice: this.opts.voice ?? 'marin',
          },
        },
        tools: tools.map((t) => ({
          type: 'function' as const,
          name: t.name,
          description: t.description,
          parameters: t.parameters,
        })),
        tool_choice: 'auto',
      },
    } as SessionUpdateEvent;
  }

  private onClose(conn: Conn, info: CloseInfo): void {
    if (conn.connectTimer) clearTimeout(conn.connectTimer);
    conn.connectTimer = null;
    if (conn.retired) return;
    conn.retired = true;
    const fatal = conn.fatal ?? httpFatal(info);
    if (conn === this.pending) {
      this.pending = null;
      if (fatal) this.fireInfo(`Could not open a fresh Realtime session: ${fatal}`);
      this.rotationRetryAt = this.now() + Math.max(1000, this.backoff.maxMs);
      this.schedulePoll(Math.max(1000, this.backoff.maxMs));
      return;
    }
    if (conn !== this.current) return;
    this.current = null;
    this.handleLoss(conn);
    if (this.closing) {
      this.setState({ kind: 'closed' });
      return;
    }
    if (fatal) {
      if (this.pending) {
        this.pending.retired = true;
        this.pending.client.close();
        this.pending = null;
      }
      this.setState({ kind: 'failed', message: fatal });
      this.fireInfo(`Voice unavailable: ${fatal}`);
      // Nothing reconnects after this: drop what waited for the connection instead of holding it.
      const waited = !!this.turn?.ended || this.pendingTexts.length > 0;
      if (this.turn?.ended) this.turn = null;
      this.pendingTexts = [];
      if (waited) this.fireInfo('What you said while connecting was not sent.');
      return;
    }
    if (this.pending) {
      const next = this.pending;
      this.pending = null;
      this.current = next;
      if (next.configured) this.activate(next);
      else this.setState({ kind: 'connecting', attempt: 0 });
      return;
    }
    if (conn.expired) {
      this.attempt = 0;
      this.openCurrent();
      return;
    }
    this.scheduleReconnect(describeClose(info));
  }

  /** The socket is gone: its ids are gone too. Keep what must survive for the next session. */
  private handleLoss(conn: Conn): void {
    const lost = conn.gate.reset();
    let hadCalls = false;
    for (const rec of this.inflight.values()) {
      if (rec.gen !== conn.gen) continue;
      hadCalls = true;
      rec.late = true;
      if (rec.result !== undefined) {
        this.lateResults.push(rec);
        this.inflight.delete(rec.callId);
      }
    }
    // An answer cut off mid-stream stays in the local transcript as interrupted.
    for (const itemId of conn.assistantItems) {
      const entry = this.transcript.get(itemId);
      if (entry && !entry.final) this.transcript.finalize(itemId, 'assistant', `${entry.text.trimEnd()} …`, this.now());
    }
    // Re-ask a lost user turn when its words are known locally (they are replayed), unless its
    // answer already called tools: their late results trigger the next answer, and asking again
    // could run the same action twice.
    // A notice whose response never ran is not in the replayed context: speak it in the next session.
    if (conn.noticeBatch && lost.some((r) => r.kind === 'notice') && this.notices.mode() === 'speak')
      this.notices.requeue(conn.noticeBatch);
    const lostUserTurn = lost.some((r) => r.kind === 'user' || r.kind === 'restore' || r.mergedKinds?.includes('user'));
    if (lostUserTurn && !hadCalls) {
      const words = this.lastUserEntryId ? this.transcript.get(this.lastUserEntryId)?.text.trim() : '';
      if (words) this.answerAfterRestore = true;
      else this.fireInfo('The connection dropped before your words were understood; please say it again.');
    }
    if (this.turn && this.turn.sentGen === conn.gen) this.turn.sentIdx = 0;
    if (this.speakingFlag && !this.playing()) this.setSpeaking(false);
  }

  private scheduleReconnect(lastError: string): void {
    this.attempt += 1;
    const delay = Math.min(this.backoff.initialMs * 2 ** (this.attempt - 1), this.backoff.maxMs);
    const retryAt = this.now() + delay;
    this.setState({ kind: 'reconnecting', attempt: this.attempt, retryAt, lastError });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.closing) return;
      this.guard(() => this.openCurrent());
    }, delay);
    this.reconnectTimer.unref();
  }

  /** A configured session becomes the one we talk to: restore context, flush what waited. */
  private activate(conn: Conn): void {
    if (conn.activated) return;
    conn.activated = true;
    this.attempt = 0;
    const restored = this.sessionsActivated++ > 0;
    if (restored) this.restoreContext(conn);
    this.setState({ kind: 'ready', sessionId: conn.sessionId, expiresAt: conn.expiresAtMs });
    this.scheduleRotation(conn);
    this.holdResponses();
    if (this.answerAfterRestore) {
      this.answerAfterRestore = false;
      if (restored) conn.gate.request({ kind: 'restore' });
    }
    if (this.turn) {
      this.flushTurnAudio();
      if (this.turn?.ended && !this.talking) this.commitTurn(conn, this.turn);
    }
    const texts = this.pendingTexts;
    this.pendingTexts = [];
    for (const t of texts) this.sendTextNow(conn, t);
    this.pump();
  }

  /** Recent turns as text items, plus one system item with the task board. Bounded. */
  private restoreContext(conn: Conn): void {
    const { maxTurns, maxChars } = this.opts.replay ?? { maxTurns: 12, maxChars: 4000 };
    const turns = this.transcript.recentTurns(maxTurns, maxChars);
    for (const t of turns) {
      const item: ConversationItem =
        t.role === 'user'
          ? { type: 'message', role: 'user', content: [{ type: 'input_text', text: t.text }] }
          : { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: t.text }] };
      this.send(conn, { type: 'conversation.item.create', event_id: this.nextId('ctx'), item });
    }
    const board = this.board();
    const text =
      'Task board (voice-orch reconnected; the messages above are the recent conversation): ' +
      (board?.summary || 'no tasks.');
    this.sendSystem(conn, text, 'ctx');
    if (board) this.lastBoardVersion = board.version;
  }

  private scheduleRotation(conn: Conn): void {
    if (this.rotationTimer) clearTimeout(this.rotationTimer);
    this.rotationTimer = null;
    if (!conn.expiresAtMs || this.rotateBeforeMs <= 0) return;
    const due = conn.expiresAtMs - this.rotateBeforeMs - this.now();
    // Timers may fire a little early against the wall clock: re-arm until the rotation is due.
    this.rotationTimer = setTimeout(
      () => {
        this.rotationTimer = null;
        if (conn !== this.current || conn.retired) return;
        this.guard(() =>
          !this.rotationDue(conn) && this.now() >= this.rotationRetryAt ? this.scheduleRotation(conn) : this.pump(),
        );
      },
      Math.max(0, Math.min(due + 5, 2 ** 31 - 1)),
    );
    this.rotationTimer.unref();
  }

  private rotationDue(conn: Conn): boolean {
    return (
      this.rotateBeforeMs > 0 &&
      conn.expiresAtMs > 0 &&
      conn.expiresAtMs - this.now() <= this.rotateBeforeMs &&
      this.now() >= this.rotationRetryAt
    );
  }

  private swapToPending(): void {
    const next = this.pending;
    const old = this.current;
    if (!next) return;
    this.pending = null;
    this.current = next;
    if (old) {
      old.retired = true;
      if (old.connectTimer) clearTimeout(old.connectTimer);
      old.gate.reset();
      old.client.close(1000, 'rotated to a new session');
    }
    this.activate(next);
  }

  // ─────────────────────────── server events ───────────────────────────

  private onServerEvent(conn: Conn, ev: ServerEvent, receivedAt: number): void {
    if (conn.retired) return;
    const e = ev as Record<string, unknown> & { type: string };
    if (conn !== this.current) {
      // A rotation socket only needs configuring until it takes over.
      if (conn !== this.pending) return;
      if (e.type === 'session.created') this.onSessionCreated(conn, e);
      else if (e.type === 'session.updated') this.onSessionUpdated(conn, e);
      else if (e.type === 'error') this.onErrorEvent(conn, e);
      return;
    }
    switch (e.type) {
      case 'session.created':
        return this.onSessionCreated(conn, e);
      case 'session.updated':
        return this.onSessionUpdated(conn, e);
      case 'error':
        return this.onErrorEvent(conn, e);
      case 'input_audio_buffer.committed': {
        const itemId = str(e.item_id);
        if (itemId && !this.transcript.get(itemId)) {
          this.transcript.upsert({ id: itemId, role: 'user', text: '', final: false, at: this.now() });
        }
        if (itemId) this.lastUserEntryId = itemId;
        return;
      }
      case 'conversation.item.input_audio_transcription.delta': {
        const itemId = str(e.item_id);
        if (itemId) this.transcript.appendDelta(itemId, 'user', str(e.delta), this.now());
        return;
      }
      case 'conversation.item.input_audio_transcription.completed': {
        const itemId = str(e.item_id);
        if (itemId) this.transcript.finalize(itemId, 'user', str(e.transcript).trim(), this.now());
        return;
      }
      case 'conversation.item.input_audio_transcription.failed': {
        const itemId = str(e.item_id);
        if (itemId) {
          const prev = this.transcript.get(itemId)?.text;
          this.transcript.finalize(itemId, 'user', prev || '(not understood)', this.now());
        }
        return;
      }
      case 'response.created':
        return this.onResponseCreated(conn, obj(e.response));
      case 'response.output_item.added':
        return this.onOutputItemAdded(conn, str(e.response_id), obj(e.item));
      case 'response.output_audio.delta':
      case 'response.audio.delta':
        return this.onAudioDelta(conn, e, receivedAt);
      case 'response.output_audio_transcript.delta':
      case 'response.audio_transcript.delta':
      case 'response.output_text.delta':
      case 'response.text.delta': {
        const itemId = str(e.item_id);
        if (!itemId || this.isDropped(conn, str(e.response_id), itemId)) return;
        this.transcript.appendDelta(itemId, 'assistant', str(e.delta), this.now());
        return;
      }
      case 'response.output_audio_transcript.done':
      case 'response.audio_transcript.done':
      case 'response.output_text.done':
      case 'response.text.done': {
        const itemId = str(e.item_id);
        if (!itemId || this.isDropped(conn, str(e.response_id), itemId)) return;
        const text = typeof e.transcript === 'string' ? e.transcript : typeof e.text === 'string' ? e.text : undefined;
        this.transcript.finalize(itemId, 'assistant', text, this.now());
        return;
      }
      case 'response.output_item.done': {
        const item = obj(e.item);
        if (item.type === 'function_call') this.onFunctionCall(conn, str(e.response_id), item, receivedAt);
        return;
      }
      case 'response.done':
        return this.onResponseDone(conn, obj(e.response) as RealtimeResponse, receivedAt);
      default:
        // Unknown or uninteresting events (rate_limits.updated, content_part.*, conversation.item.*…).
        return;
    }
  }

  private onSessionCreated(conn: Conn, e: Record<string, unknown>): void {
    const session = obj(e.session);
    conn.sessionId = str(session.id) || conn.sessionId;
    const exp = session.expires_at;
    if (typeof exp === 'number' && exp > 0) conn.expiresAtMs = exp * 1000;
    const cfg = this.sessionConfig();
    cfg.event_id = conn.cfgEventId;
    this.send(conn, cfg);
  }

  private onSessionUpdated(conn: Conn, e: Record<string, unknown>): void {
    if (conn.configured) return;
    conn.configured = true;
    if (conn.connectTimer) clearTimeout(conn.connectTimer);
    conn.connectTimer = null;
    const session = obj(e.session);
    if (!conn.sessionId) conn.sessionId = str(session.id);
    const exp = session.expires_at;
    if (typeof exp === 'number' && exp > 0) conn.expiresAtMs = exp * 1000;
    if (conn === this.current) this.activate(conn);
    else this.pump();
  }

  private onErrorEvent(conn: Conn, e: Record<string, unknown>): void {
    const err = obj(e.error);
    const code = str(err.code);
    const message = str(err.message) || code || 'unknown error';
    const clientEventId = typeof err.event_id === 'string' ? err.event_id : null;
    if (FATAL_ERROR_CODES.has(code)) {
      conn.fatal = fatalMessage(code, message);
      return;
    }
    if (code === 'session_expired') {
      conn.expired = true;
      if (conn === this.current) this.fireInfo('Realtime session reached its time limit; starting a fresh one.');
      return;
    }
    if (conn !== this.current) {
      if (clientEventId === conn.cfgEventId) conn.fatal = `Realtime rejected the session configuration: ${message}`;
      return;
    }
    if (clientEventId && clientEventId === conn.cfgEventId) {
      // Retrying the same configuration cannot succeed (§11.2: fail loudly).
      conn.fatal = `Realtime rejected the session configuration: ${message}`;
      this.fireError(new Error(conn.fatal));
      conn.client.close(4000, 'configuration rejected');
      return;
    }
    const failed = conn.gate.onError(clientEventId);
    if (failed) {
      conn.cancelOnCreate = false;
      this.answered(failed);
      if (code !== 'conversation_already_has_active_response')
        this.fireInfo(`The assistant could not answer: ${message}`);
    }
    switch (code) {
      case 'response_cancel_not_active':
        break;
      case 'server_error': {
        const now = this.now();
        conn.serverErrors = [...conn.serverErrors.filter((t) => now - t < SERVER_ERROR_WINDOW_MS), now];
        this.fireError(new Error(`Realtime error (server_error): ${message}`));
        if (conn.serverErrors.length >= SERVER_ERRORS_BEFORE_RECONNECT) {
          this.fireInfo('The Realtime service keeps failing; reconnecting.');
          conn.client.close(4000, 'repeated server errors');
        }
        break;
      }
      case 'input_audio_buffer_commit_empty':
        this.fireInfo('Too short, nothing sent.');
        break;
      default:
        if (/already shorter than/i.test(message)) break;
        this.fireError(new Error(`Realtime error${code ? ` (${code})` : ''}: ${message}`));
    }
    this.pump();
  }

  private onResponseCreated(conn: Conn, response: Record<string, unknown>): void {
    const id = str(response.id);
    if (!id) return;
    conn.gate.onCreated(id);
    if (conn.cancelOnCreate) {
      conn.cancelOnCreate = false;
      conn.droppedResponses.add(id);
      this.send(conn, { type: 'response.cancel', event_id: this.nextId('cancel'), response_id: id });
    }
  }

  private onOutputItemAdded(conn: Conn, responseId: string, item: Record<string, unknown>): void {
    const id = str(item.id);
    if (!id) return;
    if (responseId) conn.itemResponse.set(id, responseId);
    if (item.type === 'message' && item.role === 'assistant') {
      conn.assistantItems.add(id);
      if (conn.droppedResponses.has(responseId)) conn.droppedItems.add(id);
    }
  }

  private onAudioDelta(conn: Conn, e: Record<string, unknown>, receivedAt: number): void {
    const itemId = str(e.item_id);
    const responseId = str(e.response_id);
    if (!itemId || this.isDropped(conn, responseId, itemId)) return;
    const pcm = Buffer.from(str(e.delta), 'base64');
    if (pcm.length === 0) return;
    const received = conn.receivedBytes.get(itemId);
    if (received === undefined) {
      // First audio of this item (output_item.added may have been missed): register it once.
      conn.assistantItems.add(itemId);
      if (responseId) conn.itemResponse.set(itemId, responseId);
    }
    conn.receivedBytes.set(itemId, (received ?? 0) + pcm.length);
    conn.lastAudioItem = itemId;
    try {
      this.audio.play(itemId, pcm);
    } catch (err) {
      this.fireError(err);
    }
    this.latency.audioDelta(receivedAt);
    this.setSpeaking(true);
  }

  private onResponseDone(conn: Conn, response: RealtimeResponse, receivedAt: number): void {
    const id = response.id ?? '';
    this.fire('cost', this.cost.add(response.usage as RealtimeResponseUsage | null | undefined));
    const dropped = conn.droppedResponses.has(id);
    for (const item of response.output ?? []) {
      const it = item as unknown as Record<string, unknown>;
      if (it.type === 'function_call') this.onFunctionCall(conn, id, it, receivedAt);
      else if (it.type === 'message' && it.role === 'assistant') {
        const itemId = str(it.id);
        if (!itemId) continue;
        if (dropped || conn.droppedItems.has(itemId)) {
          // Interrupted: keep what we showed (the truncate may already have cut it), mark it final.
          const entry = this.transcript.get(itemId);
          if (entry && !entry.final)
            this.transcript.finalize(itemId, 'assistant', `${entry.text.trimEnd()} …`, this.now());
          continue;
        }
        const transcript = contentTranscript(it.content);
        if (transcript !== undefined) this.transcript.finalize(itemId, 'assistant', transcript, this.now());
      }
    }
    const calls = conn.responseCalls.get(id);
    if (calls) {
      calls.done = true;
      this.maybeFollowUp(conn, id);
    }
    // Release after queuing the follow-up so a waiting user turn and the follow-up share one create.
    const request = conn.gate.onDone(id);
    if (request) this.answered(request);
    if (response.status === 'failed') this.onResponseFailed(conn, response, request);
    conn.droppedResponses.delete(id);
    if (!this.playing()) this.setSpeaking(false);
    this.pump();
  }

  private onResponseFailed(conn: Conn, response: RealtimeResponse, request: ResponseRequest | null): void {
    const error = response.status_details?.error;
    const code = error?.code ?? '';
    const message = (error as { message?: string } | undefined)?.message ?? code ?? 'failed';
    if (code === 'rate_limit_exceeded') {
      const waitMs = parseRetryAfterMs(message) ?? 5000;
      if (request && !request.retried) {
        this.fireInfo(`Rate limited; retrying in ${Math.max(1, Math.ceil(waitMs / 1000))} s.`);
        const retry: ResponseRequest = {
          kind: request.kind,
          params: request.params,
          toolResponseIds: request.toolResponseIds,
          retried: true,
        };
        const t = setTimeout(() => {
          this.retryTimers.delete(t);
          if (this.closing) return;
          if (this.current !== conn || conn.retired) {
            this.fireInfo('Connection changed; the rate-limited reply was not retried.');
            return;
          }
          this.guard(() => conn.gate.request(retry));
        }, waitMs);
        t.unref();
        this.retryTimers.add(t);
      } else {
        this.fireInfo('Still rate limited; try again in a moment.');
      }
      return;
    }
    this.fireInfo(`The assistant could not answer${code ? ` (${code})` : ''}: ${message}`);
  }

  /** A response request was answered (or failed for good): its tool outputs are consumed. */
  private answered(request: ResponseRequest): void {
    for (const rid of request.toolResponseIds ?? []) {
      for (const [callId, rec] of this.inflight) {
        if (rec.responseId === rid && rec.outputSent) this.inflight.delete(callId);
      }
    }
  }

  // ─────────────────────────────── tools ───────────────────────────────

  private onFunctionCall(conn: Conn, responseId: string, item: Record<string, unknown>, receivedAt: number): void {
    const callId = str(item.call_id);
    if (!callId || item.status !== 'completed' || conn.executed.has(callId)) return;
    conn.executed.add(callId);
    const name = str(item.name);
    const args = typeof item.arguments === 'string' ? item.arguments : JSON.stringify(item.arguments ?? {});
    const rec: CallRecord = {
      callId,
      name,
      args,
      gen: conn.gen,
      responseId,
      receivedAt,
      outputSent: false,
      late: false,
    };
    this.inflight.set(callId, rec);
    const entry = conn.responseCalls.get(responseId) ?? { callIds: [], done: false, requested: false };
    entry.callIds.push(callId);
    conn.responseCalls.set(responseId, entry);
    this.transcript.upsert({
      id: `tool_${callId}`,
      role: 'tool',
      text: `${name}(${clip(args, 200)})`,
      final: false,
      at: this.now(),
    });
    let pending: Promise<string>;
    try {
      pending = Promise.resolve(this.opts.toolHost.callTool(name, args, callId));
    } catch (err) {
      pending = Promise.reject(err);
    }
    // A tool that never answers would hold every notice and rotation back: give it a deadline.
    const limitMs = this.opts.toolTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | null = null;
    const deadline = new Promise<string>((resolve) => {
      const t = setTimeout(() => {
        this.toolTimers.delete(t);
        resolve(`The tool ${name} did not answer within ${Math.round(limitMs / 1000)} s; it may still be running.`);
      }, limitMs);
      t.unref();
      this.toolTimers.add(t);
      timer = t;
    });
    Promise.race([
      pending.then(
        (r) => (typeof r === 'string' ? r : JSON.stringify(r)),
        (err: unknown) => `The tool ${name} failed: ${errorText(err)}`,
      ),
      deadline,
    ]).then((result) => {
      if (timer) {
        clearTimeout(timer);
        this.toolTimers.delete(timer);
      }
      this.guard(() => this.onToolResult(rec, result ?? ''));
    });
  }

  private onToolResult(rec: CallRecord, result: string): void {
    if (this.closing) return;
    rec.result = result;
    this.transcript.upsert({
      id: `tool_${rec.callId}`,
      role: 'tool',
      text: `${rec.name}(${clip(rec.args, 200)}) → ${clip(result, TOOL_TEXT_MAX)}`,
      final: true,
      at: this.now(),
    });
    const conn = this.current;
    if (!rec.late && conn && conn.gen === rec.gen && !conn.retired && conn.client.isOpen()) {
      const sent = this.send(conn, {
        type: 'conversation.item.create',
        event_id: `fco_${rec.callId}`,
        item: { type: 'function_call_output', call_id: rec.callId, output: result },
      });
      if (sent) {
        rec.outputSent = true;
        this.latency.toolOutputSent(rec.receivedAt);
        this.maybeFollowUp(conn, rec.responseId);
        this.pump();
        return;
      }
    }
    rec.late = true;
    this.inflight.delete(rec.callId);
    this.lateResults.push(rec);
    this.pump();
  }

  /** One response.create after the tool-calling response is done and all its outputs are sent. */
  private maybeFollowUp(conn: Conn, responseId: string): void {
    const entry = conn.responseCalls.get(responseId);
    if (!entry || !entry.done || entry.requested) return;
    if (!entry.callIds.every((id) => this.inflight.get(id)?.outputSent)) return;
    entry.requested = true;
    conn.responseCalls.delete(responseId);
    conn.gate.request({ kind: 'tool_followup', toolResponseIds: [responseId] });
  }

  // ─────────────────────────── turns and barge-in ───────────────────────────

  private flushTurnAudio(): void {
    const turn = this.turn;
    const conn = this.readyConn();
    if (!turn || !conn) return;
    if (turn.sentGen !== conn.gen) {
      turn.sentGen = conn.gen;
      turn.sentIdx = 0;
    }
    while (turn.sentIdx < turn.chunks.length) {
      const chunk = turn.chunks[turn.sentIdx] as Buffer;
      if (!this.send(conn, { type: 'input_audio_buffer.append', audio: chunk.toString('base64') })) return;
      turn.sentIdx += 1;
    }
  }

  private commitTurn(conn: Conn, turn: TurnAudio): void {
    this.flushTurnAudio();
    if (turn.sentGen !== conn.gen || turn.sentIdx < turn.chunks.length) {
      turn.ended = true;
      return;
    }
    this.turn = null;
    this.beforeUserTurn(conn);
    this.send(conn, { type: 'input_audio_buffer.commit', event_id: this.nextId('commit') });
    conn.gate.request({ kind: 'user', onSent: () => this.latency.commitSent() });
  }

  private sendTextNow(conn: Conn, text: string): void {
    this.beforeUserTurn(conn);
    const id = this.nextId('typed');
    this.lastUserEntryId = id;
    this.transcript.upsert({ id, role: 'user', text, final: true, at: this.now() });
    this.send(conn, {
      type: 'conversation.item.create',
      event_id: this.nextId('text'),
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
    });
    conn.gate.request({ kind: 'user' });
  }

  /** Before every user turn: a compact system item when the task board changed since the last one. */
  private beforeUserTurn(conn: Conn): void {
    this.cost.beginTurn();
    const board = this.board();
    if (!board || board.version === this.lastBoardVersion) return;
    this.lastBoardVersion = board.version;
    this.sendSystem(conn, `Task board changed: ${board.summary}`, 'board');
  }

  /**
   * Stop the assistant: local playback at once, `response.cancel` only while a response is
   * active (or as soon as a pending one is created), then truncate the item to what was heard.
   */
  private bargeIn(): void {
    const conn = this.readyConn();
    const playing = this.playing();
    const slot = conn?.gate.state();
    const active = conn?.gate.activeResponseId() ?? null;
    if (!playing && !active && slot?.kind !== 'creating') return;
    if (conn && active) {
      conn.droppedResponses.add(active);
      this.send(conn, { type: 'response.cancel', event_id: this.nextId('cancel'), response_id: active });
    } else if (conn && slot?.kind === 'creating') {
      conn.cancelOnCreate = true;
    }
    const streaming = conn?.lastAudioItem ?? null;
    if (conn && streaming && active && conn.itemResponse.get(streaming) === active) conn.droppedItems.add(streaming);
    this.setSpeaking(false);
    let stopping: Promise<{ itemId: string | null; playedMs: number }>;
    try {
      stopping = this.audio.stop();
    } catch (err) {
      stopping = Promise.reject(err);
    }
    stopping.then(
      (stopped) => this.guard(() => this.truncateHeard(conn, stopped.itemId, stopped.playedMs)),
      (err: unknown) => this.fireError(err),
    );
  }

  /**
   * Truncate the item the player was playing to what was heard. Nothing playing (no item named)
   * means nothing to cut: the cancel alone ends the response.
   */
  private truncateHeard(conn: Conn | null, id: string | null, playedMs: number): void {
    if (!conn || conn !== this.current || conn.retired) return;
    if (!id || !conn.assistantItems.has(id)) return;
    const receivedBytes = conn.receivedBytes.get(id) ?? 0;
    if (receivedBytes === 0) return;
    const receivedMs = Math.floor(receivedBytes / BYTES_PER_MS);
    const heardMs = Math.max(0, Math.min(Math.floor(Number.isFinite(playedMs) ? playedMs : 0), receivedMs));
    conn.droppedItems.add(id);
    this.send(conn, {
      type: 'conversation.item.truncate',
      event_id: this.nextId('trunc'),
      item_id: id,
      content_index: 0,
      audio_end_ms: heardMs,
    });
    // Keep locally only the part of the transcript that was heard (the server drops its copy).
    const entry = this.transcript.get(id);
    if (entry && receivedMs > 0) {
      const ratio = heardMs / receivedMs;
      const keep =
        ratio >= 1 ? entry.text : `${entry.text.slice(0, Math.round(entry.text.length * ratio)).trimEnd()} …`;
      this.transcript.upsert({ ...entry, text: keep, final: true });
    }
  }

  /**
   * While the user talks, no response starts (tool follow-ups, retries and restores wait in the
   * gate and join the user's own turn): the assistant never talks over the user.
   */
  private holdResponses(): void {
    const gate = this.current?.gate;
    if (!gate) return;
    if (this.talking) gate.pause();
    else gate.resume();
  }

  // ─────────────────────────── idle moments ───────────────────────────

  /** Nothing in flight on this socket: no response, no playback, no talk, no tool output pending. */
  private quiet(conn: Conn): boolean {
    if (!conn.gate.isIdle() || this.talking || this.turn) return false;
    if (this.opts.isTalkHeld && safeBool(() => this.opts.isTalkHeld?.() ?? false)) return false;
    if (this.playing()) return false;
    return this.inflight.size === 0 && this.retryTimers.size === 0;
  }

  /** Called whenever something may have become idle: rotation, late results, notices. */
  private pump(): void {
    if (this.closing) return;
    const conn = this.readyConn();
    if (!conn) return;
    const wantsIdle =
      (this.pending?.configured ?? false) ||
      this.lateResults.length > 0 ||
      (this.notices.size() > 0 && this.notices.mode() === 'speak') ||
      (!this.pending && this.rotationDue(conn));
    if (!wantsIdle) return;
    if (!this.quiet(conn)) {
      // Playback drain and key release are events we may not hear about: look again soon.
      this.schedulePoll(250);
      return;
    }
    if (this.pending?.configured) {
      this.swapToPending();
      return;
    }
    if (this.lateResults.length > 0) {
      this.deliverLateResults(conn);
      return;
    }
    if (this.notices.size() > 0 && this.notices.mode() === 'speak') {
      this.deliverNotices(conn);
      return;
    }
    if (!this.pending && this.rotationDue(conn)) {
      this.pending = this.openConn();
    }
  }

  private schedulePoll(ms: number): void {
    if (this.pollTimer || this.closing) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      this.guard(() => this.pump());
    }, ms);
    this.pollTimer.unref();
  }

  private deliverLateResults(conn: Conn): void {
    const results = this.lateResults;
    this.lateResults = [];
    for (const rec of results) {
      this.sendSystem(
        conn,
        `Result of the tool call ${rec.name}(${clip(rec.args, 300)}), which finished after the connection was renewed: ${rec.result ?? ''}`,
        'late',
      );
    }
    conn.gate.request({ kind: 'late_result' });
  }

  private deliverNotices(conn: Conn): void {
    const batch = this.notices.takeBatch();
    if (!batch) return;
    conn.noticeBatch = batch.notices;
    this.sendSystem(conn, `Task update (from voice-orch, not the user): ${batch.text}`, 'note');
    this.transcript.upsert({
      id: this.nextId('notice'),
      role: 'notice',
      text: batch.text,
      final: true,
      at: this.now(),
    });
    const taskIds = batch.notices.map((n) => String(n.taskId)).join(',');
    conn.gate.request({
      kind: 'notice',
      params: { metadata: { kind: 'task_notice', task_ids: clip(taskIds, 500) } },
    });
  }

  // ─────────────────────────────── helpers ───────────────────────────────

  /** Whether the speaker still has audio to play (a failing output counts as silent). */
  private playing(): boolean {
    return safeBool(() => this.audio.isPlaying());
  }

  private readyConn(): Conn | null {
    const c = this.current;
    return c && c.activated && !c.retired && c.client.isOpen() ? c : null;
  }

  private board(): { version: number; summary: string } | null {
    try {
      return this.opts.toolHost.taskBoard();
    } catch (err) {
      this.fireError(err);
      return null;
    }
  }

  private sendSystem(conn: Conn, text: string, prefix: string): void {
    this.send(conn, {
      type: 'conversation.item.create',
      event_id: this.nextId(prefix),
      item: { type: 'message', role: 'system', content: [{ type: 'input_text', text }] },
    });
  }

  private send(conn: Conn, event: RealtimeClientEvent): boolean {
    return conn.client.send(event);
  }

  private nextId(prefix: string): string {
    return `${prefix}_${++this.seq}`;
  }

  private setState(state: ConnectionState): void {
    if (state.kind === 'closed' && this.connState.kind === 'closed') return;
    this.connState = state;
    this.fire('state', state);
  }

  private setSpeaking(v: boolean): void {
    if (this.speakingFlag === v) return;
    this.speakingFlag = v;
    this.fire('speaking', v);
  }

  private fireInfo(message: string): void {
    this.fire('info', message);
  }

  private fireError(err: unknown): void {
    this.fire('error', toError(err));
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.fireError(err);
    }
  }

  private isDropped(conn: Conn, responseId: string, itemId: string): boolean {
    return (!!responseId && conn.droppedResponses.has(responseId)) || conn.droppedItems.has(itemId);
  }
}

/** Parses "Please try again in 7.853s" / "in 350ms" into milliseconds. */
export function parseRetryAfterMs(message: string): number | null {
  const m = /try again in\s+([\d.]+)\s*(ms|s)\b/i.exec(message);
  if (!m) return null;
  const v = Number(m[1]);
  if (!Number.isFinite(v)) return null;
  return Math.ceil(m[2]?.toLowerCase() === 'ms' ? v : v * 1000);
}

function fatalMessage(code: string, message: string): string {
  switch (code) {
    case 'invalid_api_key':
      return `The OpenAI API key was rejected (${message}). Fix OPENAI_API_KEY and restart.`;
    case 'beta_api_shape_disabled':
      return `The Realtime endpoint refused the request shape: ${message}`;
    case 'invalid_model':
    case 'missing_model':
    case 'model_not_found':
      return `The Realtime model is not available: ${message}`;
    default:
      return message;
  }
}

function httpFatal(info: CloseInfo): string | null {
  if (info.httpStatus === 401 || info.httpStatus === 403) {
    return `The Realtime endpoint refused the connection (HTTP ${info.httpStatus}); check OPENAI_API_KEY.`;
  }
  if (info.httpStatus === 404) return 'The Realtime endpoint was not found (HTTP 404); check the Realtime URL.';
  return null;
}

function describeClose(info: CloseInfo): string {
  if (info.httpStatus) return `HTTP ${info.httpStatus}`;
  return `closed (${info.code}${info.reason ? ` ${info.reason}` : ''})`;
}

function contentTranscript(content: unknown): string | undefined {
  if (!Array.isArray(content)) return undefined;
  for (const part of content as Record<string, unknown>[]) {
    if (typeof part?.transcript === 'string') return part.transcript;
    if (typeof part?.text === 'string') return part.text;
  }
  return undefined;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function safeBool(fn: () => boolean): boolean {
  try {
    return fn();
  } catch {
    return false;
  }
}
