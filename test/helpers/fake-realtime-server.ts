/* eslint-disable @typescript-eslint/no-explicit-any -- a JSON wire fake: events are loose JSON by nature */
/**
 * A faithful fake of the OpenAI Realtime API (GA shape) over WebSocket, for tests, benchmarks and
 * end-to-end runs. It enforces the rules of shared/reference/realtime-protocol.md (§12 checklist):
 * a client bug must not hide behind a lenient fake.
 *
 * Usage:
 *   const server = await FakeRealtimeServer.start({ replies: [{ text: 'Hello there.' }] });
 *   // connect to server.url + '?model=gpt-realtime' with `Authorization: Bearer test-key`
 *   const conn = await server.waitForConnection(1);
 *   ...
 *   expect(server.allErrors()).toEqual([]);
 *   await server.close();
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

/** One scripted model reply, popped per `response.create`. */
export interface ScriptedReply {
  /** Spoken (or, with output_modalities ["text"], written) text; emitted before any function call. */
  text?: string;
  /** Total assistant audio duration; default `msPerWord` × words. */
  audioMs?: number;
  /** Function calls emitted after the text (if any), each its own output item. */
  functionCalls?: { name: string; arguments: string | Record<string, unknown>; callId?: string }[];
  /** Response-level failure: `response.created` then `response.done` with status `failed`. */
  fail?: { code: string; message: string; type?: string };
  /** Destroy the TCP connection (client sees 1006) right after this many audio deltas. */
  dropAfterDeltas?: number;
  /** Pause between streamed deltas of this reply (overrides the server option). */
  deltaIntervalMs?: number;
}

export interface ReplyContext {
  connection: FakeConnection;
  /** The `response` object of the `response.create` event (or {} when absent). */
  request: any;
  /** Latest user text: scripted transcript of the last commit or text of the last user input_text item. */
  lastUserText?: string;
  /** User text that arrived since the previous response.create (typed or scripted transcript), if any. */
  newUserText?: string;
  /** function_call_output items created since the previous response.create. */
  lastToolOutputs: { callId: string; output: string }[];
  /** Text of system messages created since the previous response.create (e.g. task notifications). */
  newSystemTexts: string[];
  /** Effective instructions (per-response override or session). */
  instructions: string;
  /** Effective tool_choice. */
  toolChoice: unknown;
  /** Names of the effective function tools. */
  toolNames: string[];
  metadata: Record<string, string> | null;
}

export interface FakeRealtimeOptions {
  /** Expected API key (default 'test-key'). */
  apiKey?: string;
  /** Session lifetime; default 3_600_000 (60 min). At expiry: error session_expired, then close. */
  sessionLifetimeMs?: number;
  /** Close code after session_expired (UNVERIFIED on the real service; default 1001). */
  expiryCloseCode?: number;
  /** Delay between a valid commit and `input_audio_buffer.committed` (default 150). */
  committedDelayMs?: number;
  /** Delay of a commit_empty error after the commit (real: ~0.8–1 s; default 0 for fast tests). */
  commitErrorDelayMs?: number;
  /** Delay between commit and the first transcription event (default 500). */
  transcriptionDelayMs?: number;
  /**
   * Transcripts of the user's committed audio, popped per commit (default transcript: 'Hello.').
   * An entry `{ fail: {...} }` makes that commit's transcription fail
   * (`conversation.item.input_audio_transcription.failed`).
   */
  userTranscripts?: (string | ScriptedTranscriptFailure)[];
  defaultUserTranscript?: string;
  /** Scripted replies, popped per response.create. Empty → a short spoken "OK.". */
  replies?: ScriptedReply[];
  /** Called first on each response.create; return undefined to fall back to the queue. */
  replyFor?: (ctx: ReplyContext) => ScriptedReply | undefined;
  /** Allowed model ids. */
  models?: string[];
  /** Pause between streamed deltas (default 4 ms; 0 still yields to the event loop). */
  deltaIntervalMs?: number;
  /** Default spoken duration per word (default 70 ms). */
  msPerWord?: number;
  /** Delay of rate_limits.updated after response.done (default 40). */
  rateLimitDelayMs?: number;
  /** Token-per-minute bucket reported in rate_limits.updated (default 40_000). */
  tokensPerMinute?: number;
  /** Delay every server frame by this many ms (order preserved). Default 0. */
  frameDelayMs?: number;
  /** Server ping interval (default 20_000; 0 = off). */
  pingIntervalMs?: number;
  /**
   * Scripted function calls to tools the response does not offer (session/response `tools`,
   * `tool_choice`) are dropped, as a real model cannot call them (default true). A note is logged.
   */
  requireDeclaredTools?: boolean;
  /** Default voice in session.created (default 'alloy'). */
  defaultVoice?: string;
  /** Listen port (default 0 = random). Always binds 127.0.0.1. */
  port?: number;
  /** Observer for every received client event, error sent, note and lifecycle entry (CLI log). */
  onLog?: (entry: FakeLogEntry) => void;
  /** Also pass every sent server event to onLog (audio deltas elided). Default false. */
  logServerEvents?: boolean;
}

export interface ScriptedTranscriptFailure {
  fail: { code: string; message: string; type?: string };
}

export interface FakeLogEntry {
  at: number;
  conn: number;
  kind: 'client_event' | 'error_sent' | 'server_event' | 'note' | 'connection' | 'invalid_frame';
  data: any;
}

export const DEFAULT_MODELS = [
  'gpt-realtime',
  'gpt-realtime-1.5',
  'gpt-realtime-2',
  'gpt-realtime-2.1',
  'gpt-realtime-mini',
];

// ---------------------------------------------------------------------------------------------
// Constants and helpers
// ---------------------------------------------------------------------------------------------

const CLIENT_EVENT_TYPES = [
  'session.update',
  'input_audio_buffer.append',
  'input_audio_buffer.commit',
  'input_audio_buffer.clear',
  'conversation.item.create',
  'conversation.item.retrieve',
  'conversation.item.truncate',
  'conversation.item.delete',
  'response.create',
  'response.cancel',
];
const VOICES = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'sage', 'shimmer', 'verse', 'marin', 'cedar'];
const TRANSCRIBE_MODELS = [
  'whisper-1',
  'gpt-4o-mini-transcribe',
  'gpt-4o-mini-transcribe-2025-12-15',
  'gpt-4o-transcribe',
  'gpt-4o-transcribe-diarize',
  'gpt-transcribe',
  'gpt-live-transcribe',
  'gpt-realtime-whisper',
];
const BETA_SESSION_KEYS = new Set([
  'modalities',
  'voice',
  'speed',
  'input_audio_format',
  'output_audio_format',
  'input_audio_transcription',
  'input_audio_noise_reduction',
  'turn_detection',
  'temperature',
  'max_response_output_tokens',
]);
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function base62(n: number): string {
  const bytes = randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += BASE62[bytes[i]! % 62];
  return s;
}
const newId = (prefix: string): string => `${prefix}_${base62(21)}`;
const newCallId = (): string => `call_${base62(16 + (randomBytes(1)[0]! % 9))}`;

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}
function isObj(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function deepMerge(target: Record<string, any>, patch: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    // A union object whose `type` changes (e.g. server_vad → semantic_vad) is replaced, not merged.
    if (isObj(v) && isObj(out[k]) && (v.type === undefined || v.type === out[k].type)) out[k] = deepMerge(out[k], v);
    else out[k] = clone(v);
  }
  return out;
}
function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a decimal';
  if (typeof v === 'boolean') return 'a boolean';
  return 'a string';
}

interface VErr {
  code: string;
  message: string;
  param: string | null;
  type?: string;
}
const unknownParam = (p: string): VErr => ({
  code: 'unknown_parameter',
  message: `Unknown parameter: '${p}'.`,
  param: p,
});
const missingParam = (p: string): VErr => ({
  code: 'missing_required_parameter',
  message: `Missing required parameter: '${p}'.`,
  param: p,
});
const invalidValue = (p: string, v: unknown, allowed?: readonly unknown[]): VErr => ({
  code: 'invalid_value',
  message: allowed
    ? `Invalid value: '${typeof v === 'string' ? v : JSON.stringify(v)}'. Supported values are: ${allowed.map((a) => `'${String(a)}'`).join(', ')}.`
    : `Invalid value: '${typeof v === 'string' ? v : JSON.stringify(v)}'.`,
  param: p,
});
const invalidType = (p: string, expected: string, v: unknown): VErr => ({
  code: 'invalid_type',
  message: `Invalid type for '${p}': expected ${expected}, but got ${describe(v)} instead.`,
  param: p,
});

function checkKeys(obj: Record<string, any>, allowed: readonly string[], path: string): VErr | null {
  for (const k of Object.keys(obj)) if (!allowed.includes(k)) return unknownParam(`${path}.${k}`);
  return null;
}

function validateFormat(f: unknown, path: string): VErr | null {
  if (!isObj(f)) return invalidType(path, 'an object', f);
  const e = checkKeys(f, ['type', 'rate'], path);
  if (e) return e;
  if (f.type === undefined) return missingParam(`${path}.type`);
  if (!['audio/pcm', 'audio/pcmu', 'audio/pcma'].includes(f.type))
    return invalidValue(`${path}.type`, f.type, ['audio/pcm', 'audio/pcmu', 'audio/pcma']);
  if (f.type === 'audio/pcm' && f.rate !== undefined && f.rate !== 24000)
    return invalidValue(`${path}.rate`, f.rate, [24000]);
  if (f.type !== 'audio/pcm' && f.rate !== undefined) return unknownParam(`${path}.rate`);
  return null;
}

function validateTurnDetection(td: unknown, path: string): VErr | null {
  if (td === null) return null;
  if (!isObj(td)) return invalidType(path, 'an object', td);
  if (td.type === 'server_vad') {
    const e = checkKeys(
      td,
      [
        'type',
        'threshold',
        'prefix_padding_ms',
        'silence_duration_ms',
        'idle_timeout_ms',
        'create_response',
        'interrupt_response',
      ],
      path,
    );
    if (e) return e;
    if (td.threshold !== undefined && (typeof td.threshold !== 'number' || td.threshold < 0 || td.threshold > 1))
      return invalidValue(`${path}.threshold`, td.threshold);
    return null;
  }
  if (td.type === 'semantic_vad') {
    const e = checkKeys(td, ['type', 'eagerness', 'create_response', 'interrupt_response'], path);
    if (e) return e;
    if (td.eagerness !== undefined && !['low', 'medium', 'high', 'auto'].includes(td.eagerness))
      return invalidValue(`${path}.eagerness`, td.eagerness, ['low', 'medium', 'high', 'auto']);
    return null;
  }
  if (td.type === undefined) return missingParam(`${path}.type`);
  return invalidValue(`${path}.type`, td.type, ['server_vad', 'semantic_vad']);
}

function validateVoice(v: unknown, path: string): VErr | null {
  if (typeof v === 'string') return VOICES.includes(v) ? null : invalidValue(path, v, VOICES);
  if (isObj(v) && typeof v.id === 'string' && Object.keys(v).length === 1) return null;
  return invalidValue(path, v, VOICES);
}

function validateTools(tools: unknown, path: string): VErr | null {
  if (!Array.isArray(tools)) return invalidType(path, 'an array', tools);
  for (let i = 0; i < tools.length; i++) {
    const t = tools[i];
    const p = `${path}[${i}]`;
    if (!isObj(t)) return invalidType(p, 'an object', t);
    if (t.type === 'mcp') continue;
    if (t.type !== 'function') return invalidValue(`${p}.type`, t.type, ['function', 'mcp']);
    const e = checkKeys(t, ['type', 'name', 'description', 'parameters'], p);
    if (e) return e;
    if (typeof t.name !== 'string' || t.name === '') return missingParam(`${p}.name`);
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(t.name)) return invalidValue(`${p}.name`, t.name);
    if (t.parameters !== undefined && !isObj(t.parameters))
      return invalidType(`${p}.parameters`, 'an object', t.parameters);
  }
  return null;
}

function validateToolChoice(tc: unknown, path: string): VErr | null {
  if (typeof tc === 'string')
    return ['auto', 'none', 'required'].includes(tc) ? null : invalidValue(path, tc, ['auto', 'none', 'required']);
  if (isObj(tc)) {
    if (tc.type === 'function') {
      const e = checkKeys(tc, ['type', 'name'], path);
      if (e) return e;
      return typeof tc.name === 'string' ? null : missingParam(`${path}.name`);
    }
    if (tc.type === 'mcp') return null;
    return invalidValue(`${path}.type`, tc.type, ['function', 'mcp']);
  }
  return invalidType(path, 'a string or an object', tc);
}

function validateModalities(m: unknown, path: string): VErr | null {
  if (!Array.isArray(m)) return invalidType(path, 'an array', m);
  if (m.length !== 1 || (m[0] !== 'audio' && m[0] !== 'text'))
    return invalidValue(
      path,
      m,
      [['audio'], ['text']].map((x) => JSON.stringify(x)),
    );
  return null;
}

function validateMaxTokens(v: unknown, path: string): VErr | null {
  if (v === 'inf') return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 4096) return invalidValue(path, v);
  return null;
}

function validateSession(s: Record<string, any>, model: string, current: Record<string, any>): VErr | null {
  if (s.type === undefined) return missingParam('session.type');
  if (s.type !== 'realtime') return invalidValue('session.type', s.type, ['realtime']);
  const reasoning = model.startsWith('gpt-realtime-2');
  const allowed = [
    'type',
    'instructions',
    'output_modalities',
    'audio',
    'tools',
    'tool_choice',
    'max_output_tokens',
    'tracing',
    'truncation',
    'prompt',
    'include',
    'model',
    ...(reasoning ? ['reasoning', 'parallel_tool_calls'] : []),
  ];
  let e = checkKeys(s, allowed, 'session');
  if (e) return e;
  if (s.model !== undefined && s.model !== model) return invalidValue('session.model', s.model, [model]);
  if (s.instructions !== undefined && typeof s.instructions !== 'string')
    return invalidType('session.instructions', 'a string', s.instructions);
  if (s.output_modalities !== undefined && (e = validateModalities(s.output_modalities, 'session.output_modalities')))
    return e;
  if (s.tools !== undefined && (e = validateTools(s.tools, 'session.tools'))) return e;
  if (s.tool_choice !== undefined && (e = validateToolChoice(s.tool_choice, 'session.tool_choice'))) return e;
  if (s.max_output_tokens !== undefined && (e = validateMaxTokens(s.max_output_tokens, 'session.max_output_tokens')))
    return e;
  if (s.truncation !== undefined) {
    const t = s.truncation;
    if (typeof t === 'string') {
      if (!['auto', 'disabled'].includes(t)) return invalidValue('session.truncation', t, ['auto', 'disabled']);
    } else if (isObj(t)) {
      if (t.type !== 'retention_ratio') return invalidValue('session.truncation.type', t.type, ['retention_ratio']);
      if ((e = checkKeys(t, ['type', 'retention_ratio', 'token_limits'], 'session.truncation'))) return e;
      if (typeof t.retention_ratio !== 'number' || t.retention_ratio < 0 || t.retention_ratio > 1)
        return invalidValue('session.truncation.retention_ratio', t.retention_ratio);
    } else return invalidType('session.truncation', 'a string or an object', t);
  }
  if (s.include !== undefined && s.include !== null) {
    if (!Array.isArray(s.include)) return invalidType('session.include', 'an array', s.include);
    for (const x of s.include)
      if (x !== 'item.input_audio_transcription.logprobs')
        return invalidValue('session.include', x, ['item.input_audio_transcription.logprobs']);
  }
  if (s.audio !== undefined) {
    const a = s.audio;
    if (!isObj(a)) return invalidType('session.audio', 'an object', a);
    if ((e = checkKeys(a, ['input', 'output'], 'session.audio'))) return e;
    if (a.input !== undefined) {
      const i = a.input;
      const p = 'session.audio.input';
      if (!isObj(i)) return invalidType(p, 'an object', i);
      if ((e = checkKeys(i, ['format', 'transcription', 'noise_reduction', 'turn_detection'], p))) return e;
      if (i.format !== undefined && (e = validateFormat(i.format, `${p}.format`))) return e;
      if (i.transcription !== undefined && i.transcription !== null) {
        const t = i.transcription;
        if (!isObj(t)) return invalidType(`${p}.transcription`, 'an object', t);
        if ((e = checkKeys(t, ['model', 'language', 'prompt'], `${p}.transcription`))) return e;
        if (t.model !== undefined && !TRANSCRIBE_MODELS.includes(t.model))
          return invalidValue(`${p}.transcription.model`, t.model, TRANSCRIBE_MODELS);
        if (t.language !== undefined && (typeof t.language !== 'string' || !/^[a-z]{2,3}$/.test(t.language)))
          return invalidValue(`${p}.transcription.language`, t.language);
      }
      if (i.noise_reduction !== undefined && i.noise_reduction !== null) {
        const n = i.noise_reduction;
        if (!isObj(n)) return invalidType(`${p}.noise_reduction`, 'an object', n);
        if ((e = checkKeys(n, ['type'], `${p}.noise_reduction`))) return e;
        if (!['near_field', 'far_field'].includes(n.type))
          return invalidValue(`${p}.noise_reduction.type`, n.type, ['near_field', 'far_field']);
      }
      if (i.turn_detection !== undefined && (e = validateTurnDetection(i.turn_detection, `${p}.turn_detection`)))
        return e;
    }
    if (a.output !== undefined) {
      const o = a.output;
      const p = 'session.audio.output';
      if (!isObj(o)) return invalidType(p, 'an object', o);
      if ((e = checkKeys(o, ['format', 'voice', 'speed'], p))) return e;
      if (o.format !== undefined && (e = validateFormat(o.format, `${p}.format`))) return e;
      if (o.voice !== undefined && (e = validateVoice(o.voice, `${p}.voice`))) return e;
      if (o.speed !== undefined && (typeof o.speed !== 'number' || o.speed < 0.25 || o.speed > 1.5))
        return invalidValue(`${p}.speed`, o.speed);
    }
  }
  void current;
  return null;
}

function bytesPerMs(format: any): number {
  return format?.type === 'audio/pcmu' || format?.type === 'audio/pcma' ? 8 : 48;
}

/** A quiet 440 Hz PCM16 LE tone, continuing phase from `startSample`. */
function tone(samples: number, startSample: number): Buffer {
  const buf = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    const v = Math.round(600 * Math.sin((2 * Math.PI * 440 * (startSample + i)) / 24000));
    buf.writeInt16LE(v, i * 2);
  }
  return buf;
}

function rms16(buf: Buffer): number {
  const n = Math.floor(buf.length / 2);
  if (n === 0) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = buf.readInt16LE(i * 2) / 32768;
    sum += v * v;
  }
  return Math.sqrt(sum / n);
}

const tokensOfText = (s: string): number => Math.ceil(s.length / 4);
const obfuscation = (): string => base62(8 + (randomBytes(1)[0]! % 8));

function waitMs(ms: number): Promise<void> {
  return new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));
}

function defaultSession(model: string, expiresAt: number, voice: string): Record<string, any> {
  return {
    type: 'realtime',
    object: 'realtime.session',
    id: newId('sess'),
    model,
    output_modalities: ['audio'],
    instructions:
      "Your knowledge cutoff is 2023-10. You are a helpful, witty, and friendly AI. Act like a human, but remember that you aren't a human.",
    tools: [],
    tool_choice: 'auto',
    max_output_tokens: 'inf',
    tracing: null,
    truncation: 'auto',
    prompt: null,
    expires_at: expiresAt,
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: 24000 },
        transcription: null,
        noise_reduction: null,
        turn_detection: {
          type: 'server_vad',
          threshold: 0.5,
          prefix_padding_ms: 300,
          silence_duration_ms: 200,
          idle_timeout_ms: null,
          create_response: true,
          interrupt_response: true,
        },
      },
      output: { format: { type: 'audio/pcm', rate: 24000 }, voice, speed: 1.0 },
    },
    include: null,
  };
}

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

/** What the fake recorded about one response. */
export interface FakeResponseRecord {
  id: string;
  /** The client's event_id of the response.create (null for VAD-created responses). */
  eventId: string | null;
  request: any;
  instructions: string;
  toolChoice: unknown;
  metadata: Record<string, string> | null;
  conversation: 'auto' | 'none';
  reply: ScriptedReply;
  status: 'pending' | 'in_progress' | 'completed' | 'cancelled' | 'failed' | 'incomplete' | 'dropped';
  audioDeltas: number;
  usage: any;
}

interface ActiveItem {
  item: any;
  outputIndex: number;
  kind: 'message' | 'function_call';
  partAdded: boolean;
  transcript: string;
  audioBytes: number;
}

interface RunState {
  record: FakeResponseRecord;
  ended: boolean;
  output: any[];
  current: ActiveItem | null;
  modality: 'audio' | 'text';
  voice: unknown;
  format: any;
  maxOutputTokens: unknown;
  inputUsage: { text: number; audio: number };
  outAudioMs: number;
  outTextTokens: number;
  startAfter: Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Connection
// ---------------------------------------------------------------------------------------------

export class FakeConnection {
  readonly id: number;
  readonly model: string;
  readonly connectedAt = Date.now();
  /** How the client authenticated: 'header', 'subprotocol' or 'none'. */
  authMethod: 'header' | 'subprotocol' | 'none' = 'none';
  /** The raw upgrade request (url, headers). */
  readonly requestUrl: string;
  readonly requestHeaders: Record<string, string | string[] | undefined>;
  /** Every parsed client event with its receive time. */
  readonly received: { at: number; event: any }[] = [];
  /** Frames that were not valid JSON objects / were binary. */
  readonly invalidFrames: { at: number; binary: boolean; text: string }[] = [];
  /** Every `error` event the fake sent on this connection. */
  readonly errorsSent: any[] = [];
  /** Every server event sent (including errors), with send time. */
  readonly sent: { at: number; event: any }[] = [];
  /** The conversation, in order (default conversation only). `previousItemId()` gives the links. */
  readonly items: any[] = [];
  readonly truncations: { itemId: string; contentIndex: number; audioEndMs: number; at: number }[] = [];
  /** Diagnostics about client behaviour that is legal but suspicious (e.g. server VAD left on). */
  readonly notes: string[] = [];
  readonly responses: FakeResponseRecord[] = [];
  /** The effective session (what the last session.created/updated carried). */
  session: any;
  closed = false;
  closeCode: number | null = null;
  closeReason = '';
  activeResponseId: string | null = null;
  /** True once any assistant audio was sent (voice is locked after that). */
  audioProduced = false;
  frameDelayMs: number;

  /** @internal */ ws: WebSocket | null = null;
  /** @internal */ socket: Duplex | null = null;
  private readonly server: FakeRealtimeServer;
  private readonly opts: Required<Pick<FakeRealtimeOptions, 'committedDelayMs' | 'transcriptionDelayMs'>> &
    FakeRealtimeOptions;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly conversationId = newId('conv');
  private bufferBytes = 0;
  private bufferChunks: Buffer[] = [];
  private totalAppendedMs = 0;
  private readonly knownCallIds = new Set<string>();
  private readonly itemAudioMs = new Map<string, number>();
  private lastUserText: string | undefined;
  private newUserText: string | undefined;
  private newSystemTexts: string[] = [];
  private toolOutputsSinceResponse: { callId: string; output: string }[] = [];
  private pendingCommits: Promise<void> = Promise.resolve();
  private active: RunState | null = null;
  private readonly outOfBand = new Set<RunState>();
  private outQueue: Promise<void> = Promise.resolve();
  private outQueued = 0;
  private lastInputTotal = 0;
  private vad = { speaking: false, silenceMs: 0, itemId: '' };
  private noted = new Set<string>();

  /** @internal */
  constructor(server: FakeRealtimeServer, id: number, model: string, req: IncomingMessage, opts: FakeRealtimeOptions) {
    this.server = server;
    this.id = id;
    this.model = model;
    this.requestUrl = req.url ?? '';
    this.requestHeaders = { ...req.headers };
    this.opts = { committedDelayMs: 150, transcriptionDelayMs: 500, ...opts };
    this.frameDelayMs = opts.frameDelayMs ?? 0;
  }

  // ----- knobs ------------------------------------------------------------------------------

  /** Destroy the TCP connection without a close frame (the client sees 1006). */
  drop(): void {
    if (this.closed) return;
    this.note('connection dropped by the fake (socket destroyed)');
    this.markClosed(1006, '');
    this.socket?.destroy();
  }

  /** Close with a close frame. */
  close(code = 1000, reason = ''): void {
    if (this.closed || !this.ws) return;
    this.ws.close(code, reason);
  }

  /** Send `error` session_expired and close, as at the 60-minute cap. */
  expire(): void {
    if (this.closed) return;
    this.sendError(
      {
        type: 'invalid_request_error',
        code: 'session_expired',
        message: 'Your session hit the maximum duration of 60 minutes.',
        param: null,
      },
      null,
    );
    this.closeAfterQueue(this.opts.expiryCloseCode ?? 1001, 'invalid_request_error.session_expired');
  }

  /** Send any `error` event; with `close`, close afterwards with reason `<type>.<code>`. */
  injectError(
    err: { code: string; message: string; type?: string; param?: string | null; event_id?: string | null },
    opts?: { close?: number },
  ): void {
    if (this.closed) return;
    const type = err.type ?? 'invalid_request_error';
    this.sendError({ type, code: err.code, message: err.message, param: err.param ?? null }, err.event_id ?? null);
    if (opts?.close !== undefined) this.closeAfterQueue(opts.close, `${type}.${err.code}`);
  }

  /** Send any raw server event (an `event_id` is added when missing). */
  sendRaw(event: Record<string, any>): void {
    this.send(event);
  }

  /** Delay every following server frame by `ms` (order preserved). */
  setFrameDelay(ms: number): void {
    this.frameDelayMs = ms;
  }

  /** The item before `itemId` in the conversation (null at the start; undefined if unknown). */
  previousItemId(itemId: string): string | null | undefined {
    const i = this.items.findIndex((it) => it.id === itemId);
    if (i < 0) return undefined;
    return i === 0 ? null : this.items[i - 1].id;
  }

  /** Received client events of one type. */
  eventsOfType(type: string): any[] {
    return this.received.filter((r) => r.event?.type === type).map((r) => r.event);
  }

  /** Sent server events of one type. */
  sentOfType(type: string): any[] {
    return this.sent.filter((r) => r.event?.type === type).map((r) => r.event);
  }

  /** Audio duration (ms) the fake holds for an assistant item (after truncation). */
  itemAudioDurationMs(itemId: string): number | undefined {
    return this.itemAudioMs.get(itemId);
  }

  // ----- lifecycle (internal) --------------------------------------------------------------

  /** @internal */
  attach(ws: WebSocket, socket: Duplex): void {
    this.ws = ws;
    this.socket = socket;
    ws.on('message', (data: RawData, isBinary: boolean) => this.onFrame(data, isBinary));
    ws.on('close', (code: number, reason: Buffer) => {
      this.markClosed(code, reason.toString());
    });
    ws.on('error', () => {
      /* socket errors end in 'close' */
    });
  }

  /** @internal Start a normal session: session.created, expiry timer, ping. */
  begin(): void {
    const lifetime = this.opts.sessionLifetimeMs ?? 3_600_000;
    const expiresAt = Math.floor((Date.now() + lifetime) / 1000);
    this.session = defaultSession(this.model, expiresAt, this.opts.defaultVoice ?? 'alloy');
    this.send({ type: 'session.created', session: clone(this.session) });
    this.later(lifetime, () => this.expire());
    const ping = this.opts.pingIntervalMs ?? 20_000;
    if (ping > 0) {
      const t = setInterval(() => {
        if (!this.closed && this.ws?.readyState === WebSocket.OPEN) this.ws.ping();
      }, ping);
      t.unref();
      this.timers.add(t);
    }
  }

  /** @internal Fatal connect-time error: error event then close. */
  reject(type: string, code: string, message: string, closeCode: number): void {
    this.sendError({ type, code, message, param: null }, null);
    this.closeAfterQueue(closeCode, `${type}.${code}`);
  }

  private markClosed(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closeCode = code;
    this.closeReason = reason;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.active) {
      this.active.ended = true;
      if (this.active.record.status === 'in_progress' || this.active.record.status === 'pending')
        this.active.record.status = 'dropped';
      this.active = null;
    }
    for (const r of this.outOfBand) r.ended = true;
    this.outOfBand.clear();
    this.server.log(this.id, 'connection', { event: 'closed', code, reason });
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) fn();
    }, ms);
    this.timers.add(t);
  }

  private note(text: string, once?: string): void {
    if (once) {
      if (this.noted.has(once)) return;
      this.noted.add(once);
    }
    this.notes.push(text);
    this.server.log(this.id, 'note', text);
  }

  // ----- sending ---------------------------------------------------------------------------

  private send(event: Record<string, any>): void {
    if (this.closed || !this.ws) return;
    const ev = event.event_id ? event : { type: event.type, event_id: newId('event'), ...event };
    if (this.frameDelayMs > 0 || this.outQueued > 0) {
      const delay = this.frameDelayMs;
      this.outQueued++;
      this.outQueue = this.outQueue
        .then(() => waitMs(delay))
        .then(() => {
          this.outQueued--;
          this.rawSend(ev);
        });
    } else this.rawSend(ev);
  }

  private rawSend(ev: Record<string, any>): void {
    if (this.closed || !this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    this.sent.push({ at: Date.now(), event: ev });
    if (this.opts.logServerEvents && ev.type !== 'error') {
      const logged =
        ev.type === 'response.output_audio.delta'
          ? { ...ev, delta: `<${Math.floor((ev.delta.length * 3) / 4)} bytes base64>` }
          : ev;
      this.server.log(this.id, 'server_event', logged);
    }
    if (ev.type === 'error') {
      this.errorsSent.push(ev);
      this.server.log(this.id, 'error_sent', ev);
    }
    this.ws.send(JSON.stringify(ev));
  }

  private closeAfterQueue(code: number, reason: string): void {
    void this.outQueue.then(() => {
      if (!this.closed && this.ws) this.ws.close(code, reason);
    });
  }

  private sendError(err: VErr & { type?: string }, clientEventId: string | null | undefined): void {
    this.send({
      type: 'error',
      error: {
        type: err.type ?? 'invalid_request_error',
        code: err.code,
        message: err.message,
        param: err.param,
        event_id: clientEventId ?? null,
      },
    });
  }

  // ----- receiving -------------------------------------------------------------------------

  private onFrame(data: RawData, isBinary: boolean): void {
    if (this.closed) return;
    const at = Date.now();
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (isBinary) {
      this.invalidFrames.push({ at, binary: true, text: `<${buf.length} bytes>` });
      this.server.log(this.id, 'invalid_frame', { binary: true, bytes: buf.length });
      this.sendError(
        {
          code: 'invalid_event',
          message: 'Binary frames are not supported. Send events as JSON text frames.',
          param: null,
        },
        null,
      );
      return;
    }
    const text = buf.toString('utf8');
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch (err) {
      this.invalidFrames.push({ at, binary: false, text: text.slice(0, 2000) });
      this.server.log(this.id, 'invalid_frame', { binary: false, text: text.slice(0, 500) });
      this.sendError(
        {
          code: 'invalid_json',
          message: `We were unable to parse your JSON event: ${(err as Error).message}. Please check that your event is valid JSON.`,
          param: null,
        },
        null,
      );
      return;
    }
    if (!isObj(event)) {
      this.invalidFrames.push({ at, binary: false, text: text.slice(0, 2000) });
      this.server.log(this.id, 'invalid_frame', { binary: false, text: text.slice(0, 500) });
      this.sendError({ code: 'invalid_event', message: 'Expected a JSON object as the event.', param: null }, null);
      return;
    }
    this.received.push({ at, event });
    this.server.onClientEvent(this, event, at);
    const eventId = typeof event.event_id === 'string' ? event.event_id : null;
    if (event.event_id !== undefined && typeof event.event_id !== 'string') {
      this.sendError(invalidType('event_id', 'a string', event.event_id), null);
      return;
    }
    if (event.type === undefined) {
      this.sendError(missingParam('type'), eventId);
      return;
    }
    if (typeof event.type !== 'string' || !CLIENT_EVENT_TYPES.includes(event.type)) {
      this.sendError(invalidValue('type', event.type, CLIENT_EVENT_TYPES), eventId);
      return;
    }
    try {
      this.dispatch(event, eventId);
    } catch (err) {
      this.note(`fake internal error handling ${event.type}: ${(err as Error).stack ?? String(err)}`);
      this.sendError(
        {
          type: 'server_error',
          code: 'server_error',
          message: 'The server had an error while processing your request.',
          param: null,
        },
        eventId,
      );
    }
  }

  private dispatch(ev: Record<string, any>, eventId: string | null): void {
    switch (ev.type) {
      case 'session.update':
        return this.onSessionUpdate(ev, eventId);
      case 'input_audio_buffer.append':
        return this.onAppend(ev, eventId);
      case 'input_audio_buffer.commit':
        return this.onCommit(eventId);
      case 'input_audio_buffer.clear':
        this.bufferBytes = 0;
        this.bufferChunks = [];
        this.vad.speaking = false;
        this.send({ type: 'input_audio_buffer.cleared' });
        return;
      case 'conversation.item.create':
        return this.onItemCreate(ev, eventId);
      case 'conversation.item.retrieve':
        return this.onItemRetrieve(ev, eventId);
      case 'conversation.item.delete':
        return this.onItemDelete(ev, eventId);
      case 'conversation.item.truncate':
        return this.onTruncate(ev, eventId);
      case 'response.create':
        return this.onResponseCreate(ev, eventId, false);
      case 'response.cancel':
        return this.onResponseCancel(ev, eventId);
    }
  }

  // ----- session ---------------------------------------------------------------------------

  private onSessionUpdate(ev: Record<string, any>, eventId: string | null): void {
    const e0 = checkKeys(ev, ['type', 'event_id', 'session'], 'event');
    if (e0)
      return this.sendError(
        { ...e0, param: e0.param!.replace(/^event\./, ''), message: e0.message.replace("'event.", "'") },
        eventId,
      );
    const s = ev.session;
    if (s === undefined) return this.sendError(missingParam('session'), eventId);
    if (!isObj(s)) return this.sendError(invalidType('session', 'an object', s), eventId);
    const err = validateSession(s, this.model, this.session);
    if (err) {
      const beta = Object.keys(s).find((k) => BETA_SESSION_KEYS.has(k));
      if (beta) this.note(`session.update used the beta key '${beta}' (rejected as unknown_parameter)`);
      return this.sendError(err, eventId);
    }
    const newVoice = s.audio?.output?.voice;
    if (
      newVoice !== undefined &&
      this.audioProduced &&
      JSON.stringify(newVoice) !== JSON.stringify(this.session.audio.output.voice)
    ) {
      return this.sendError(
        {
          code: 'invalid_value',
          message: "Cannot update a conversation's voice if assistant audio is present.",
          param: 'session.audio.output.voice',
        },
        eventId,
      );
    }
    const patch = { ...s };
    delete patch.model;
    this.session = deepMerge(this.session, patch);
    const tdNow = this.session.audio?.input?.turn_detection;
    if (isObj(tdNow)) {
      // The service reports the full effective object, defaults filled in.
      this.session.audio.input.turn_detection =
        tdNow.type === 'semantic_vad'
          ? { type: 'semantic_vad', eagerness: 'auto', create_response: true, interrupt_response: true, ...tdNow }
          : {
              type: 'server_vad',
              threshold: 0.5,
              prefix_padding_ms: 300,
              silence_duration_ms: 500,
              idle_timeout_ms: null,
              create_response: true,
              interrupt_response: true,
              ...tdNow,
            };
    }
    const td = this.session.audio?.input?.turn_detection;
    if (td)
      this.note(
        `session keeps turn_detection ${td.type} (server VAD commits and answers on its own)`,
        'vad-after-update',
      );
    this.send({ type: 'session.updated', session: clone(this.session) });
  }

  // ----- input buffer ----------------------------------------------------------------------

  private onAppend(ev: Record<string, any>, eventId: string | null): void {
    if (ev.audio === undefined) return this.sendError(missingParam('audio'), eventId);
    if (typeof ev.audio !== 'string') return this.sendError(invalidType('audio', 'a string', ev.audio), eventId);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(ev.audio)) return this.sendError(invalidValue('audio', '<not base64>'), eventId);
    const bytes = Buffer.from(ev.audio, 'base64');
    if (bytes.length > 15 * 1024 * 1024)
      return this.sendError(invalidValue('audio', `<${bytes.length} bytes>`), eventId);
    const format = this.session.audio?.input?.format;
    const chunkMs = bytes.length / bytesPerMs(format);
    const startMs = this.totalAppendedMs;
    this.bufferBytes += bytes.length;
    this.bufferChunks.push(bytes);
    this.totalAppendedMs += chunkMs;
    const td = this.session.audio?.input?.turn_detection;
    if (td && format?.type !== 'audio/pcmu' && format?.type !== 'audio/pcma') this.vadStep(td, bytes, startMs, chunkMs);
  }

  /** Energy-based stand-in for server/semantic VAD (only when turn_detection is not null). */
  private vadStep(td: any, chunk: Buffer, startMs: number, chunkMs: number): void {
    this.note(
      'audio appended while turn_detection is not null: the fake runs server VAD (auto-commit, auto-response)',
      'vad-audio',
    );
    const threshold = 0.01 + 0.04 * (typeof td.threshold === 'number' ? td.threshold : 0.5);
    const speech = rms16(chunk) > threshold;
    const silenceNeeded =
      td.type === 'semantic_vad'
        ? (({ low: 8000, medium: 4000, high: 2000, auto: 4000 } as Record<string, number>)[td.eagerness ?? 'auto'] ??
          4000)
        : (td.silence_duration_ms ?? 500);
    if (speech) {
      this.vad.silenceMs = 0;
      if (!this.vad.speaking) {
        this.vad.speaking = true;
        this.vad.itemId = newId('item');
        this.send({
          type: 'input_audio_buffer.speech_started',
          audio_start_ms: Math.max(0, Math.floor(startMs - (td.prefix_padding_ms ?? 300))),
          item_id: this.vad.itemId,
        });
        if (td.interrupt_response !== false && this.active && this.active.record.status === 'in_progress') {
          this.finishCancelled(this.active, 'turn_detected');
        }
      }
    } else if (this.vad.speaking) {
      this.vad.silenceMs += chunkMs;
      if (this.vad.silenceMs >= silenceNeeded) {
        this.vad.speaking = false;
        this.send({
          type: 'input_audio_buffer.speech_stopped',
          audio_end_ms: Math.floor(startMs + chunkMs - this.vad.silenceMs),
          item_id: this.vad.itemId,
        });
        this.vad.silenceMs = 0;
        this.doCommit(this.vad.itemId);
        if (td.create_response !== false) this.onResponseCreate({ type: 'response.create' }, null, true);
      }
    }
  }

  private onCommit(eventId: string | null): void {
    const format = this.session.audio?.input?.format;
    const ms = this.bufferBytes / bytesPerMs(format);
    if (ms < 100) {
      const err: VErr = {
        code: 'input_audio_buffer_commit_empty',
        message: `Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has ${ms.toFixed(2)}ms of audio.`,
        param: null,
      };
      const delay = this.opts.commitErrorDelayMs ?? 0;
      if (delay > 0) this.later(delay, () => this.sendError(err, eventId));
      else this.sendError(err, eventId);
      return;
    }
    this.doCommit(this.vad.speaking ? this.vad.itemId : newId('item'));
    this.vad.speaking = false;
  }

  private doCommit(itemId: string): void {
    const format = this.session.audio?.input?.format;
    const ms = this.bufferBytes / bytesPerMs(format);
    this.bufferBytes = 0;
    this.bufferChunks = [];
    const scripted = this.server.popUserTranscript();
    const transcript = typeof scripted === 'string' ? scripted : '';
    if (typeof scripted === 'string') {
      this.lastUserText = transcript;
      this.newUserText = this.newUserText ? `${this.newUserText} ${transcript}` : transcript;
    }
    const item = {
      id: itemId,
      type: 'message',
      status: 'completed',
      role: 'user',
      content: [{ type: 'input_audio', transcript: null }],
    };
    this.items.push(item);
    this.itemAudioMs.set(itemId, ms);
    const prev = this.previousItemId(itemId) ?? null;
    const transcription = this.session.audio?.input?.transcription;
    const snapshot = clone(item);
    const done = new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        if (!this.closed) {
          this.send({ type: 'input_audio_buffer.committed', previous_item_id: prev, item_id: itemId });
          this.send({ type: 'conversation.item.added', previous_item_id: prev, item: snapshot });
          this.send({ type: 'conversation.item.done', previous_item_id: prev, item: snapshot });
        }
        resolve();
      }, this.opts.committedDelayMs);
      this.timers.add(t);
    });
    this.pendingCommits = Promise.all([this.pendingCommits, done]).then(() => undefined);
    if (transcription) {
      const model: string = transcription.model ?? 'whisper-1';
      this.later(this.opts.committedDelayMs + this.opts.transcriptionDelayMs, () => {
        if (typeof scripted !== 'string') {
          this.send({
            type: 'conversation.item.input_audio_transcription.failed',
            item_id: itemId,
            content_index: 0,
            error: {
              type: scripted.fail.type ?? 'transcription_error',
              code: scripted.fail.code,
              message: scripted.fail.message,
              param: null,
            },
          });
          return;
        }
        if (model !== 'whisper-1') {
          const words = transcript.split(/(?<=\s)/);
          for (let i = 0; i < words.length; i += 2) {
            this.send({
              type: 'conversation.item.input_audio_transcription.delta',
              item_id: itemId,
              content_index: 0,
              delta: words.slice(i, i + 2).join(''),
              obfuscation: obfuscation(),
            });
          }
        }
        const stored = this.items.find((it) => it.id === itemId);
        if (stored) stored.content[0].transcript = transcript;
        const audioTokens = Math.ceil(ms / 100);
        const outTokens = tokensOfText(transcript);
        this.send({
          type: 'conversation.item.input_audio_transcription.completed',
          item_id: itemId,
          content_index: 0,
          transcript,
          usage:
            model === 'whisper-1'
              ? { type: 'duration', seconds: Math.max(1, Math.round(ms / 1000)) }
              : {
                  type: 'tokens',
                  total_tokens: audioTokens + outTokens,
                  input_tokens: audioTokens,
                  input_token_details: { text_tokens: 0, audio_tokens: audioTokens },
                  output_tokens: outTokens,
                },
        });
      });
    }
  }

  // ----- conversation items ----------------------------------------------------------------

  private validateItem(item: unknown): VErr | null {
    if (item === undefined) return missingParam('item');
    if (!isObj(item)) return invalidType('item', 'an object', item);
    if (item.id !== undefined) {
      if (typeof item.id !== 'string') return invalidType('item.id', 'a string', item.id);
      if (this.items.some((it) => it.id === item.id))
        return { code: 'invalid_value', message: `Item with id '${item.id}' already exists.`, param: 'item.id' };
    }
    const type = item.type ?? 'message';
    if (type === 'message') {
      const e = checkKeys(item, ['id', 'type', 'object', 'status', 'role', 'content'], 'item');
      if (e) return e;
      if (item.role === undefined) return missingParam('item.role');
      if (!['system', 'user', 'assistant'].includes(item.role))
        return invalidValue('item.role', item.role, ['system', 'user', 'assistant']);
      if (item.content === undefined) return missingParam('item.content');
      if (!Array.isArray(item.content)) return invalidType('item.content', 'an array', item.content);
      const allowed =
        item.role === 'system'
          ? ['input_text']
          : item.role === 'assistant'
            ? ['output_text']
            : ['input_text', 'input_audio', 'input_image'];
      for (let i = 0; i < item.content.length; i++) {
        const c = item.content[i];
        const p = `item.content[${i}]`;
        if (!isObj(c)) return invalidType(p, 'an object', c);
        if (!allowed.includes(c.type)) return invalidValue(`${p}.type`, c.type, allowed);
        if (c.type === 'input_text' || c.type === 'output_text') {
          const ek = checkKeys(c, ['type', 'text'], p);
          if (ek) return ek;
          if (typeof c.text !== 'string')
            return c.text === undefined ? missingParam(`${p}.text`) : invalidType(`${p}.text`, 'a string', c.text);
        } else if (c.type === 'input_audio') {
          const ek = checkKeys(c, ['type', 'audio', 'transcript'], p);
          if (ek) return ek;
          if (typeof c.audio !== 'string')
            return c.audio === undefined ? missingParam(`${p}.audio`) : invalidType(`${p}.audio`, 'a string', c.audio);
        } else if (c.type === 'input_image') {
          const ek = checkKeys(c, ['type', 'image_url', 'detail'], p);
          if (ek) return ek;
          if (typeof c.image_url !== 'string') return missingParam(`${p}.image_url`);
        }
      }
      return null;
    }
    if (type === 'function_call_output') {
      const e = checkKeys(item, ['id', 'type', 'object', 'status', 'call_id', 'output'], 'item');
      if (e) return e;
      if (item.call_id === undefined) return missingParam('item.call_id');
      if (typeof item.call_id !== 'string') return invalidType('item.call_id', 'a string', item.call_id);
      if (item.output === undefined) return missingParam('item.output');
      if (typeof item.output !== 'string') return invalidType('item.output', 'a string', item.output);
      if (!this.knownCallIds.has(item.call_id))
        return {
          code: 'invalid_value',
          message: `Invalid value: '${item.call_id}'. No function call with this call_id exists in the conversation.`,
          param: 'item.call_id',
        };
      return null;
    }
    if (type === 'function_call') {
      const e = checkKeys(item, ['id', 'type', 'object', 'status', 'call_id', 'name', 'arguments'], 'item');
      if (e) return e;
      if (typeof item.name !== 'string') return missingParam('item.name');
      if (typeof item.arguments !== 'string')
        return item.arguments === undefined
          ? missingParam('item.arguments')
          : invalidType('item.arguments', 'a string', item.arguments);
      return null;
    }
    return invalidValue('item.type', type, ['message', 'function_call', 'function_call_output']);
  }

  private onItemCreate(ev: Record<string, any>, eventId: string | null): void {
    const e0 = checkKeys(ev, ['type', 'event_id', 'item', 'previous_item_id'], 'event');
    if (e0)
      return this.sendError(
        { ...e0, param: e0.param!.replace(/^event\./, ''), message: e0.message.replace("'event.", "'") },
        eventId,
      );
    const err = this.validateItem(ev.item);
    if (err) return this.sendError(err, eventId);
    let index = this.items.length;
    const prevReq = ev.previous_item_id;
    if (prevReq !== undefined && prevReq !== null) {
      if (prevReq === 'root') index = 0;
      else {
        const i = this.items.findIndex((it) => it.id === prevReq);
        if (i < 0)
          return this.sendError(
            {
              code: 'invalid_value',
              message: `Previous item with id '${String(prevReq)}' does not exist.`,
              param: 'previous_item_id',
            },
            eventId,
          );
        index = i + 1;
      }
    }
    const src = ev.item as Record<string, any>;
    const type = src.type ?? 'message';
    let item: any;
    if (type === 'message') {
      item = {
        id: src.id ?? newId('item'),
        type: 'message',
        status: 'completed',
        role: src.role,
        content: src.content.map((c: any) => {
          if (c.type === 'input_audio') return { type: 'input_audio', transcript: c.transcript ?? null };
          return clone(c);
        }),
      };
      if (src.role === 'user') {
        const text = src.content
          .filter((c: any) => c.type === 'input_text')
          .map((c: any) => c.text)
          .join(' ');
        if (text) {
          this.lastUserText = text;
          this.newUserText = this.newUserText ? `${this.newUserText} ${text}` : text;
        }
        const audio = src.content.find((c: any) => c.type === 'input_audio');
        if (audio) this.itemAudioMs.set(item.id, Buffer.from(audio.audio, 'base64').length / 48);
      }
      if (src.role === 'system') {
        const text = src.content.map((c: any) => c.text).join(' ');
        if (text) this.newSystemTexts.push(text);
      }
    } else if (type === 'function_call_output') {
      item = { id: src.id ?? newId('item'), type, status: 'completed', call_id: src.call_id, output: src.output };
      this.toolOutputsSinceResponse.push({ callId: src.call_id, output: src.output });
    } else {
      const callId = src.call_id ?? newCallId();
      item = {
        id: src.id ?? newId('item'),
        type,
        status: 'completed',
        call_id: callId,
        name: src.name,
        arguments: src.arguments,
      };
      this.knownCallIds.add(callId);
    }
    this.items.splice(index, 0, item);
    const prev = index === 0 ? null : this.items[index - 1].id;
    this.send({ type: 'conversation.item.added', previous_item_id: prev, item: clone(item) });
    this.send({ type: 'conversation.item.done', previous_item_id: prev, item: clone(item) });
  }

  private findItem(ev: Record<string, any>, eventId: string | null): any {
    if (ev.item_id === undefined) {
      this.sendError(missingParam('item_id'), eventId);
      return undefined;
    }
    const item = this.items.find((it) => it.id === ev.item_id);
    if (!item)
      this.sendError(
        {
          code: 'invalid_value',
          message: `Conversation item with id '${String(ev.item_id)}' not found.`,
          param: 'item_id',
        },
        eventId,
      );
    return item;
  }

  private onItemRetrieve(ev: Record<string, any>, eventId: string | null): void {
    const item = this.findItem(ev, eventId);
    if (item) this.send({ type: 'conversation.item.retrieved', item: clone(item) });
  }

  private onItemDelete(ev: Record<string, any>, eventId: string | null): void {
    const item = this.findItem(ev, eventId);
    if (!item) return;
    this.items.splice(this.items.indexOf(item), 1);
    this.send({ type: 'conversation.item.deleted', item_id: item.id });
  }

  private onTruncate(ev: Record<string, any>, eventId: string | null): void {
    const e0 = checkKeys(ev, ['type', 'event_id', 'item_id', 'content_index', 'audio_end_ms'], 'event');
    if (e0)
      return this.sendError(
        { ...e0, param: e0.param!.replace(/^event\./, ''), message: e0.message.replace("'event.", "'") },
        eventId,
      );
    if (ev.content_index === undefined) return this.sendError(missingParam('content_index'), eventId);
    if (ev.audio_end_ms === undefined) return this.sendError(missingParam('audio_end_ms'), eventId);
    if (typeof ev.audio_end_ms !== 'number' || !Number.isInteger(ev.audio_end_ms))
      return this.sendError(invalidType('audio_end_ms', 'an integer', ev.audio_end_ms), eventId);
    if (ev.audio_end_ms < 0) return this.sendError(invalidValue('audio_end_ms', ev.audio_end_ms), eventId);
    const item = this.findItem(ev, eventId);
    if (!item) return;
    const isAssistantAudio =
      item.type === 'message' &&
      item.role === 'assistant' &&
      this.itemAudioMs.has(item.id) &&
      !(item.content ?? []).some((c: any) => c.type === 'output_text');
    if (!isAssistantAudio)
      return this.sendError(
        { code: 'invalid_value', message: 'Only model output audio messages can be truncated', param: null },
        eventId,
      );
    if (ev.content_index !== 0) return this.sendError(invalidValue('content_index', ev.content_index, [0]), eventId);
    const dur = Math.floor(this.itemAudioMs.get(item.id) ?? 0);
    if (ev.audio_end_ms > dur)
      return this.sendError(
        {
          code: 'invalid_value',
          message: `Audio content of ${dur}ms is already shorter than ${ev.audio_end_ms}ms`,
          param: null,
        },
        eventId,
      );
    this.itemAudioMs.set(item.id, ev.audio_end_ms);
    this.truncations.push({
      itemId: item.id,
      contentIndex: ev.content_index,
      audioEndMs: ev.audio_end_ms,
      at: Date.now(),
    });
    for (const c of item.content ?? []) if (c.type === 'output_audio') c.transcript = '';
    this.send({
      type: 'conversation.item.truncated',
      item_id: item.id,
      content_index: ev.content_index,
      audio_end_ms: ev.audio_end_ms,
    });
  }

  // ----- responses -------------------------------------------------------------------------

  private onResponseCreate(ev: Record<string, any>, eventId: string | null, byVad: boolean): void {
    const e0 = checkKeys(ev, ['type', 'event_id', 'response'], 'event');
    if (e0)
      return this.sendError(
        { ...e0, param: e0.param!.replace(/^event\./, ''), message: e0.message.replace("'event.", "'") },
        eventId,
      );
    const r = ev.response ?? {};
    if (!isObj(r)) return this.sendError(invalidType('response', 'an object', r), eventId);
    let e = checkKeys(
      r,
      [
        'audio',
        'conversation',
        'input',
        'instructions',
        'max_output_tokens',
        'metadata',
        'output_modalities',
        'prompt',
        'tool_choice',
        'tools',
      ],
      'response',
    );
    if (e) return this.sendError(e, eventId);
    if (r.instructions !== undefined && typeof r.instructions !== 'string')
      return this.sendError(invalidType('response.instructions', 'a string', r.instructions), eventId);
    if (
      r.output_modalities !== undefined &&
      (e = validateModalities(r.output_modalities, 'response.output_modalities'))
    )
      return this.sendError(e, eventId);
    if (r.tools !== undefined && (e = validateTools(r.tools, 'response.tools'))) return this.sendError(e, eventId);
    if (r.tool_choice !== undefined && (e = validateToolChoice(r.tool_choice, 'response.tool_choice')))
      return this.sendError(e, eventId);
    if (r.max_output_tokens !== undefined && (e = validateMaxTokens(r.max_output_tokens, 'response.max_output_tokens')))
      return this.sendError(e, eventId);
    if (r.conversation !== undefined && r.conversation !== 'auto' && r.conversation !== 'none')
      return this.sendError(invalidValue('response.conversation', r.conversation, ['auto', 'none']), eventId);
    if (r.metadata !== undefined && r.metadata !== null) {
      if (!isObj(r.metadata)) return this.sendError(invalidType('response.metadata', 'an object', r.metadata), eventId);
      const entries = Object.entries(r.metadata);
      if (entries.length > 16) return this.sendError(invalidValue('response.metadata', '<more than 16 keys>'), eventId);
      for (const [k, v] of entries) {
        if (typeof v !== 'string') return this.sendError(invalidType(`response.metadata.${k}`, 'a string', v), eventId);
        if (k.length > 64 || v.length > 512) return this.sendError(invalidValue(`response.metadata.${k}`, v), eventId);
      }
    }
    if (r.audio !== undefined) {
      if (!isObj(r.audio)) return this.sendError(invalidType('response.audio', 'an object', r.audio), eventId);
      if ((e = checkKeys(r.audio, ['output'], 'response.audio'))) return this.sendError(e, eventId);
      const o = r.audio.output;
      if (o !== undefined) {
        if (!isObj(o)) return this.sendError(invalidType('response.audio.output', 'an object', o), eventId);
        if ((e = checkKeys(o, ['format', 'voice'], 'response.audio.output'))) return this.sendError(e, eventId);
        if (o.format !== undefined && (e = validateFormat(o.format, 'response.audio.output.format')))
          return this.sendError(e, eventId);
        if (o.voice !== undefined && (e = validateVoice(o.voice, 'response.audio.output.voice')))
          return this.sendError(e, eventId);
      }
    }
    const oob = r.conversation === 'none';
    if (byVad && this.active) {
      this.note('server VAD ended a turn while a response was active: no auto-response created');
      return;
    }
    if (!oob && this.active) {
      return this.sendError(
        {
          code: 'conversation_already_has_active_response',
          message: `Conversation already has an active response in progress: ${this.active.record.id}. Wait until the response is finished before creating a new one.`,
          param: null,
        },
        eventId,
      );
    }
    const instructions: string = r.instructions ?? this.session.instructions ?? '';
    const tools: any[] = r.tools ?? this.session.tools ?? [];
    const toolChoice = r.tool_choice ?? this.session.tool_choice ?? 'auto';
    const toolNames = tools.filter((t) => t.type === 'function').map((t) => t.name as string);
    const metadata = (r.metadata ?? null) as Record<string, string> | null;
    const ctx: ReplyContext = {
      connection: this,
      request: r,
      lastUserText: this.lastUserText,
      newUserText: this.newUserText,
      lastToolOutputs: this.toolOutputsSinceResponse,
      newSystemTexts: this.newSystemTexts,
      instructions,
      toolChoice,
      toolNames,
      metadata,
    };
    this.toolOutputsSinceResponse = [];
    this.newUserText = undefined;
    this.newSystemTexts = [];
    const reply = this.shapeReply(this.server.nextReply(ctx), toolChoice, toolNames);
    const record: FakeResponseRecord = {
      id: newId('resp'),
      eventId: byVad ? null : eventId,
      request: clone(r),
      instructions,
      toolChoice,
      metadata,
      conversation: oob ? 'none' : 'auto',
      reply,
      status: 'pending',
      audioDeltas: 0,
      usage: null,
    };
    this.responses.push(record);
    const modalities: string[] = r.output_modalities ?? this.session.output_modalities ?? ['audio'];
    const run: RunState = {
      record,
      ended: false,
      output: [],
      current: null,
      modality: modalities[0] === 'text' ? 'text' : 'audio',
      voice: r.audio?.output?.voice ?? this.session.audio?.output?.voice ?? 'alloy',
      format: r.audio?.output?.format ?? this.session.audio?.output?.format ?? { type: 'audio/pcm', rate: 24000 },
      maxOutputTokens: r.max_output_tokens ?? this.session.max_output_tokens ?? 'inf',
      inputUsage: this.measureInput(oob ? [] : this.items, instructions, tools),
      outAudioMs: 0,
      outTextTokens: 0,
      startAfter: this.pendingCommits,
    };
    if (oob) this.outOfBand.add(run);
    else {
      this.active = run;
      this.activeResponseId = record.id;
    }
    void this.runResponse(run);
  }

  /** Apply tool_choice and the declared tools to a scripted reply, as a real model would have to. */
  private shapeReply(reply: ScriptedReply, toolChoice: unknown, toolNames: string[]): ScriptedReply {
    const out: ScriptedReply = { ...reply };
    if (out.functionCalls?.length) {
      let calls = out.functionCalls;
      if (toolChoice === 'none') {
        this.note(`scripted function calls dropped: tool_choice is "none"`);
        calls = [];
      } else if (isObj(toolChoice) && toolChoice.type === 'function') {
        const kept = calls.filter((c) => c.name === toolChoice.name);
        if (kept.length !== calls.length)
          this.note(`scripted function calls not named ${toolChoice.name} dropped (tool_choice)`);
        calls = kept;
      }
      if (this.opts.requireDeclaredTools !== false) {
        const kept = calls.filter((c) => toolNames.includes(c.name));
        for (const c of calls)
          if (!toolNames.includes(c.name))
            this.note(
              `scripted call to undeclared tool '${c.name}' dropped (the model cannot call a tool it was not given)`,
            );
        calls = kept;
      }
      out.functionCalls = calls;
    }
    if (!out.fail && !out.text && !out.functionCalls?.length) out.text = 'OK.';
    if (toolChoice === 'required' && !out.fail && !out.functionCalls?.length)
      this.note(
        'tool_choice is "required" but the scripted reply has no function call (a real model would call a tool)',
      );
    return out;
  }

  private measureInput(items: any[], instructions: string, tools: any[]): { text: number; audio: number } {
    let text = tokensOfText(instructions) + (tools.length ? tokensOfText(JSON.stringify(tools)) : 0);
    let audio = 0;
    for (const it of items) {
      if (it.type === 'message') {
        for (const c of it.content ?? []) {
          if (c.type === 'input_text' || c.type === 'output_text') text += tokensOfText(c.text ?? '');
          else if (c.type === 'input_audio') audio += Math.ceil((this.itemAudioMs.get(it.id) ?? 0) / 100);
          else if (c.type === 'output_audio') audio += Math.ceil((this.itemAudioMs.get(it.id) ?? 0) / 50);
        }
      } else if (it.type === 'function_call') text += tokensOfText(`${it.name}${it.arguments}`);
      else if (it.type === 'function_call_output') text += tokensOfText(it.output ?? '');
    }
    return { text, audio };
  }

  private usageOf(run: RunState): any {
    const { text, audio } = run.inputUsage;
    const total = text + audio;
    const cached = Math.floor(Math.min(this.lastInputTotal, total) / 64) * 64;
    const cachedText = Math.min(text, cached);
    const cachedAudio = Math.min(audio, cached - cachedText);
    if (run.record.conversation === 'auto') this.lastInputTotal = total;
    const outAudio = Math.ceil(run.outAudioMs / 50);
    const outText = run.outTextTokens;
    return {
      total_tokens: total + outAudio + outText,
      input_tokens: total,
      output_tokens: outAudio + outText,
      input_token_details: {
        text_tokens: text,
        audio_tokens: audio,
        image_tokens: 0,
        cached_tokens: cachedText + cachedAudio,
        cached_tokens_details: { text_tokens: cachedText, audio_tokens: cachedAudio, image_tokens: 0 },
      },
      output_token_details: { text_tokens: outText, audio_tokens: outAudio },
    };
  }

  private responseObject(run: RunState, status: string, statusDetails: any, usage: any): any {
    return {
      object: 'realtime.response',
      id: run.record.id,
      status,
      status_details: statusDetails,
      output: clone(run.output),
      conversation_id: run.record.conversation === 'auto' ? this.conversationId : null,
      output_modalities: [run.modality],
      max_output_tokens: run.maxOutputTokens,
      audio: { output: { format: clone(run.format), voice: clone(run.voice) } },
      usage,
      metadata: run.record.metadata ? clone(run.record.metadata) : null,
    };
  }

  private async runResponse(run: RunState): Promise<void> {
    await run.startAfter;
    if (run.ended || this.closed) return;
    const reply = run.record.reply;
    const interval = reply.deltaIntervalMs ?? this.opts.deltaIntervalMs ?? 4;
    const tick = async (): Promise<boolean> => {
      await waitMs(interval);
      return !run.ended && !this.closed;
    };
    run.record.status = 'in_progress';
    this.send({ type: 'response.created', response: this.responseObject(run, 'in_progress', null, null) });
    if (!(await tick())) return;

    if (reply.fail) {
      this.finish(run, 'failed', {
        type: 'failed',
        error: { type: reply.fail.type ?? 'invalid_request_error', code: reply.fail.code, message: reply.fail.message },
      });
      return;
    }

    const inConv = run.record.conversation === 'auto';
    const rid = run.record.id;
    if (reply.text) {
      const item = {
        id: newId('item'),
        type: 'message',
        status: 'in_progress',
        role: 'assistant',
        content: [] as any[],
      };
      const cur = this.openOutputItem(run, rid, item, 'message');
      if (inConv) this.addAssistantItem(item);
      const base = { response_id: rid, item_id: item.id, output_index: cur.outputIndex, content_index: 0 };
      const words = reply.text.split(/(?<=\s)/).filter((w) => w.length > 0);
      if (run.modality === 'audio') {
        if (inConv) this.itemAudioMs.set(item.id, 0);
        this.send({ type: 'response.content_part.added', ...base, part: { type: 'audio', transcript: '' } });
        cur.partAdded = true;
        const totalMs = Math.max(
          10,
          Math.round(reply.audioMs ?? Math.max(1, reply.text.trim().split(/\s+/).length) * (this.opts.msPerWord ?? 70)),
        );
        const pattern = [80, 60, 100, 40];
        const chunks: number[] = [];
        for (let left = totalMs, k = 0; left > 0; k++) {
          const c = Math.min(left, pattern[k % pattern.length]!);
          chunks.push(c);
          left -= c;
        }
        // Keep every delta within 40–100 ms: fold a short remainder into its neighbour.
        if (chunks.length > 1 && chunks[chunks.length - 1]! < 40) {
          const sum = chunks.pop()! + chunks.pop()!;
          if (sum <= 100) chunks.push(sum);
          else chunks.push(Math.ceil(sum / 2), Math.floor(sum / 2));
        }
        let wordIdx = 0;
        let samples = 0;
        for (let i = 0; i < chunks.length; i++) {
          const wordsDue = Math.ceil(((i + 1) * words.length) / chunks.length);
          if (wordsDue > wordIdx) {
            const delta = words.slice(wordIdx, wordsDue).join('');
            wordIdx = wordsDue;
            cur.transcript += delta;
            run.outTextTokens = tokensOfText(cur.transcript);
            this.send({ type: 'response.output_audio_transcript.delta', ...base, delta, obfuscation: obfuscation() });
          }
          if (this.overBudget(run, chunks[i]!)) {
            this.closeMessageItem(run, 'incomplete');
            this.finish(run, 'incomplete', { type: 'incomplete', reason: 'max_output_tokens' });
            return;
          }
          const outBpm = bytesPerMs(run.format);
          let pcm: Buffer;
          if (outBpm === 48) {
            const n = Math.round((chunks[i]! * 24000) / 1000);
            pcm = tone(n, samples);
            samples += n;
          } else pcm = Buffer.alloc(chunks[i]! * 8, run.format?.type === 'audio/pcma' ? 0xd5 : 0xff);
          cur.audioBytes += pcm.length;
          run.outAudioMs += chunks[i]!;
          if (inConv) this.itemAudioMs.set(item.id, cur.audioBytes / outBpm);
          this.audioProduced = true;
          this.send({ type: 'response.output_audio.delta', ...base, delta: pcm.toString('base64') });
          run.record.audioDeltas++;
          if (reply.dropAfterDeltas !== undefined && run.record.audioDeltas >= reply.dropAfterDeltas) {
            this.drop();
            return;
          }
          if (!(await tick())) return;
        }
        this.closeMessageItem(run, 'completed');
      } else {
        this.send({ type: 'response.content_part.added', ...base, part: { type: 'text', text: '' } });
        cur.partAdded = true;
        for (let i = 0; i < words.length; i += 2) {
          const delta = words.slice(i, i + 2).join('');
          cur.transcript += delta;
          run.outTextTokens = tokensOfText(cur.transcript);
          this.send({ type: 'response.output_text.delta', ...base, delta });
          if (!(await tick())) return;
        }
        this.closeMessageItem(run, 'completed');
      }
      if (!(await tick())) return;
    }

    for (const call of reply.functionCalls ?? []) {
      const args = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
      const callId = call.callId ?? newCallId();
      const item = {
        id: newId('item'),
        type: 'function_call',
        status: 'in_progress',
        name: call.name,
        call_id: callId,
        arguments: '',
      };
      const cur = this.openOutputItem(run, rid, item, 'function_call');
      if (inConv) {
        this.knownCallIds.add(callId);
        this.addAssistantItem(item);
      }
      const base = { response_id: rid, item_id: item.id, output_index: cur.outputIndex, call_id: callId };
      const pieces = Math.min(3, Math.max(1, args.length));
      const size = Math.ceil(args.length / pieces);
      for (let i = 0; i < args.length; i += size) {
        const delta = args.slice(i, i + size);
        cur.transcript += delta;
        run.outTextTokens += tokensOfText(delta);
        this.send({ type: 'response.function_call_arguments.delta', ...base, delta });
        if (!(await tick())) return;
      }
      item.arguments = args;
      this.send({ type: 'response.function_call_arguments.done', ...base, name: call.name, arguments: args });
      item.status = 'completed';
      run.current = null;
      this.send({
        type: 'response.output_item.done',
        response_id: rid,
        output_index: cur.outputIndex,
        item: clone(item),
      });
      if (inConv) this.itemDone(item);
      if (!(await tick())) return;
    }
    this.finish(run, 'completed', null);
  }

  /** Starts an output item of a response: the run's current item, announced with output_item.added. */
  private openOutputItem(run: RunState, rid: string, item: any, kind: ActiveItem['kind']): ActiveItem {
    const cur: ActiveItem = {
      item,
      outputIndex: run.output.length,
      kind,
      partAdded: false,
      transcript: '',
      audioBytes: 0,
    };
    run.current = cur;
    run.output.push(item);
    this.send({
      type: 'response.output_item.added',
      response_id: rid,
      output_index: cur.outputIndex,
      item: clone(item),
    });
    return cur;
  }

  private addAssistantItem(item: any): void {
    this.items.push(item);
    const prev = this.previousItemId(item.id) ?? null;
    this.send({ type: 'conversation.item.added', previous_item_id: prev, item: clone(item) });
  }

  private itemDone(item: any): void {
    const prev = this.previousItemId(item.id);
    if (prev === undefined) return; // deleted meanwhile
    this.send({ type: 'conversation.item.done', previous_item_id: prev, item: clone(item) });
  }

  /** Emit the *.done events of the message item in flight. */
  private closeMessageItem(run: RunState, status: 'completed' | 'incomplete'): void {
    const cur = run.current;
    if (!cur || cur.kind !== 'message') return;
    const rid = run.record.id;
    const base = { response_id: rid, item_id: cur.item.id, output_index: cur.outputIndex, content_index: 0 };
    const audio = run.modality === 'audio';
    if (cur.partAdded) {
      if (audio) {
        this.send({ type: 'response.output_audio.done', ...base });
        this.send({ type: 'response.output_audio_transcript.done', ...base, transcript: cur.transcript });
        this.send({ type: 'response.content_part.done', ...base, part: { type: 'audio', transcript: cur.transcript } });
      } else {
        this.send({ type: 'response.output_text.done', ...base, text: cur.transcript });
        this.send({ type: 'response.content_part.done', ...base, part: { type: 'text', text: cur.transcript } });
      }
      cur.item.content = [
        audio ? { type: 'output_audio', transcript: cur.transcript } : { type: 'output_text', text: cur.transcript },
      ];
    }
    cur.item.status = status;
    run.current = null;
    this.send({
      type: 'response.output_item.done',
      response_id: rid,
      output_index: cur.outputIndex,
      item: clone(cur.item),
    });
    if (run.record.conversation === 'auto') this.itemDone(cur.item);
  }

  private finishCancelled(run: RunState, reason: 'client_cancelled' | 'turn_detected'): void {
    const cur = run.current;
    if (cur?.kind === 'message') this.closeMessageItem(run, 'incomplete');
    else if (cur?.kind === 'function_call') {
      cur.item.status = 'incomplete';
      cur.item.arguments = cur.transcript;
      run.current = null;
      this.send({
        type: 'response.output_item.done',
        response_id: run.record.id,
        output_index: cur.outputIndex,
        item: clone(cur.item),
      });
      if (run.record.conversation === 'auto') this.itemDone(cur.item);
    }
    this.finish(run, 'cancelled', { type: 'cancelled', reason });
  }

  /** True when emitting `nextAudioMs` more audio would exceed a numeric max_output_tokens. */
  private overBudget(run: RunState, nextAudioMs: number): boolean {
    if (typeof run.maxOutputTokens !== 'number') return false;
    const out = Math.ceil((run.outAudioMs + nextAudioMs) / 50) + run.outTextTokens;
    return out > run.maxOutputTokens;
  }

  private finish(run: RunState, status: 'completed' | 'cancelled' | 'failed' | 'incomplete', details: any): void {
    if (run.ended) return;
    run.ended = true;
    run.record.status = status;
    const usage = status === 'failed' ? null : this.usageOf(run);
    run.record.usage = usage;
    if (this.active === run) {
      this.active = null;
      this.activeResponseId = null;
    }
    this.outOfBand.delete(run);
    this.send({ type: 'response.done', response: this.responseObject(run, status, details, usage) });
    const used = usage?.total_tokens ?? 0;
    this.later(this.opts.rateLimitDelayMs ?? 40, () => {
      const limit = this.opts.tokensPerMinute ?? 40_000;
      const remaining =
        status === 'failed' && run.record.reply.fail?.code === 'rate_limit_exceeded'
          ? 0
          : this.server.consumeTokens(used, limit);
      const resetSeconds = Math.round(((limit - remaining) / limit) * 60 * 1000) / 1000;
      this.send({
        type: 'rate_limits.updated',
        rate_limits: [{ name: 'tokens', limit, remaining, reset_seconds: resetSeconds }],
      });
    });
  }

  private onResponseCancel(ev: Record<string, any>, eventId: string | null): void {
    const e0 = checkKeys(ev, ['type', 'event_id', 'response_id'], 'event');
    if (e0)
      return this.sendError(
        { ...e0, param: e0.param!.replace(/^event\./, ''), message: e0.message.replace("'event.", "'") },
        eventId,
      );
    let run: RunState | null = null;
    if (ev.response_id !== undefined) {
      if (this.active?.record.id === ev.response_id) run = this.active;
      else for (const r of this.outOfBand) if (r.record.id === ev.response_id) run = r;
    } else run = this.active;
    if (!run)
      return this.sendError(
        { code: 'response_cancel_not_active', message: 'Cancellation failed: no active response found', param: null },
        eventId,
      );
    if (run.record.status === 'pending') {
      // Not started yet (waiting for a commit): it still reports created + done cancelled.
      run.record.status = 'in_progress';
      this.send({ type: 'response.created', response: this.responseObject(run, 'in_progress', null, null) });
    }
    this.finishCancelled(run, 'client_cancelled');
  }
}

// ---------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------

interface ConnWaiter {
  n: number;
  resolve: (c: FakeConnection) => void;
}
interface EventWaiter {
  pred: (e: any, c: FakeConnection) => boolean;
  resolve: (e: any) => void;
}

export class FakeRealtimeServer {
  readonly port: number;
  readonly url: string;
  readonly connections: FakeConnection[] = [];
  readonly options: FakeRealtimeOptions;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly replies: ScriptedReply[];
  private readonly userTranscripts: (string | ScriptedTranscriptFailure)[];
  private connWaiters: ConnWaiter[] = [];
  private eventWaiters: EventWaiter[] = [];
  private tokenLog: { at: number; tokens: number }[] = [];
  private closing = false;

  private constructor(http: Server, wss: WebSocketServer, port: number, opts: FakeRealtimeOptions) {
    this.http = http;
    this.wss = wss;
    this.port = port;
    this.url = `ws://127.0.0.1:${port}/v1/realtime`;
    this.options = opts;
    this.replies = [...(opts.replies ?? [])];
    this.userTranscripts = [...(opts.userTranscripts ?? [])];
  }

  static async start(opts: FakeRealtimeOptions = {}): Promise<FakeRealtimeServer> {
    const http = createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { message: 'Upgrade required: connect with a WebSocket.', type: 'invalid_request_error' },
        }),
      );
    });
    const wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      handleProtocols: (protocols) => (protocols.has('realtime') ? 'realtime' : false),
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
    });
    const addr = http.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    const server = new FakeRealtimeServer(http, wss, port, opts);
    http.on('upgrade', (req, socket, head) => server.onUpgrade(req, socket, head));
    return server;
  }

  // ----- scripting -------------------------------------------------------------------------

  queueReply(...r: ScriptedReply[]): void {
    this.replies.push(...r);
  }
  queueUserTranscript(...t: (string | ScriptedTranscriptFailure)[]): void {
    this.userTranscripts.push(...t);
  }
  /** Remaining scripted replies. */
  pendingReplies(): number {
    return this.replies.length;
  }

  // ----- knobs -----------------------------------------------------------------------------

  private open(): FakeConnection[] {
    return this.connections.filter((c) => !c.closed);
  }
  dropAll(): void {
    for (const c of this.open()) c.drop();
  }
  expireAll(): void {
    for (const c of this.open()) c.expire();
  }
  injectError(
    err: { code: string; message: string; type?: string; param?: string | null },
    opts?: { close?: number },
  ): void {
    for (const c of this.open()) c.injectError(err, opts);
  }
  setFrameDelay(ms: number): void {
    this.options.frameDelayMs = ms;
    for (const c of this.open()) c.setFrameDelay(ms);
  }

  // ----- observation -----------------------------------------------------------------------

  /** Resolves with the n-th accepted WebSocket connection (1-based; includes rejected ones). */
  waitForConnection(n: number, timeoutMs = 5000): Promise<FakeConnection> {
    const have = this.connections[n - 1];
    if (have) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const w: ConnWaiter = {
        n,
        resolve: (c) => {
          clearTimeout(t);
          resolve(c);
        },
      };
      const t = setTimeout(() => {
        this.connWaiters = this.connWaiters.filter((x) => x !== w);
        reject(
          new Error(
            `waitForConnection(${n}): timed out after ${timeoutMs} ms (${this.connections.length} connections)`,
          ),
        );
      }, timeoutMs);
      this.connWaiters.push(w);
    });
  }

  /**
   * Resolves with the first client event matching `pred` — an already received one (oldest first)
   * or the next one to arrive.
   */
  waitForClientEvent(pred: (e: any, conn: FakeConnection) => boolean, timeoutMs = 5000): Promise<any> {
    for (const c of this.connections) for (const r of c.received) if (pred(r.event, c)) return Promise.resolve(r.event);
    return this.waitForNextClientEvent(pred, timeoutMs);
  }

  /** Like waitForClientEvent, but only events that arrive after the call. */
  waitForNextClientEvent(pred: (e: any, conn: FakeConnection) => boolean, timeoutMs = 5000): Promise<any> {
    return new Promise((resolve, reject) => {
      const w: EventWaiter = {
        pred,
        resolve: (e) => {
          clearTimeout(t);
          resolve(e);
        },
      };
      const t = setTimeout(() => {
        this.eventWaiters = this.eventWaiters.filter((x) => x !== w);
        reject(new Error(`waitForClientEvent: timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.eventWaiters.push(w);
    });
  }

  /** Every error event sent on any connection, in connection order. */
  allErrors(): any[] {
    return this.connections.flatMap((c) => c.errorsSent);
  }

  /** Every note (suspicious but legal client behaviour) on any connection, prefixed with the connection id. */
  allNotes(): string[] {
    return this.connections.flatMap((c) => c.notes.map((n) => `#${c.id}: ${n}`));
  }

  /** Every received client event on any connection. */
  allClientEvents(): { conn: number; at: number; event: any }[] {
    return this.connections.flatMap((c) => c.received.map((r) => ({ conn: c.id, ...r })));
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const c of this.connections) {
      if (!c.closed) {
        c.ws?.terminate();
      }
    }
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections?.();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  // ----- internals -------------------------------------------------------------------------

  /** @internal */
  log(conn: number, kind: FakeLogEntry['kind'], data: any): void {
    this.options.onLog?.({ at: Date.now(), conn, kind, data });
  }

  /** @internal */
  onClientEvent(conn: FakeConnection, event: any, at: number): void {
    if (this.options.onLog) {
      const logged =
        event.type === 'input_audio_buffer.append' && typeof event.audio === 'string'
          ? { ...event, audio: `<${Math.floor((event.audio.length * 3) / 4)} bytes base64>` }
          : event;
      this.options.onLog({ at, conn: conn.id, kind: 'client_event', data: logged });
    }
    const hits = this.eventWaiters.filter((w) => {
      try {
        return w.pred(event, conn);
      } catch {
        return false;
      }
    });
    if (hits.length) {
      this.eventWaiters = this.eventWaiters.filter((w) => !hits.includes(w));
      for (const w of hits) w.resolve(event);
    }
  }

  /** @internal */
  nextReply(ctx: ReplyContext): ScriptedReply {
    return this.options.replyFor?.(ctx) ?? this.replies.shift() ?? { text: 'OK.' };
  }

  /** @internal */
  popUserTranscript(): string | ScriptedTranscriptFailure {
    return this.userTranscripts.shift() ?? this.options.defaultUserTranscript ?? 'Hello.';
  }

  /** @internal Token bucket over the last 60 s; returns what remains. */
  consumeTokens(tokens: number, limit: number): number {
    const now = Date.now();
    this.tokenLog = this.tokenLog.filter((t) => now - t.at < 60_000);
    if (tokens > 0) this.tokenLog.push({ at: now, tokens });
    const used = this.tokenLog.reduce((a, t) => a + t.tokens, 0);
    return Math.max(0, limit - used);
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (this.closing) {
      socket.destroy();
      return;
    }
    if (url.pathname !== '/v1/realtime') {
      socket.end(
        'HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"error":{"message":"Not found","type":"invalid_request_error"}}',
      );
      return;
    }
    const auth = req.headers.authorization;
    const protocols = (req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const keyProto = protocols.find((p) => p.startsWith('openai-insecure-api-key.'));
    let key: string | undefined;
    let method: FakeConnection['authMethod'] = 'none';
    if (typeof auth === 'string' && /^Bearer\s+/i.test(auth)) {
      key = auth.replace(/^Bearer\s+/i, '').trim();
      method = 'header';
    } else if (keyProto && protocols.includes('realtime')) {
      key = keyProto.slice('openai-insecure-api-key.'.length);
      method = 'subprotocol';
    }
    if (key === undefined) {
      const body = JSON.stringify({
        error: {
          message:
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      });
      socket.end(
        `HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      this.log(0, 'connection', { event: 'refused', status: 401, url: req.url });
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const model = url.searchParams.get('model');
      const conn = new FakeConnection(this, this.connections.length + 1, model ?? '', req, this.options);
      conn.authMethod = method;
      conn.attach(ws, socket);
      this.connections.push(conn);
      this.log(conn.id, 'connection', { event: 'open', url: req.url, auth: method });
      const expected = this.options.apiKey ?? 'test-key';
      const models = this.options.models ?? DEFAULT_MODELS;
      if (key !== expected) {
        const shown = key.length > 8 ? `${key.slice(0, 3)}*****${key.slice(-4)}` : '*****';
        conn.reject(
          'invalid_request_error',
          'invalid_api_key',
          `Incorrect API key provided: ${shown}. You can find your API key at https://platform.openai.com/account/api-keys.`,
          3000,
        );
      } else if (req.headers['openai-beta'] !== undefined) {
        conn.reject(
          'invalid_request_error',
          'beta_api_shape_disabled',
          'The Realtime Beta API is no longer supported. Please use /v1/realtime for the GA API.',
          4000,
        );
      } else if (!model) {
        conn.reject('invalid_request_error', 'missing_model', "Missing required parameter: 'model'.", 4000);
      } else if (!models.includes(model)) {
        conn.reject(
          'invalid_request_error',
          'invalid_model',
          `Model "${model}" is not supported in realtime mode. Supported models: ${models.join(', ')}.`,
          4000,
        );
      } else {
        conn.begin();
      }
      for (const w of this.connWaiters.filter((x) => x.n <= this.connections.length)) {
        const c = this.connections[w.n - 1];
        if (c) w.resolve(c);
      }
      this.connWaiters = this.connWaiters.filter((x) => x.n > this.connections.length);
    });
  }
}
