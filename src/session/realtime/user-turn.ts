/**
 * The user's push-to-talk turn, kept locally until the server has it: audio is sent as it comes
 * while a session is ready, kept while connecting (a press during a reconnect is not lost) and
 * resent from the start on a new socket.
 */
import { BYTES_PER_MS } from '../../audio/types.js';

/** Less than this much audio since the last commit is refused by the server (100 ms). */
export const MIN_COMMIT_BYTES = 100 * BYTES_PER_MS;

/** Longest push-to-talk turn kept locally for a resend (10 minutes of PCM16/24 kHz). */
export const MAX_TURN_BYTES = 10 * 60 * 1000 * BYTES_PER_MS;

/** One turn's audio and how much of it went out on which socket. */
export class UserTurn {
  private readonly chunks: Buffer[] = [];
  private total = 0;
  /** Socket generation the audio went out on (-1: none yet). */
  private sentGen = -1;
  private sentIdx = 0;
  /** Push-to-talk released while not connected: commit once ready. */
  ended = false;

  /** Bytes recorded. */
  bytes(): number {
    return this.total;
  }

  /** Keeps `pcm`; false when the turn is full (the chunk is ignored). */
  append(pcm: Buffer): boolean {
    if (this.total + pcm.length > MAX_TURN_BYTES) return false;
    this.chunks.push(pcm);
    this.total += pcm.length;
    return true;
  }

  /** Whether long enough to commit. */
  committable(): boolean {
    return this.total >= MIN_COMMIT_BYTES;
  }

  /** Whether some of it went out on socket `gen` (so the server buffer needs a clear to drop it). */
  sentOn(gen: number): boolean {
    return this.sentGen === gen && this.sentIdx > 0;
  }

  /** Whether all of it went out on socket `gen`. */
  allSentOn(gen: number): boolean {
    return this.sentGen === gen && this.sentIdx >= this.chunks.length;
  }

  /** Sends what socket `gen` has not got yet, in order; stops at the first chunk `send` refuses. */
  flush(gen: number, send: (chunk: Buffer) => boolean): void {
    if (this.sentGen !== gen) {
      this.sentGen = gen;
      this.sentIdx = 0;
    }
    while (this.sentIdx < this.chunks.length) {
      if (!send(this.chunks[this.sentIdx] as Buffer)) return;
      this.sentIdx += 1;
    }
  }

  /** Socket `gen` is gone: what it got is gone too. */
  lost(gen: number): void {
    if (this.sentGen === gen) this.sentIdx = 0;
  }
}
