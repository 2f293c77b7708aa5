/**
 * Ports and event maps of the voice session (src/session). No React, no sockets in these types.
 */

/** Connection state of the Realtime session, as the status bar shows it. */
export type ConnectionState =
  | { kind: 'disabled'; reason: string }
  | { kind: 'connecting'; attempt: number }
  | { kind: 'ready'; sessionId: string; expiresAt: number }
  | { kind: 'reconnecting'; attempt: number; retryAt: number; lastError?: string }
  | { kind: 'failed'; message: string }
  | { kind: 'closed' };

/** A Realtime function tool (flat GA shape). `parameters` is a JSON schema object. */
export interface ToolDefinition {
  type: 'function';
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/**
 * What the session needs from the command layer: the tools to offer and a way to run one.
 * `callTool` never throws: unknown tools, bad JSON and refusals come back as a sentence the
 * model can say.
 */
export interface ToolHost {
  tools(): ToolDefinition[];
  /** Runs a tool call; `argsJson` is the raw `arguments` string from the model. */
  callTool(name: string, argsJson: string, callId: string): Promise<string>;
  /** A compact, speakable summary of all tasks, and a counter that changes when the board changes. */
  taskBoard(): { version: number; summary: string };
}

/** A task event the assistant should tell the user about. */
export interface TaskNotice {
  taskId: number;
  taskName: string;
  kind: 'finished' | 'failed' | 'stalled' | 'attention' | 'cancelled' | 'request';
  /** One or two sentences, already shaped for speech. */
  text: string;
  at: number;
}

export type { NoticeMode } from '../shared/settings-values.js';

/** One line of the conversation transcript. Streaming entries are re-emitted with the same id. */
export interface TranscriptEntry {
  id: string;
  role: 'user' | 'assistant' | 'tool' | 'notice' | 'system';
  text: string;
  /** False while deltas are still arriving. */
  final: boolean;
  at: number;
}

/** Session cost so far and of the last response, in USD. */
export interface CostSnapshot {
  sessionUsd: number;
  lastTurnUsd: number;
}

/** Latency figures of the last turn, in milliseconds (undefined when not measured). */
export interface LatencySnapshot {
  talkEndToCommitMs?: number;
  commitToFirstAudioMs?: number;
  firstAudioToPlaybackMs?: number;
  toolCallToOutputMs?: number;
}

/**
 * Former names of the voice engine port (src/session/voice-engine.ts), kept so code written
 * against them keeps compiling; new code uses VoiceEngine / VoiceEngineEvents.
 */
export type { VoiceEngine as VoiceSessionPort, VoiceEngineEvents as VoiceSessionEvents } from './voice-engine.js';
