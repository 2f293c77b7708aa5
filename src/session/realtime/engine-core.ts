/**
 * The parts of the Realtime engine its helpers (event handler, barge-in) work with, so they need
 * the engine's shape and not the class.
 */
import type { RealtimeClientEvent } from 'openai/resources/realtime/realtime';
import type { AudioOutputPort } from '../../audio/types.js';
import type { CostMeter } from '../cost-meter.js';
import type { LatencyMarks } from '../latency-marks.js';
import type { TranscriptLog } from '../transcript-log.js';
import type { VoiceEngineEvents } from '../voice-engine.js';
import type { Conn } from './connection.js';
import type { ConnectionLifecycle } from './lifecycle.js';
import type { ToolCalls } from './tool-calls.js';

/** The engine parts its helpers work with. */
export interface EngineCore {
  readonly audio: AudioOutputPort;
  readonly transcript: TranscriptLog;
  readonly cost: CostMeter;
  readonly latency: LatencyMarks;
  readonly tools: ToolCalls;
  readonly conns: ConnectionLifecycle;
  readonly closing: boolean;
  lastUserEntryId: string | null;
  now(): number;
  send(conn: Conn, event: RealtimeClientEvent): boolean;
  nextId(prefix: string): string;
  playing(): boolean;
  setSpeaking(v: boolean): void;
  pump(): void;
  fire<K extends keyof VoiceEngineEvents>(event: K, ...args: VoiceEngineEvents[K]): void;
  fireInfo(message: string): void;
  fireError(err: unknown): void;
  guard(fn: () => void): void;
}
