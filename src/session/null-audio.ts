/**
 * Audio output that plays nothing: never playing, 0 ms played. The session uses it when no
 * AudioOutputPort is given (e.g. `--no-audio`, tests of the protocol alone).
 */
import { EventEmitter } from 'node:events';
import type { AudioOutputEvents, AudioOutputPort, AudioStatus, PlaybackStopped } from '../audio/types.js';

/** A silent AudioOutputPort. */
export class NullAudioOutput extends EventEmitter<AudioOutputEvents> implements AudioOutputPort {
  play(_itemId: string, _pcm: Buffer): void {}

  stop(): Promise<PlaybackStopped> {
    return Promise.resolve({ itemId: null, playedMs: 0 });
  }

  isPlaying(): boolean {
    return false;
  }

  playedMs(_itemId: string): number {
    return 0;
  }

  earcon(): void {}

  status(): AudioStatus {
    return { kind: 'disabled', reason: 'no audio output' };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
