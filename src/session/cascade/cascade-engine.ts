/**
 * The cascade voice engine: push-to-talk audio → speech-to-text → a chat model streamed with
 * history and tools → each complete sentence to text-to-speech at once, audio queued in order.
 * Three OpenAI-compatible endpoints, each called through the `openai` client with a timeout and
 * no hidden retries, so every failure surfaces as one line within the timeout. One turn runs at a
 * time; a new turn (talk key, typed message) barges in: playback stops, the stream and pending
 * speech are aborted, and the history keeps only what the user heard. Notices wait for an idle
 * moment and go to the model once, marked as task updates from voice-orch.
 */
import OpenAI, { toFile } from 'openai';
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { SafeEmitter } from '../../shared/events.js';
import { toError } from '../../shared/errors.js';
import { BYTES_PER_MS } from '../../audio/types.js';
import { buildInstructions } from '../instructions.js';
import { NoticeQueue } from '../notice-queue.js';
import { TranscriptLog } from '../transcript-log.js';
import type { ConnectionState, NoticeMode, TaskNotice } from '../types.js';
import type { VoiceEngine, VoiceEngineEvents } from '../voice-engine.js';
import { TurnCost } from './cascade-cost.js';
import { CascadeLatencyLog, TurnMarks } from './cascade-latency.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, fetchWithConnectTimeout } from './connect-timeout.js';
import { runChatRound } from './chat-round.js';
import { describeEndpointFailure, isOwnAbort, type EndpointKind, type EndpointRequest } from './endpoint-errors.js';
import { ChatHistory, chatTools } from './history.js';
import { DEFAULT_TIMEOUT_MS, type CascadeEndpoint, type CascadeEngineOptions } from './options.js';
import { SentenceSplitter } from './sentences.js';
import { SpokenReply } from './spoken-reply.js';
import { EspeakError, espeakSpeech, httpSpeech, type SpeechSynth } from './speech-synth.js';
import { pcm16ToWav } from './wav.js';

/** Shortest turn sent to speech-to-text. */
const MIN_TURN_MS = 100;
const MAX_TOOL_ROUNDS = 4;
/** How a notice is marked in the history, so the model never takes it for the user's words. */
export const NOTICE_PREFIX = "Task update from voice-orch (not the user's words):";

type TurnInput = { kind: 'audio'; pcm: Buffer } | { kind: 'text'; text: string } | { kind: 'notice'; text: string };

interface Turn {
  seq: number;
  kind: TurnInput['kind'];
  ctrl: AbortController;
  marks: TurnMarks;
  cost: TurnCost;
}

/** The last answer: its speech and its history message, for a barge-in while it still plays. */
interface LastReply {
  reply: SpokenReply;
  message: ChatCompletionAssistantMessageParam | null;
  /** What was heard when a barge-in stopped playback (stopping forgets what was played). */
  heard?: string;
}

function client(e: CascadeEndpoint): OpenAI {
  // A placeholder key: local servers need none, and OpenAI answers a missing key with a 401 line.
  return new OpenAI({
    baseURL: e.url,
    apiKey: e.apiKey || 'none',
    maxRetries: 0,
    timeout: e.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    fetch: fetchWithConnectTimeout(e.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS),
  });
}

/** The cascade implementation of {@link VoiceEngine}. */
export class CascadeEngine extends SafeEmitter<VoiceEngineEvents> implements VoiceEngine {
  private connection: ConnectionState = { kind: 'closed' };
  private readonly stt: OpenAI;
  private readonly llm: OpenAI;
  private readonly tts: SpeechSynth | null;
  private readonly notices: NoticeQueue;
  private readonly transcript: TranscriptLog;
  private readonly latency: CascadeLatencyLog;
  private readonly history: ChatHistory;
  private readonly executedCalls = new Set<string>();
  private talking = false;
  private turnAudio: Buffer[] = [];
  private turn: Turn | null = null;
  /** The answers of the current (or last) turn, one per chat round. */
  private replies: LastReply[] = [];
  private seq = 0;
  private sessionUsd = 0;
  private closed = false;

  constructor(private readonly opts: CascadeEngineOptions) {
    super();
    this.stt = client(opts.stt);
    this.llm = client(opts.llm);
    const audioOn = !['disabled', 'unavailable'].includes(opts.audio.status().kind);
    const t = opts.tts;
    this.tts =
      !t || !audioOn
        ? null
        : t.engine === 'espeak-ng'
          ? espeakSpeech(t.voice)
          : httpSpeech(client(t), t.model, t.voice);
    this.notices = new NoticeQueue(opts.noticeMode ?? 'speak', { earconBeforeNotice: opts.earconBeforeNotice });
    const onError = (err: Error): void => void this.emit('error', err);
    this.transcript = new TranscriptLog((e) => this.emit('transcript', e), opts.transcriptPath, onError);
    this.latency = new CascadeLatencyLog(opts.latencyLogPath, onError);
    this.history = new ChatHistory(opts.historyChars);
    opts.audio.on('started', this.onPlaybackStarted);
    opts.audio.on('drained', this.onPlaybackDrained);
  }

  state(): ConnectionState {
    return this.connection;
  }

  private readonly onPlaybackStarted = (): void => void this.emit('speaking', true);
  private readonly onPlaybackDrained = (): void => {
    this.emit('speaking', false);
    this.pumpNotices();
  };

  /** The chat history as it would be sent next (tests, diagnostics). */
  historyMessages(): readonly ChatCompletionMessageParam[] {
    return this.history.all();
  }

  start(): void {
    if (this.closed) return;
    this.setState({ kind: 'ready', sessionId: 'cascade', expiresAt: 0 });
  }

  talkStart(): void {
    this.bargeIn();
    this.talking = true;
    this.turnAudio = [];
  }

  appendAudio(pcm: Buffer): void {
    if (this.talking) this.turnAudio.push(pcm);
  }

  talkEnd(): void {
    if (!this.talking) return;
    this.talking = false;
    const pcm = Buffer.concat(this.turnAudio);
    this.turnAudio = [];
    if (pcm.length < MIN_TURN_MS * BYTES_PER_MS) {
      this.emit('info', 'Too short, nothing sent.');
      this.pumpNotices();
      return;
    }
    this.begin({ kind: 'audio', pcm });
  }

  talkDiscard(): void {
    this.talking = false;
    this.turnAudio = [];
    this.pumpNotices();
  }

  sendText(text: string): void {
    const trimmed = text.trim();
    if (!trimmed) return;
    this.bargeIn();
    this.begin({ kind: 'text', text: trimmed });
  }

  notify(notice: TaskNotice): void {
    const { action, earcon } = this.notices.push(notice);
    if (earcon) this.opts.audio.earcon(earcon);
    if (action === 'queued') this.pumpNotices();
  }

  setNoticeMode(mode: NoticeMode): void {
    this.notices.setMode(mode);
  }

  noticeMode(): NoticeMode {
    return this.notices.mode();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.turn?.ctrl.abort();
    this.turn = null;
    this.opts.audio.off('started', this.onPlaybackStarted);
    this.opts.audio.off('drained', this.onPlaybackDrained);
    this.setState({ kind: 'closed' });
    await Promise.allSettled([this.latency.close(), this.transcript.close()]);
  }

  private setState(s: ConnectionState): void {
    this.connection = s;
    this.emit('state', s);
  }

  /** Stops what the user would otherwise keep hearing, and keeps only the heard part. */
  private bargeIn(): void {
    const turn = this.turn;
    if (!turn && !this.opts.audio.isPlaying()) return;
    for (const last of this.replies) {
      last.heard = last.reply.heard();
      if (!last.message) {
        // The answer was still streaming: what was heard goes in now, before the next message.
        if (last.heard) last.message = this.history.push({ role: 'assistant', content: last.heard });
        continue;
      }
      if (last.heard) last.message.content = last.heard;
      else if (!last.message.tool_calls?.length) this.history.remove(last.message);
      else last.message.content = null;
    }
    this.replies = [];
    turn?.ctrl.abort();
    this.turn = null;
    void this.opts.audio.stop().catch((err: unknown) => this.emit('error', toError(err)));
  }

  private idle(): boolean {
    return !this.closed && !this.turn && !this.talking && !this.opts.isTalkHeld() && !this.opts.audio.isPlaying();
  }

  private pumpNotices(): void {
    if (!this.idle() || this.notices.mode() !== 'speak') return;
    const batch = this.notices.takeBatch();
    if (batch?.earcon) this.opts.audio.earcon(batch.earcon);
    if (batch) this.begin({ kind: 'notice', text: batch.text });
  }

  private begin(input: TurnInput): void {
    if (this.closed) return;
    const turn: Turn = {
      seq: ++this.seq,
      kind: input.kind,
      ctrl: new AbortController(),
      marks: new TurnMarks(),
      cost: new TurnCost(this.opts.prices),
    };
    this.turn = turn;
    this.replies = [];
    void this.runTurn(turn, input)
      .catch((err: unknown) => this.emit('error', toError(err)))
      .finally(() => {
        if (this.turn === turn) this.turn = null;
        const cost = turn.cost.stages();
        this.sessionUsd += cost.totalUsd;
        this.latency.append(turn.seq, input.kind, turn.marks, cost);
        this.emit('latency', turn.marks.snapshot());
        this.emit('cost', { sessionUsd: this.sessionUsd, lastTurnUsd: cost.totalUsd });
        this.pumpNotices();
      });
  }

  private request(kind: EndpointKind): EndpointRequest {
    const e = kind === 'speech-to-text' ? this.opts.stt : kind === 'chat' ? this.opts.llm : this.opts.tts;
    return { kind, url: e?.url ?? '', model: e?.model ?? '', timeoutMs: e?.timeoutMs ?? DEFAULT_TIMEOUT_MS };
  }

  private fail(kind: EndpointKind, err: unknown, what: string): void {
    if (err instanceof EspeakError) return void this.emit('info', `Speech (espeak-ng): ${err.message}. ${what}`);
    this.emit('info', `${describeEndpointFailure(this.request(kind), err)} ${what}`);
  }

  private async transcribe(turn: Turn, pcm: Buffer): Promise<string | null> {
    turn.marks.mark('sttRequest');
    try {
      const file = await toFile(pcm16ToWav(pcm), 'turn.wav', { type: 'audio/wav' });
      turn.cost.addStt(pcm.length / BYTES_PER_MS / 1000);
      const res = await this.stt.audio.transcriptions.create(
        { file, model: this.opts.stt.model, response_format: 'json' },
        { signal: turn.ctrl.signal },
      );
      turn.marks.mark('transcript');
      return res.text.trim();
    } catch (err) {
      if (!isOwnAbort(err) && !turn.ctrl.signal.aborted)
        this.fail('speech-to-text', err, 'Your spoken turn was not sent.');
      return null;
    }
  }

  private async runTurn(turn: Turn, input: TurnInput): Promise<void> {
    let content: string;
    if (input.kind === 'audio') {
      const words = await this.transcribe(turn, input.pcm);
      if (words === null) return;
      if (!words) {
        this.emit('info', 'Heard nothing; nothing sent.');
        return;
      }
      this.transcript.upsert({ id: `c${turn.seq}-user`, role: 'user', text: words, final: true, at: Date.now() });
      content = words;
    } else if (input.kind === 'text') {
      this.transcript.upsert({ id: `c${turn.seq}-user`, role: 'user', text: input.text, final: true, at: Date.now() });
      content = input.text;
    } else {
      this.transcript.upsert({
        id: `c${turn.seq}-notice`,
        role: 'notice',
        text: input.text,
        final: true,
        at: Date.now(),
      });
      content = `${NOTICE_PREFIX} ${input.text}`;
    }
    if (turn.ctrl.signal.aborted) return;
    const userMessage = this.history.push({ role: 'user', content });
    const maxRounds = this.opts.maxToolRounds ?? MAX_TOOL_ROUNDS;
    for (let round = 0; round <= maxRounds; round++) {
      const outcome = await this.round(turn, round, round < maxRounds);
      if (outcome === 'failed' && round === 0) this.history.remove(userMessage);
      if (outcome !== 'tools') return;
    }
    this.emit('info', `Stopped after ${maxRounds} rounds of tool calls in one turn.`);
  }

  /** One chat request and its speech. Returns how it ended. */
  private async round(
    turn: Turn,
    round: number,
    toolsAllowed: boolean,
  ): Promise<'done' | 'tools' | 'aborted' | 'failed'> {
    const signal = turn.ctrl.signal;
    const entryId = `c${turn.seq}-a${round}`;
    const splitter = new SentenceSplitter();
    const reply = new SpokenReply({
      synth: this.tts,
      timeoutMs: this.opts.tts?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      audio: this.opts.audio,
      signal,
      itemPrefix: entryId,
      onSpeechRequest: () => turn.marks.mark('speechRequest'),
      onFirstBytes: () => turn.marks.mark('firstSpeechBytes'),
      onFirstPlayback: () => turn.marks.mark('firstPlayback'),
      onFailure: (err) => this.fail('speech', err, 'The answer is shown as text only.'),
    });
    const last: LastReply = { reply, message: null };
    this.replies.push(last);
    const say = (pieces: string[]): void => {
      for (const p of pieces) {
        turn.marks.mark('firstSentence');
        // Only a speech endpoint costs money; the local espeak-ng voice is free.
        if (this.tts && this.opts.tts?.engine !== 'espeak-ng') turn.cost.addSpeech(p.length);
        reply.say(p);
      }
    };
    const board = this.opts.toolHost.taskBoard().summary;
    const tools = this.opts.toolHost.tools();
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: buildInstructions(tools) },
      { role: 'system', content: `Task board (from voice-orch): ${board}` },
      ...this.history.bounded(),
    ];
    const chatToolList = toolsAllowed ? chatTools(tools) : [];
    const result = await runChatRound({
      client: this.llm,
      model: this.opts.llm.model,
      messages,
      tools: chatToolList,
      timeoutMs: this.opts.llm.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      signal,
      onRequest: () => turn.marks.mark('chatRequest'),
      onText: (fragment) => {
        turn.marks.mark('firstToken');
        this.transcript.appendDelta(entryId, 'assistant', fragment, Date.now());
        say(splitter.push(fragment));
      },
    });
    const calledChars = result.kind === 'done' && result.toolCalls.length ? JSON.stringify(result.toolCalls).length : 0;
    const answered = result.text.length + calledChars;
    turn.cost.addChat(JSON.stringify(messages).length + JSON.stringify(chatToolList).length, answered);
    if (result.kind === 'aborted') {
      // The barge-in already put what was heard in the history (close() needs none).
      if (result.text) this.transcript.finalize(entryId, 'assistant', `${result.text} [interrupted]`, Date.now());
      return 'aborted';
    }
    if (result.kind === 'failed') {
      if (result.text) this.transcript.finalize(entryId, 'assistant', result.text, Date.now());
      const lost =
        turn.kind === 'notice'
          ? 'The task update was not spoken; the task table has it.'
          : 'Your turn was not sent; try again.';
      this.fail('chat', result.error, round === 0 ? lost : 'The answer stopped there.');
      return 'failed';
    }
    say(splitter.flush());
    if (result.text) this.transcript.finalize(entryId, 'assistant', result.text, Date.now());
    const calls = result.toolCalls.filter((c) => c.id && c.name);
    const message: ChatCompletionAssistantMessageParam = {
      role: 'assistant',
      content: result.text || null,
      ...(calls.length > 0
        ? {
            tool_calls: calls.map((c) => ({
              id: c.id,
              type: 'function' as const,
              function: { name: c.name, arguments: c.arguments },
            })),
          }
        : {}),
    };
    if (!message.content && !message.tool_calls) return 'done';
    this.history.push(message);
    last.message = message;
    if (calls.length === 0) {
      await reply.queued();
      return 'done';
    }
    for (const call of calls) {
      const output = this.executedCalls.has(call.id)
        ? 'This call already ran; its result was given before.'
        : await this.callTool(call.id, call.name, call.arguments);
      this.history.push({ role: 'tool', tool_call_id: call.id, content: output });
    }
    // A barge-in during the tools leaves their results in the history for the next turn.
    return signal.aborted ? 'aborted' : 'tools';
  }

  private async callTool(id: string, name: string, args: string): Promise<string> {
    this.executedCalls.add(id);
    this.transcript.upsert({ id: `tool-${id}`, role: 'tool', text: name, final: true, at: Date.now() });
    return this.opts.toolHost.callTool(name, args, id);
  }
}
