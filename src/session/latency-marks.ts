/**
 * Stage latencies of the voice loop, measured with a monotonic clock:
 * talk end → commit + response.create sent, commit → first audio delta,
 * first audio delta received → PCM handed to the audio output, tool call received → output sent.
 */
import { performance } from 'node:perf_hooks';
import type { LatencySnapshot } from './types.js';
import { JsonlFile } from './jsonl-file.js';

/** Names of the measured stages (keys of LatencySnapshot). */
export type LatencyStage = keyof LatencySnapshot;

/** Percentile (nearest rank) of a list of numbers; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

/** Collects the stage timings of the current turn; optionally logs each one as a JSON line. */
export class LatencyMarks {
  private last: LatencySnapshot = {};
  private readonly log: JsonlFile | null;
  private talkEndAt: number | null = null;
  private commitAt: number | null = null;
  private awaitingFirstAudio = false;

  /**
   * @param onChange receives the last-turn snapshot after every new figure.
   * @param logPath JSON-lines file for `{at, stage, ms}` records, or undefined for none.
   */
  constructor(
    private readonly onChange: (s: LatencySnapshot) => void,
    logPath?: string,
    onError?: (err: Error) => void,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.log = logPath ? new JsonlFile(logPath, onError) : null;
  }

  /** Push-to-talk released (a new turn starts its marks). */
  talkEnded(at = this.clock()): void {
    this.talkEndAt = at;
    this.commitAt = null;
    this.awaitingFirstAudio = false;
    this.last = {};
  }

  /** Commit and response.create of the turn are both on the wire. */
  commitSent(at = this.clock()): void {
    if (this.talkEndAt !== null) this.record('talkEndToCommitMs', at - this.talkEndAt);
    this.talkEndAt = null;
    this.commitAt = at;
    this.awaitingFirstAudio = true;
  }

  /**
   * An audio delta was received at `receivedAt` and handed to the output at `playedAt`. Only the
   * first delta after a commit counts for both figures.
   */
  audioDelta(receivedAt: number, playedAt = this.clock()): void {
    if (!this.awaitingFirstAudio) return;
    this.awaitingFirstAudio = false;
    if (this.commitAt !== null) this.record('commitToFirstAudioMs', receivedAt - this.commitAt);
    this.record('firstAudioToPlaybackMs', playedAt - receivedAt);
  }

  /** A tool output was sent for a call received at `receivedAt`. */
  toolOutputSent(receivedAt: number, sentAt = this.clock()): void {
    this.record('toolCallToOutputMs', sentAt - receivedAt);
  }

  /** The figures of the last turn. */
  snapshot(): LatencySnapshot {
    return { ...this.last };
  }

  close(): Promise<void> {
    return this.log?.close() ?? Promise.resolve();
  }

  private record(stage: LatencyStage, ms: number): void {
    const value = Math.max(0, Math.round(ms * 1000) / 1000);
    this.last = { ...this.last, [stage]: value };
    this.log?.append({ at: Date.now(), stage, ms: value });
    this.onChange(this.snapshot());
  }
}
