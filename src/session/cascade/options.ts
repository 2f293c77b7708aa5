/**
 * Options of the cascade engine: three OpenAI-compatible endpoints and the parts the
 * composition owns.
 */
import type { AudioOutputPort } from '../../audio/types.js';
import type { NoticeMode, ToolHost } from '../types.js';
import type { TtsEngineName } from './speech-synth.js';
import type { CascadePrices } from './cascade-cost.js';

/** Default time for a request to answer (response headers, then between streamed chunks). */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** One endpoint: base URL (ending in /v1), model, key (a local server may need none). */
export interface CascadeEndpoint {
  url: string;
  model: string;
  apiKey?: string;
  timeoutMs?: number;
  /** Longest wait for the server to accept a connection (default 10 s). */
  connectTimeoutMs?: number;
}

/** Everything the cascade engine is built from. */
export interface CascadeEngineOptions {
  stt: CascadeEndpoint;
  llm: CascadeEndpoint;
  /** Speech (an endpoint, or `engine: 'espeak-ng'` for the local voice); `null` for text-only answers. */
  tts: (CascadeEndpoint & { voice: string; engine?: TtsEngineName }) | null;
  toolHost: ToolHost;
  audio: AudioOutputPort;
  isTalkHeld: () => boolean;
  noticeMode?: NoticeMode;
  /** Play a notice's earcon just before it is spoken (session/notice-queue.ts). */
  earconBeforeNotice?: boolean;
  latencyLogPath?: string;
  transcriptPath?: string;
  /** History budget in characters (≈ 4 per token). */
  historyChars?: number;
  /** Most tool rounds in one turn before voice-orch stops the loop. */
  maxToolRounds?: number;
  /** Prices of each stage (default: the list prices in cascade-cost.ts). */
  prices?: CascadePrices;
}
