/**
 * The microphone and speaker ports over the audio helper, and the helper's messages. The
 * {@link AudioHelperLink} (the AudioService) owns the helper process; the ports only send requests
 * through it and turn its messages into status, chunks, levels and playback accounting.
 */
import { SafeEmitter } from '../shared/events.js';
import {
  BYTES_PER_MS,
  type AudioDevice,
  type AudioInputEvents,
  type AudioInputPort,
  type AudioOutputEvents,
  type AudioOutputPort,
  type AudioStatus,
  type EarconKind,
  type PlaybackStopped,
} from './types.js';
import { LevelMeter } from './level.js';
import { earconPcm } from './earcons.js';

/** A message from the audio helper (audio-helper.cjs). */
export type HelperMsg =
  | { t: 'hello'; devices: AudioDevice[] }
  | { t: 'configured'; input: PortResult; output: PortResult }
  | { t: 'devices'; r: number; devices: AudioDevice[] }
  | { t: 'capture-open'; s: number; device: string; rate: number }
  | { t: 'capture-closed'; s: number }
  | { t: 'chunk'; s: number; pcm: Uint8Array }
  | { t: 'input-error'; s: number; reason: string }
  | { t: 'played'; itemId: string; bytes: number }
  | { t: 'drained'; n: number }
  | { t: 'stopped'; r: number; itemId: string | null; playedMs: number; flushedBytes: number }
  | { t: 'output-error'; reason: string }
  | { t: 'error'; reason: string };

/** How the helper opened one device. */
export interface PortResult {
  ok: boolean;
  device?: string;
  reason?: string;
}

/** What the ports need from the service that owns the helper. */
export interface AudioHelperLink {
  readonly input: AudioInput;
  readonly output: AudioOutput;
  /** Last lines of the helper's output and the app's notes about it. */
  readonly log: string[];
  send(m: object): boolean;
  request(m: object, timeoutMs: number): Promise<HelperMsg | null>;
}

/** Microphone port over the audio helper. Capture runs only between start() and stop(). */
export class AudioInput extends SafeEmitter<AudioInputEvents> implements AudioInputPort {
  private st: AudioStatus = { kind: 'starting' };
  private capturing = false;
  private session = 0;
  private readonly meter: LevelMeter;

  /** @internal */
  constructor(
    private readonly svc: AudioHelperLink,
    levelIntervalMs: number,
  ) {
    super();
    this.meter = new LevelMeter(levelIntervalMs);
  }

  start(): void {
    if (this.capturing) return;
    if (this.st.kind === 'unavailable' || this.st.kind === 'disabled') {
      this.fire('error', new Error(`microphone unavailable: ${this.st.reason}`));
      return;
    }
    this.capturing = true;
    this.session++;
    this.meter.reset();
    if (this.st.kind === 'ready') this.svc.send({ t: 'capture', on: true, s: this.session });
    // while 'starting', onHelperReady() opens the capture
  }

  stop(): void {
    if (!this.capturing) return;
    this.capturing = false;
    this.meter.reset();
    this.svc.send({ t: 'capture', on: false, s: this.session });
    this.svc.output.releaseHeldEarcons();
  }

  /** True between start() and stop(). */
  isCapturing(): boolean {
    return this.capturing;
  }

  status(): AudioStatus {
    return this.st;
  }

  async close(): Promise<void> {
    this.stop();
  }

  /** @internal */
  setStatus(s: AudioStatus): void {
    if (JSON.stringify(s) === JSON.stringify(this.st)) return;
    this.st = s;
    this.fire('status', s);
    if (s.kind === 'unavailable' && this.capturing) {
      this.capturing = false;
      this.svc.output.releaseHeldEarcons();
    }
  }

  /** @internal */
  onHelperReady(): void {
    if (this.capturing && this.st.kind === 'ready') this.svc.send({ t: 'capture', on: true, s: this.session });
  }

  /** An error nobody listened to still reaches the diagnostics (`doctor`, bug reports). */
  protected override unheardError(error: Error): void {
    this.svc.log.push(`app: unheard error: ${error.message}`);
  }

  /** @internal */
  onHelperLost(reason: string): void {
    if (this.capturing) this.fire('error', new Error(`capture interrupted: ${reason}`));
  }

  /** @internal */
  onHelperMessage(m: HelperMsg): void {
    if (m.t === 'chunk') {
      if (!this.capturing || m.s !== this.session) return;
      const pcm = Buffer.from(m.pcm.buffer, m.pcm.byteOffset, m.pcm.byteLength);
      const at = performance.now();
      this.fire('chunk', pcm, at);
      for (const level of this.meter.push(pcm)) this.fire('level', level);
    } else if (m.t === 'input-error') {
      if (m.s !== this.session) return;
      const wasCapturing = this.capturing;
      this.capturing = false;
      this.fire('error', new Error(`microphone: ${m.reason}`));
      if (wasCapturing) this.svc.output.releaseHeldEarcons();
    }
  }
}

/** Speaker port over the audio helper: assistant audio per item, barge-in, earcons. */
export class AudioOutput extends SafeEmitter<AudioOutputEvents> implements AudioOutputPort {
  private st: AudioStatus = { kind: 'starting' };
  private playing = false;
  private readonly played = new Map<string, number>();
  private heldEarcons: EarconKind[] = [];
  private readonly beforeReady: { itemId: string | null; pcm: Buffer }[] = [];
  /** 'play' messages sent to the current helper (see the helper's `drained` count). */
  private playsSent = 0;

  /** @internal */
  constructor(private readonly svc: AudioHelperLink) {
    super();
  }

  play(itemId: string, pcm: Buffer): void {
    this.enqueue(itemId, pcm);
  }

  async stop(): Promise<PlaybackStopped> {
    this.heldEarcons = [];
    this.beforeReady.length = 0;
    const wasPlaying = this.playing;
    this.playing = false;
    const reply = await this.svc.request({ t: 'stop-playback' }, 2000);
    if (reply && reply.t === 'stopped') {
      if (reply.itemId !== null) this.played.set(reply.itemId, reply.playedMs);
      return { itemId: reply.itemId, playedMs: reply.playedMs };
    }
    if (wasPlaying) this.fire('error', new Error('playback stop: no answer from the audio helper'));
    const last = [...this.played.entries()].pop();
    return { itemId: last?.[0] ?? null, playedMs: last?.[1] ?? 0 };
  }

  isPlaying(): boolean {
    return this.playing;
  }

  playedMs(itemId: string): number {
    return this.played.get(itemId) ?? 0;
  }

  /**
   * Plays a short earcon. While the microphone captures, earcons wait until capture stops, so they
   * never play over the user's own talking.
   */
  earcon(kind: EarconKind): void {
    if (this.svc.input.isCapturing()) {
      if (this.heldEarcons.length < 8) this.heldEarcons.push(kind);
      return;
    }
    this.enqueue(null, earconPcm(kind));
  }

  status(): AudioStatus {
    return this.st;
  }

  async close(): Promise<void> {
    if (this.playing) await this.stop();
  }

  /** @internal */
  closeLocal(): void {
    this.heldEarcons = [];
    this.playing = false;
  }

  /** @internal */
  releaseHeldEarcons(): void {
    const held = this.heldEarcons;
    this.heldEarcons = [];
    for (const k of held) this.enqueue(null, earconPcm(k));
  }

  /** @internal */
  setStatus(s: AudioStatus): void {
    if (JSON.stringify(s) === JSON.stringify(this.st)) return;
    this.st = s;
    this.fire('status', s);
    if (s.kind === 'unavailable' || s.kind === 'disabled') {
      this.beforeReady.length = 0;
      if (this.playing) {
        this.playing = false;
        this.fire('drained');
      }
    }
  }

  /** @internal */
  onHelperReady(): void {
    const queued = this.beforeReady.splice(0);
    if (this.st.kind !== 'ready') return;
    for (const q of queued) if (this.svc.send({ t: 'play', itemId: q.itemId, pcm: q.pcm })) this.playsSent++;
  }

  /** An error nobody listened to still reaches the diagnostics (`doctor`, bug reports). */
  protected override unheardError(error: Error): void {
    this.svc.log.push(`app: unheard error: ${error.message}`);
  }

  /** @internal */
  onHelperLost(reason: string): void {
    this.playsSent = 0;
    if (this.playing) {
      this.playing = false;
      this.fire('error', new Error(`playback interrupted: ${reason}`));
      this.fire('drained');
    }
  }

  /** @internal */
  onHelperMessage(m: HelperMsg): void {
    if (m.t === 'played') {
      this.played.set(m.itemId, Math.round(m.bytes / BYTES_PER_MS));
      if (this.played.size > 64) this.played.delete(this.played.keys().next().value as string);
    } else if (m.t === 'drained') {
      if (!this.playing || m.n !== this.playsSent) return;
      this.playing = false;
      this.fire('drained');
    } else if (m.t === 'output-error') {
      this.fire('error', new Error(`speaker: ${m.reason}`));
    }
  }

  private enqueue(itemId: string | null, pcm: Buffer): void {
    if (this.st.kind === 'unavailable' || this.st.kind === 'disabled') return;
    if (pcm.length < 2) return;
    if (!this.playing) {
      this.playing = true;
      this.fire('started');
    }
    if (this.st.kind === 'starting') {
      this.beforeReady.push({ itemId, pcm });
      return;
    }
    if (this.svc.send({ t: 'play', itemId, pcm })) this.playsSent++;
  }
}
