/**
 * Audio ports. The real implementations talk to a helper process that owns naudiodon; the null
 * implementations serve `--no-audio` and machines without a sound card.
 */

import type { EventSource } from '../shared/events.js';

/** PCM16 mono at 24 kHz everywhere in the app. */
export const SAMPLE_RATE = 24_000;
export const BYTES_PER_MS = 48;

/** Peak and RMS level of recent input, in dBFS (-Infinity for silence). */
export interface AudioLevel {
  peakDb: number;
  rmsDb: number;
}

/** An audio device as listed by the helper. */
export interface AudioDevice {
  id: number;
  name: string;
  maxInputChannels: number;
  maxOutputChannels: number;
  defaultSampleRate: number;
  hostApi?: string;
}

/** Health of an audio helper, as the status bar and doctor show it. */
export type AudioStatus =
  | { kind: 'starting' }
  | { kind: 'ready'; device: string }
  | { kind: 'unavailable'; reason: string }
  | { kind: 'disabled'; reason: string };

export interface AudioInputEvents {
  /** ~20 ms of PCM16 mono 24 kHz; `capturedAt` is performance.now() in the app when it arrived. */
  chunk: [pcm: Buffer, capturedAt: number];
  level: [level: AudioLevel];
  status: [status: AudioStatus];
  error: [error: Error];
}

/** Microphone. Captures only between start() and stop(). */
export interface AudioInputPort extends EventSource<AudioInputEvents> {
  start(): void;
  stop(): void;
  status(): AudioStatus;
  close(): Promise<void>;
}

/** What playback had done for an item when it was stopped. */
export interface PlaybackStopped {
  itemId: string | null;
  /** Milliseconds of that item that reached the device and were not flushed. */
  playedMs: number;
}

export type EarconKind = 'started' | 'done' | 'failed' | 'attention' | 'request';

export interface AudioOutputEvents {
  /** Playback began (queue went from empty to non-empty). */
  started: [];
  /** Everything queued has been played. */
  drained: [];
  status: [status: AudioStatus];
  error: [error: Error];
}

/** Speaker. A queue of assistant audio keyed by Realtime item id, plus earcons. */
export interface AudioOutputPort extends EventSource<AudioOutputEvents> {
  play(itemId: string, pcm: Buffer): void;
  /** Stop at once and flush everything queued (barge-in). */
  stop(): Promise<PlaybackStopped>;
  /** True while queued audio has not finished playing. */
  isPlaying(): boolean;
  /** Milliseconds of this item played so far. */
  playedMs(itemId: string): number;
  earcon(kind: EarconKind): void;
  status(): AudioStatus;
  close(): Promise<void>;
}
