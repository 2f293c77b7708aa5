/**
 * Stage times of one cascade turn on a monotonic clock, from talk end (or the typed message) to
 * the first audio handed to playback; each turn is one JSON line in the latency log.
 */
import { performance } from 'node:perf_hooks';
import { JsonlFile } from '../jsonl-file.js';
import type { LatencySnapshot } from '../types.js';
import type { CascadeStageCosts } from './cascade-cost.js';

/** The stages of a cascade turn, in order. */
export const CASCADE_STAGES = [
  'sttRequest',
  'transcript',
  'chatRequest',
  'firstToken',
  'firstSentence',
  'speechRequest',
  'firstSpeechBytes',
  'firstPlayback',
] as const;

/** One stage name. */
export type CascadeStage = (typeof CASCADE_STAGES)[number];

/** Milliseconds since the turn's start, per stage reached. */
export type CascadeStageTimes = Partial<Record<CascadeStage, number>>;

/** Marks of one turn; the first mark of each stage counts. */
export class TurnMarks {
  readonly stages: CascadeStageTimes = {};
  constructor(
    readonly startedAt: number = performance.now(),
    private readonly clock: () => number = () => performance.now(),
  ) {}

  mark(stage: CascadeStage, at = this.clock()): void {
    if (this.stages[stage] === undefined) this.stages[stage] = Math.round((at - this.startedAt) * 1000) / 1000;
  }

  /** The status-bar figures: talk end → chat request, chat request → first speech bytes, bytes → playback. */
  snapshot(): LatencySnapshot {
    const s = this.stages;
    const diff = (a: number | undefined, b: number | undefined): number | undefined =>
      a !== undefined && b !== undefined ? Math.max(0, Math.round((b - a) * 1000) / 1000) : undefined;
    return {
      talkEndToCommitMs: s.chatRequest,
      commitToFirstAudioMs: diff(s.chatRequest, s.firstSpeechBytes),
      firstAudioToPlaybackMs: diff(s.firstSpeechBytes, s.firstPlayback),
    };
  }
}

/** Appends each finished turn as `{at, engine, turn, kind, firstAudioMs, stages, cost}` (cost per stage, USD). */
export class CascadeLatencyLog {
  private readonly file: JsonlFile | null;
  constructor(path: string | undefined, onError?: (err: Error) => void) {
    this.file = path ? new JsonlFile(path, onError) : null;
  }

  append(turn: number, kind: string, marks: TurnMarks, cost?: CascadeStageCosts): void {
    // firstAudioMs: talk end (or the typed message) to the first audio handed to playback, the
    // figure a user feels; absent for a turn that spoke nothing.
    const firstAudioMs = marks.stages.firstPlayback;
    this.file?.append({ at: Date.now(), engine: 'cascade', turn, kind, firstAudioMs, stages: marks.stages, cost });
  }

  close(): Promise<void> {
    return this.file?.close() ?? Promise.resolve();
  }
}
