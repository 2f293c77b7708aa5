/**
 * What voice-check's engine-specific runs (cascade/voice-check.ts, realtime/voice-check.ts) share
 * with the command itself (voice-check.ts): the report, a speaker that only counts, no tools.
 */
import { EventEmitter } from 'node:events';
import { BYTES_PER_MS, type AudioOutputEvents, type AudioOutputPort, type AudioStatus } from '../audio/types.js';
import type { ToolHost } from './types.js';

/** What one check found; `ok` when the words were heard, answered and (with audio) spoken. */
export interface VoiceCheckReport {
  ok: boolean;
  engine: string;
  file: string;
  audioMs: number;
  /** Milliseconds after the end of the spoken turn, per stage reached (names per engine). */
  stages: Partial<Record<string, number>>;
  /** Realtime: how long the connection took to be ready, before the turn began. */
  connectMs?: number;
  firstAudioMs?: number;
  transcript: string;
  answer: string;
  speechBytes: number;
  problems: string[];
}

/** An output that plays nothing: it counts the speech and says at once that it has played it. */
export class CountingOutput extends EventEmitter<AudioOutputEvents> implements AudioOutputPort {
  bytes = 0;
  private readonly items = new Map<string, number>();
  constructor(private readonly audioOn: boolean) {
    super();
  }
  play(itemId: string, pcm: Buffer): void {
    if (this.bytes === 0) this.emit('started');
    this.bytes += pcm.length;
    this.items.set(itemId, (this.items.get(itemId) ?? 0) + pcm.length);
    setImmediate(() => this.emit('drained'));
  }
  stop(): Promise<{ itemId: null; playedMs: number }> {
    return Promise.resolve({ itemId: null, playedMs: 0 });
  }
  isPlaying(): boolean {
    return false;
  }
  playedMs(itemId: string): number {
    return (this.items.get(itemId) ?? 0) / BYTES_PER_MS;
  }
  earcon(): void {}
  status(): AudioStatus {
    return this.audioOn ? { kind: 'ready', device: 'voice-check' } : { kind: 'disabled', reason: '--no-audio' };
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The tool host of a check: no tools, an empty board. */
export const NO_TOOLS: ToolHost = {
  tools: () => [],
  callTool: () => Promise.resolve('voice-check offers no tools.'),
  taskBoard: () => ({ version: 0, summary: 'No tasks (voice-check).' }),
};

/** Resolves `value` after `ms`, without keeping the process alive for it. */
export function after<T>(ms: number, value: T): { promise: Promise<T>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(value), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/** A stage line: its name and milliseconds, or a dash when it was not reached. */
export function stageLine(name: string, ms: number | undefined): string {
  return `  ${name.padEnd(28)} ${ms === undefined ? '—' : ms.toFixed(1).padStart(9)}`;
}
