/**
 * The Realtime engine: the VoiceEngine port over one OpenAI Realtime conversation at a time (GA
 * protocol, push-to-talk), kept alive across drops and the 60-minute cap, with tools, barge-in
 * and task notices.
 *
 * Composition: ConnectionLifecycle (sockets, reconnect, rotation) + ResponseGate per socket (one
 * response at a time) + UserTurn + ToolCalls + AssistantAudio per socket + the engine-neutral
 * parts in src/session (NoticeQueue, TranscriptLog, CostMeter, LatencyMarks).
 */
import { toError } from '../../shared/errors.js';
import { SafeEmitter } from '../../shared/events.js';
import { join } from 'node:path';
import type { RealtimeClientEvent } from 'openai/resources/realtime/realtime';
import type { AudioOutputPort } from '../../audio/types.js';
import { NullAudioOutput } from '../../audio/null-audio.js';
import { CostMeter } from '../cost-meter.js';
import { LatencyMarks } from '../latency-marks.js';
import { NoticeQueue } from '../notice-queue.js';
import { DEFAULT_NOTICE_MODE, DEFAULT_REALTIME_MODEL } from '../../shared/settings-values.js';
import { TranscriptLog } from '../transcript-log.js';
import type { ConnectionState, NoticeMode, TaskNotice, ToolDefinition } from '../types.js';
import type { VoiceEngine, VoiceEngineEvents } from '../voice-engine.js';
import type { Conn } from './connection.js';
import { ConnectionLifecycle, lifecycleOptions } from './lifecycle.js';
import { nextIdleStep, PollTimer } from './idle-pump.js';
import type { RealtimeEngineOptions } from './options.js';
import { clip, ServerEventHandler } from './event-handler.js';
import { bargeIn } from './barge-in.js';
import { buildSessionUpdate, replayItems } from './session-config.js';
import { ToolCalls } from './tool-calls.js';
import { Turns } from './turns.js';

export type { RealtimeEngineOptions } from './options.js';

/**
 * The Realtime voice engine; handlers never throw. The app sees only its VoiceEngine side; other
 * public members are the EngineCore / TurnHost view of its own helpers.
 */
export class RealtimeEngine extends SafeEmitter<VoiceEngineEvents> implements VoiceEngine {
  readonly opts: RealtimeEngineOptions;
  readonly audio: AudioOutputPort;
  readonly now: () => number;
  readonly notices: NoticeQueue;
  readonly transcript: TranscriptLog;
  readonly cost: CostMeter;
  readonly latency: LatencyMarks;
  readonly tools: ToolCalls;
  readonly conns: ConnectionLifecycle;
  private readonly events: ServerEventHandler;
  private readonly poll: PollTimer;

  private connState: ConnectionState;
  private started = false;
  /** True once close() began. */
  closing = false;
  private readonly turns: Turns;
  private speakingFlag = false;
  private pendingTexts: string[] = [];
  /** A typed message waiting for the barge-in's truncate to go out first (messages keep their order). */
  private textAfterStop: Promise<void> | null = null;
  private answerAfterRestore = false;
  /** Transcript id of the latest user turn (typed id or committed audio item id). */
  lastUserEntryId: string | null = null;
  private lastBoardVersion: number | null = null;
  private seq = 0;
  private readonly audioListeners: { started: () => void; drained: () => void };

  constructor(opts: RealtimeEngineOptions) {
    super();
    this.opts = opts;
    this.audio = opts.audio ?? new NullAudioOutput({ kind: 'disabled', reason: 'no audio output' });
    this.now = opts.now ?? Date.now;
    const model = opts.model ?? DEFAULT_REALTIME_MODEL;
    this.notices = new NoticeQueue(opts.noticeMode ?? DEFAULT_NOTICE_MODE, opts);
    const onFileError = (err: Error): void => this.fireInfo(`Could not write a session log: ${err.message}`);
    const transcriptPath = opts.transcriptPath ?? (opts.stateDir ? join(opts.stateDir, 'transcript.jsonl') : undefined);
    this.transcript = new TranscriptLog((e) => super.fire('transcript', e), transcriptPath, onFileError);
    this.cost = new CostMeter(model, opts.pricing);
    this.latency = new LatencyMarks((s) => super.fire('latency', s), opts.latencyLogPath, onFileError);
    this.tools = new ToolCalls(opts.toolHost, opts.toolTimeoutMs);
    this.poll = new PollTimer(() => this.guard(() => this.pump()));
    this.turns = new Turns(this);
    this.events = new ServerEventHandler(this);
    this.conns = new ConnectionLifecycle(lifecycleOptions(opts, this.now), {
      sessionUpdate: () => this.sessionConfig(),
      event: this.events.handle.bind(this.events),
      beforeReady: (conn, restored) => {
        if (restored) this.restoreContext(conn);
      },
      activated: (conn, restored) => this.onActivated(conn, restored),
      lost: (conn) => this.handleLoss(conn),
      failed: () => {
        const waited = this.turns.dropWaiting() || this.pendingTexts.length > 0;
        this.pendingTexts = [];
        if (waited) this.fireInfo('What you said while connecting was not sent.');
      },
      wake: (ms) => (ms === undefined ? this.pump() : this.poll.after(ms)),
      state: (s) => this.setState(s),
      info: (m) => this.fireInfo(m),
      error: (e) => this.fireError(e),
    });
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
    this.conns.start();
  }

  /** Push-to-talk down: barge-in if the assistant is audible or answering, then start a turn. */
  talkStart(): void {
    this.turns.start();
  }

  /**
   * PCM16 mono 24 kHz while talking. Sent at once when the session is ready; while connecting
   * it is kept locally (up to 10 min) and sent when the session is ready.
   */
  appendAudio(pcm: Buffer): void {
    this.turns.append(pcm);
  }

  /** Push-to-talk up: commit and ask for an answer, or clear when under 100 ms. */
  talkEnd(): void {
    this.turns.end();
  }

  /** The user aborted the turn: drop what was appended. */
  talkDiscard(): void {
    this.turns.discard();
  }

  /** A typed message: a user `input_text` item plus a response (queued while reconnecting). */
  sendText(text: string): void {
    const clean = text.trim();
    if (!clean) return;
    if (this.offline()) {
      this.fireInfo('Voice is not connected; message not sent.');
      return;
    }
    // The cut of the answer being heard goes out before the new words and their answer request,
    // so the next answer never builds on text the user did not hear.
    const stopping = this.bargeIn();
    if (!stopping && !this.textAfterStop) {
      this.deliverText(clean);
      return;
    }
    const mine = Promise.all([this.textAfterStop, stopping]).then(() =>
      this.guard(() => {
        if (!this.closing) this.deliverText(clean);
      }),
    );
    this.textAfterStop = mine;
    void mine.then(() => {
      if (this.textAfterStop === mine) this.textAfterStop = null;
    });
  }

  /** Queue a task notice (speak), chime it, or drop it (off). */
  notify(notice: TaskNotice): void {
    const { action, earcon } = this.notices.push(notice);
    if (earcon) this.guard(() => this.audio.earcon(earcon));
    if (action === 'chime') this.noticeLine(notice.text);
    else if (action === 'queued') this.pump();
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
    this.poll.stop();
    this.events.close();
    this.tools.close();
    this.audio.off('started', this.audioListeners.started);
    this.audio.off('drained', this.audioListeners.drained);
    await this.conns.close();
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
    const conn = this.conns.ready();
    return !!conn && this.quiet(conn) && !this.tools.hasLate() && this.notices.size() === 0;
  }

  // ─────────────────────────── connection hooks ───────────────────────────

  private sessionConfig(): ReturnType<typeof buildSessionUpdate> {
    let tools: ToolDefinition[] = [];
    try {
      tools = this.opts.toolHost.tools();
    } catch (err) {
      this.fireError(err);
    }
    return buildSessionUpdate(this.opts, tools);
  }

  /** After `ready`: restore an answer lost with the old socket, flush the turn and typed messages. */
  private onActivated(conn: Conn, restored: boolean): void {
    this.holdResponses();
    if (this.answerAfterRestore) {
      this.answerAfterRestore = false;
      if (restored) conn.gate.request({ kind: 'restore' });
    }
    this.turns.resume(conn);
    const texts = this.pendingTexts;
    this.pendingTexts = [];
    for (const t of texts) this.sendTextNow(conn, t);
    this.pump();
  }

  /** The socket is gone: its ids are gone too. Keep what must survive for the next session. */
  private handleLoss(conn: Conn): void {
    const lost = conn.gate.reset();
    const hadCalls = this.tools.socketLost(conn.gen);
    // An answer cut off mid-stream stays in the local transcript as interrupted.
    for (const itemId of conn.audio.items()) {
      const entry = this.transcript.get(itemId);
      if (entry && !entry.final) this.transcript.finalize(itemId, 'assistant', `${entry.text.trimEnd()} …`, this.now());
    }
    // A notice whose response never ran is not in the replayed context: speak it in the next session.
    if (conn.noticeBatch && lost.some((r) => r.kind === 'notice') && this.notices.mode() === 'speak')
      this.notices.requeue(conn.noticeBatch);
    // Re-ask a lost user turn when its words are known locally (they are replayed), unless its
    // answer already called tools: their late results trigger the next answer, and asking again
    // could run the same action twice.
    const lostUserTurn = lost.some((r) => r.kind === 'user' || r.kind === 'restore' || r.mergedKinds?.includes('user'));
    if (lostUserTurn && !hadCalls) {
      const words = this.lastUserEntryId ? this.transcript.get(this.lastUserEntryId)?.text.trim() : '';
      if (words) this.answerAfterRestore = true;
      else this.fireInfo('The connection dropped before your words were understood; please say it again.');
    }
    this.turns.lost(conn.gen);
    if (this.speakingFlag && !this.playing()) this.setSpeaking(false);
  }

  /** Recent turns as text items, plus one system item with the task board. Bounded. */
  private restoreContext(conn: Conn): void {
    const { maxTurns, maxChars } = this.opts.replay ?? { maxTurns: 12, maxChars: 4000 };
    for (const item of replayItems(this.transcript.recentTurns(maxTurns, maxChars)))
      this.send(conn, { type: 'conversation.item.create', event_id: this.nextId('ctx'), item });
    const board = this.board();
    const text =
      'Task board (voice-orch reconnected; the messages above are the recent conversation): ' +
      (board?.summary || 'no tasks.');
    this.sendSystem(conn, text, 'ctx');
    if (board) this.lastBoardVersion = board.version;
  }

  // ─────────────────────────── turns and barge-in ───────────────────────────

  private deliverText(text: string): void {
    const conn = this.conns.ready();
    if (conn) {
      this.sendTextNow(conn, text);
      return;
    }
    if (this.offline()) {
      this.fireInfo('Voice is not connected; message not sent.');
      return;
    }
    this.pendingTexts.push(text);
    this.fireInfo('Still connecting; the message will be sent when the connection is back.');
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
  beforeUserTurn(conn: Conn): void {
    this.cost.beginTurn();
    const board = this.board();
    if (!board || board.version === this.lastBoardVersion) return;
    this.lastBoardVersion = board.version;
    this.sendSystem(conn, `Task board changed: ${board.summary}`, 'board');
  }

  /** Stops the assistant (see barge-in.ts); resolves once the truncate went out, null when nothing ran. */
  bargeIn(): Promise<void> | null {
    return bargeIn(this, this.conns.ready());
  }

  /** While the user talks no response starts: the assistant never talks over the user. */
  holdResponses(): void {
    const gate = this.conns.currentConn()?.gate;
    if (!gate) return;
    if (this.turns.isTalking()) gate.pause();
    else gate.resume();
  }

  // ─────────────────────────── idle moments ───────────────────────────

  /** Nothing in flight on this socket: no response, no playback, no talk, no tool output pending. */
  private quiet(conn: Conn): boolean {
    if (!conn.gate.isIdle() || this.turns.busy()) return false;
    if (this.opts.isTalkHeld && safeBool(() => this.opts.isTalkHeld?.() ?? false)) return false;
    if (this.playing()) return false;
    return !this.tools.busy() && !this.events.retrying();
  }

  /** Called whenever something may have become idle: rotation, late results, notices. */
  pump(): void {
    if (this.closing) return;
    const conn = this.conns.ready();
    if (!conn) return;
    const step = nextIdleStep(
      {
        pendingConfigured: this.conns.pendingConfigured(),
        pendingOpen: this.conns.pendingOpen(),
        lateResults: this.tools.hasLate(),
        noticesToSpeak: this.notices.size() > 0 && this.notices.mode() === 'speak',
        rotationDue: this.conns.rotationDue(conn),
      },
      () => this.quiet(conn),
    );
    if (step === 'wait') this.poll.after(250);
    else if (step === 'swap') this.conns.swapToPending();
    else if (step === 'late_results') this.deliverLateResults(conn);
    else if (step === 'notices') this.deliverNotices(conn);
    else if (step === 'rotate') this.conns.beginRotation();
  }

  private deliverLateResults(conn: Conn): void {
    for (const rec of this.tools.takeLate()) {
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
    if (batch.earcon) this.guard(() => batch.earcon && this.audio.earcon(batch.earcon));
    this.sendSystem(conn, `Task update (from voice-orch, not the user): ${batch.text}`, 'note');
    this.noticeLine(batch.text);
    const taskIds = batch.notices.map((n) => String(n.taskId)).join(',');
    conn.gate.request({ kind: 'notice', params: { metadata: { kind: 'task_notice', task_ids: clip(taskIds, 500) } } });
  }

  // ─────────────────────────────── helpers ───────────────────────────────

  /** A task notice as a transcript line (spoken or chimed). */
  private noticeLine(text: string): void {
    this.transcript.upsert({ id: this.nextId('notice'), role: 'notice', text, final: true, at: this.now() });
  }

  offline(): boolean {
    const k = this.connState.kind;
    return k === 'failed' || k === 'disabled' || k === 'closed';
  }

  /** Whether the speaker still has audio to play (a failing output counts as silent). */
  playing(): boolean {
    return safeBool(() => this.audio.isPlaying());
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

  send(conn: Conn, event: RealtimeClientEvent): boolean {
    return conn.client.send(event);
  }

  nextId(prefix: string): string {
    return `${prefix}_${++this.seq}`;
  }

  private setState(state: ConnectionState): void {
    if (state.kind === 'closed' && this.connState.kind === 'closed') return;
    this.connState = state;
    super.fire('state', state);
  }

  setSpeaking(v: boolean): void {
    if (this.speakingFlag === v) return;
    this.speakingFlag = v;
    super.fire('speaking', v);
  }

  fireInfo(message: string): void {
    super.fire('info', message);
  }

  fireError(err: unknown): void {
    super.fire('error', toError(err));
  }

  /**
   * Emits without ever throwing (a listener's bug becomes an `error` event). Public for the
   * engine's parts; the engine itself calls super.fire, one layer less per streamed delta.
   */
  override fire<K extends keyof VoiceEngineEvents>(event: K, ...args: VoiceEngineEvents[K]): void {
    super.fire(event, ...args);
  }

  guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.fireError(err);
    }
  }
}

function safeBool(fn: () => boolean): boolean {
  try {
    return fn();
  } catch {
    return false;
  }
}
