/** Options of the Realtime engine. */
import type { AudioOutputPort } from '../../audio/types.js';
import type { ModelPricing } from '../cost-meter.js';
import type { NoticeMode, ToolHost } from '../types.js';
import type { SessionSettings } from './session-config.js';
import type { TransportFactory } from './transport.js';

/** Options of a RealtimeEngine. */
export interface RealtimeEngineOptions extends SessionSettings {
  /** Without a key the engine is `disabled` and never connects. */
  apiKey?: string;
  /** Default `wss://api.openai.com/v1/realtime`. */
  baseUrl?: string;
  /** Default `gpt-realtime`. */
  model?: string;
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
  /** Play a notice's earcon just before it is spoken (session/notice-queue.ts). */
  earconBeforeNotice?: boolean;
  /** Extra handshake headers (e.g. `OpenAI-Safety-Identifier`). */
  headers?: Record<string, string>;
  /** Wall clock in ms (expiry, transcript times). */
  now?: () => number;
  /** Makes each connection's transport (default: a `ws` socket). Tests inject a recording transport. */
  transport?: TransportFactory;
}
