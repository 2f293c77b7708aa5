/**
 * The voice engine port: the one interface the rest of voice-orch (composition, state bindings,
 * commands) uses for a spoken conversation. The Realtime engine (src/session/realtime) is the
 * first implementation; a cascade of speech-to-text, a chat model and text-to-speech can be a
 * second one beside it without touching commands, state or views.
 *
 * The contract every engine keeps:
 * - Methods never throw and never reject (close() included); failures become `error` events
 *   (bugs, service errors) or `info` events (short sentences for the user).
 * - Push-to-talk is `talkStart` → `appendAudio`* → `talkEnd` (send the turn) or `talkDiscard`
 *   (drop it). `talkStart` and `sendText` barge in: audible assistant speech stops at once.
 * - Tools run only through the ToolHost the engine was built with, each model call id at most
 *   once per engine lifetime, and every result reaches the model exactly once.
 * - Task notices wait for an idle moment (nobody talking, nothing playing, no answer running)
 *   unless the notice mode says chime or off.
 * - Every response's cost and each turn's latency stages are reported as `cost` / `latency`
 *   events; the transcript is reported entry by entry (streaming entries re-emitted with one id).
 */
import type { EventSource } from '../shared/events.js';
import type {
  ConnectionState,
  CostSnapshot,
  LatencySnapshot,
  NoticeMode,
  TaskNotice,
  TranscriptEntry,
} from './types.js';

/** Typed event map of a voice engine. */
export interface VoiceEngineEvents {
  /** Connection (or readiness) of the engine, as the status bar shows it. */
  state: [state: ConnectionState];
  transcript: [entry: TranscriptEntry];
  /** Whether assistant audio is audible (local playback not drained). */
  speaking: [speaking: boolean];
  cost: [cost: CostSnapshot];
  latency: [latency: LatencySnapshot];
  /** Short user-facing messages ("too short, nothing sent", "rate limited, retrying in 7 s"). */
  info: [message: string];
  error: [error: Error];
}

/** A voice conversation as the command layer and the composition root see it. */
export interface VoiceEngine extends EventSource<VoiceEngineEvents> {
  state(): ConnectionState;
  /** Start connecting (and keep the conversation available until close()). No-op when disabled. */
  start(): void;
  /** Push-to-talk went down: barge-in if the assistant is audible, start a user turn. */
  talkStart(): void;
  /** PCM16 mono 24 kHz from the microphone, only between talkStart and talkEnd. */
  appendAudio(pcm: Buffer): void;
  /** Push-to-talk went up: send the turn (≥ 100 ms of audio) and ask for an answer, or drop it as too short. */
  talkEnd(): void;
  /** The user aborted the turn (Esc): drop what was appended. */
  talkDiscard(): void;
  /** A typed message to the assistant (barges in first; queued while connecting). */
  sendText(text: string): void;
  /** Queue a task notice; delivered at the next idle moment (or chimed, or dropped, by mode). */
  notify(notice: TaskNotice): void;
  setNoticeMode(mode: NoticeMode): void;
  noticeMode(): NoticeMode;
  /** Stop the conversation and flush logs. Never rejects. */
  close(): Promise<void>;
}
