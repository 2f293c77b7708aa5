/**
 * The spoken side of one assistant answer: each piece of text gets its speech request at once
 * (requests run in parallel), while the audio is handed to the output strictly in order. Knows
 * what the user actually heard, so a barge-in can keep only that in the history.
 */
import { stallWatchdog } from './stall-watchdog.js';
import type { SpeechSynth } from './speech-synth.js';
import type { AudioOutputPort } from '../../audio/types.js';
import { BYTES_PER_MS } from '../../audio/types.js';
import { StreamStalledError } from './chat-round.js';
import { isOwnAbort } from './endpoint-errors.js';

interface Piece {
  text: string;
  itemId: string;
  /** False when the text was only shown (no audio output, or speech failed). */
  spoken: boolean;
  bytes: number;
  complete: boolean;
}

/** What a reply needs to speak. */
export interface SpokenReplyDeps {
  /** The speech engine; null for text-only answers. */
  synth: SpeechSynth | null;
  timeoutMs: number;
  audio: AudioOutputPort;
  signal: AbortSignal;
  itemPrefix: string;
  onSpeechRequest: () => void;
  onFirstBytes: () => void;
  onFirstPlayback: () => void;
  /** A speech request failed (not an abort); reported once per reply by the caller. */
  onFailure: (err: unknown) => void;
}

/** One answer's speech: pieces in order, their audio queued in order. */
export class SpokenReply {
  private readonly pieces: Piece[] = [];
  private chain: Promise<void> = Promise.resolve();
  private failed = false;

  constructor(private readonly deps: SpokenReplyDeps) {}

  /** Speak a complete piece of text (or only show it when there is no speech). */
  say(text: string): void {
    const piece: Piece = {
      text,
      itemId: `${this.deps.itemPrefix}-${this.pieces.length}`,
      spoken: false,
      bytes: 0,
      complete: false,
    };
    this.pieces.push(piece);
    const { synth, signal } = this.deps;
    if (!synth || this.failed || signal.aborted) return;
    piece.spoken = true;
    // The client's timeout ends with the response headers; a body that stops is ended here.
    const watchdog = stallWatchdog(signal, this.deps.timeoutMs);
    const arm = (): void => watchdog.arm();
    const request = synth.speak(text, { signal: watchdog.signal, timeoutMs: this.deps.timeoutMs });
    this.deps.onSpeechRequest();
    // Settled here so a failure before its turn in the chain is never an unhandled rejection.
    const settled = request.then(
      (res) => ({ ok: true as const, res }),
      (err: unknown) => ({ ok: false as const, err }),
    );
    this.chain = this.chain.then(async () => {
      const result = await settled;
      try {
        if (!result.ok) return this.fail(piece, result.err);
        if (this.failed) {
          piece.spoken = false;
          return;
        }
        const body = result.res;
        if (!body) return;
        arm();
        for await (const chunk of body) {
          arm();
          if (signal.aborted) break;
          if (chunk.length === 0) continue;
          this.deps.onFirstBytes();
          this.deps.audio.play(piece.itemId, Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          this.deps.onFirstPlayback();
          piece.bytes += chunk.length;
        }
        piece.complete = !signal.aborted && !watchdog.stalled();
        if (watchdog.stalled()) this.fail(piece, new StreamStalledError(this.deps.timeoutMs));
      } catch (err) {
        this.fail(piece, watchdog.stalled() ? new StreamStalledError(this.deps.timeoutMs) : err);
      } finally {
        watchdog.dispose();
      }
    });
  }

  /** Resolves when every piece's audio has been handed to the output (or given up). */
  queued(): Promise<void> {
    return this.chain;
  }

  /**
   * The text the user heard: pieces only shown in full; spoken pieces fully played in full; the
   * piece playing at the moment cut at the word its played share reaches. Call before stopping
   * playback (stopping forgets what was played).
   */
  heard(): string {
    const out: string[] = [];
    for (const p of this.pieces) {
      if (!p.spoken) {
        out.push(p.text);
        continue;
      }
      const played = this.deps.audio.playedMs(p.itemId);
      const total = p.bytes / BYTES_PER_MS;
      if (p.complete && total > 0 && played >= total - 1) {
        out.push(p.text);
        continue;
      }
      if (played > 0 && total > 0) {
        const share = Math.min(1, played / total);
        const cut = p.text.slice(0, Math.floor(p.text.length * share));
        const words = cut.slice(0, Math.max(0, cut.lastIndexOf(' ')));
        if (words) out.push(`${words}…`);
      }
      break;
    }
    return out.join(' ');
  }

  private fail(piece: Piece, err: unknown): void {
    piece.spoken = false;
    if (isOwnAbort(err) || this.deps.signal.aborted) return;
    if (!this.failed) this.deps.onFailure(err);
    // After one failure the rest of the answer is shown only.
    this.failed = true;
    for (const p of this.pieces) if (!p.complete) p.spoken = false;
  }
}
