import { SafeEmitter } from '../shared/events.js';
import type {
  AudioInputEvents,
  AudioInputPort,
  AudioOutputEvents,
  AudioOutputPort,
  AudioStatus,
  EarconKind,
  PlaybackStopped,
} from './types.js';

/** Why null audio is in use: `disabled` (e.g. --no-audio) or `unavailable` (no sound on this machine). */
export type NullAudioStatus = Extract<AudioStatus, { kind: 'disabled' | 'unavailable' }>;

/** Microphone that never captures (for `--no-audio` and machines without sound). */
export class NullAudioInput extends SafeEmitter<AudioInputEvents> implements AudioInputPort {
  constructor(private readonly st: NullAudioStatus = { kind: 'disabled', reason: 'audio disabled (--no-audio)' }) {
    super();
  }
  /** Reports an `error` event: there is no microphone. */
  start(): void {
    this.fire('error', new Error(`microphone ${this.st.kind}: ${this.st.reason}`));
  }
  stop(): void {}
  status(): AudioStatus {
    return this.st;
  }
  async close(): Promise<void> {}
}

/** Speaker that plays nothing; playedMs is always 0. */
export class NullAudioOutput extends SafeEmitter<AudioOutputEvents> implements AudioOutputPort {
  constructor(private readonly st: NullAudioStatus = { kind: 'disabled', reason: 'audio disabled (--no-audio)' }) {
    super();
  }
  play(_itemId: string, _pcm: Buffer): void {}
  async stop(): Promise<PlaybackStopped> {
    return { itemId: null, playedMs: 0 };
  }
  isPlaying(): boolean {
    return false;
  }
  playedMs(_itemId: string): number {
    return 0;
  }
  earcon(_kind: EarconKind): void {}
  status(): AudioStatus {
    return this.st;
  }
  async close(): Promise<void> {}
}

/** Both null ports with the same status, shaped like AudioService's `input`/`output`. */
export function createNullAudio(status?: NullAudioStatus): {
  input: NullAudioInput;
  output: NullAudioOutput;
  close(): Promise<void>;
} {
  const input = new NullAudioInput(status);
  const output = new NullAudioOutput(status);
  return { input, output, close: async () => {} };
}
