import { fileURLToPath } from 'node:url';
import type { AudioDevice } from './types.js';
import { DEFAULT_MIC_STREAM, type MicStreamMode } from '../shared/settings-values.js';
import { describeExit, HelperError, HelperProcess, type HelperExit } from '../shared/helper-process.js';
import { AudioInput, AudioOutput, type AudioHelperLink, type HelperMsg } from './audio-ports.js';

/** Options of {@link AudioService}. */
export interface AudioServiceOptions {
  /** Input device: PortAudio id or name (exact, case-insensitive, or a substring). Default: "default". */
  inputDevice?: string | number;
  /** Output device, chosen the same way. */
  outputDevice?: string | number;
  /** Open the input device at this rate instead of 24 kHz; the helper resamples to 24 kHz. */
  captureRate?: number;
  /** Open the output device at this rate instead of 24 kHz; the helper resamples from 24 kHz. */
  playbackRate?: number;
  /**
   * 'long-lived' (default): one input stream stays open and is gated in the helper — audio read
   * while push-to-talk is up is dropped there and never sent; no open cost per turn, so the first
   * syllable is not clipped. 'per-turn': the device is opened at start() and closed at stop(), so
   * nothing is read between turns (costs ~20–40 ms at the start of each turn). A device that is not
   * paced in real time (ALSA file/null devices) is detected and switched to 'per-turn'; tests that
   * need a file's exact bytes from its start should ask for 'per-turn' directly.
   */
  inputStream?: MicStreamMode;
  /** Capture chunk length (ms). Default 20. */
  chunkMs?: number;
  /** PortAudio input period (ms); shorter than the chunk so chunks leave as soon as they are full. Default 5. */
  periodMs?: number;
  /** How far ahead of real time playback is handed to the device (ms); bounds barge-in latency. Default 30. */
  leadMs?: number;
  /** Level meter interval (ms of audio). Default 50 (20 Hz). */
  levelIntervalMs?: number;
  /** Environment of the helper (ALSA_CONFIG_PATH, PULSE_SERVER, …). Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Restarts after a helper crash before reporting `unavailable`. Default 1. */
  maxRestarts?: number;
  /** Helper script override (tests). */
  helperPath?: string;
  /** Time to wait for the helper to start and open devices (ms). Default 10 000. */
  startTimeoutMs?: number;
}

/**
 * Real audio through the audio helper process (naudiodon). Exposes the microphone as `input`
 * ({@link AudioInputPort}) and the speaker as `output` ({@link AudioOutputPort}). A crashed helper is
 * restarted once; after that both ports report `unavailable` ("audio helper crashed: SIGSEGV…").
 */
export class AudioService implements AudioHelperLink {
  readonly input: AudioInput;
  readonly output: AudioOutput;
  private readonly opts: AudioServiceOptions;
  private helper: HelperProcess | null = null;
  private restarts = 0;
  private closing = false;
  private fatal: string | null = null;
  /** @internal Last lines of the helper's output and the app's notes about it. */
  readonly log: string[] = [];
  private reqId = 0;
  private readonly pending = new Map<number, (m: HelperMsg) => void>();
  private readyResolve: (() => void) | null = null;
  private readonly readyPromise: Promise<void>;
  private lastDevices: AudioDevice[] = [];
  private startTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(opts: AudioServiceOptions = {}) {
    this.opts = opts;
    this.input = new AudioInput(this, opts.levelIntervalMs ?? 50);
    this.output = new AudioOutput(this);
    this.readyPromise = new Promise<void>((resolve) => {
      this.readyResolve = resolve;
    });
    this.startTimer = setTimeout(() => {
      if (this.input.status().kind === 'starting')
        this.input.setStatus({ kind: 'unavailable', reason: 'audio helper did not start in time' });
      if (this.output.status().kind === 'starting')
        this.output.setStatus({ kind: 'unavailable', reason: 'audio helper did not start in time' });
      this.resolveReady();
    }, opts.startTimeoutMs ?? 10_000);
    this.startTimer.unref();
    this.spawn();
  }

  /** Resolves once both ports are `ready` or `unavailable` (never rejects). */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  /** Devices PortAudio lists (as of the helper's start, or freshly when the helper is up). */
  async listDevices(): Promise<AudioDevice[]> {
    const m = await this.request({ t: 'list' }, 3000);
    if (m && m.t === 'devices') this.lastDevices = m.devices;
    return this.lastDevices;
  }

  /** Last lines of the helper's stdout/stderr (PortAudio/ALSA chatter), for `doctor` and bug reports. */
  diagnostics(): string[] {
    return [...this.log];
  }

  /** Pid of the running helper (tests), or null. */
  helperPid(): number | null {
    return this.helper?.pid ?? null;
  }

  /** Stops capture and playback and ends the helper. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.startTimer) clearTimeout(this.startTimer);
    // output first: it drops the earcons held for the end of capture, which input.stop() would release
    this.output.closeLocal();
    this.input.stop();
    await this.helper?.shutdown({ message: { t: 'shutdown' }, graceMs: 2000 });
  }

  /** @internal */
  send(m: object): boolean {
    return this.helper?.send(m) ?? false;
  }

  /** @internal Sends a request and waits for the reply with the same `r` (null on timeout or no helper). */
  request(m: object, timeoutMs: number): Promise<HelperMsg | null> {
    const r = ++this.reqId;
    return new Promise((resolve) => {
      if (!this.send({ ...m, r })) {
        resolve(null);
        return;
      }
      const t = setTimeout(() => {
        this.pending.delete(r);
        resolve(null);
      }, timeoutMs);
      this.pending.set(r, (reply) => {
        clearTimeout(t);
        resolve(reply);
      });
    });
  }

  private resolveReady(): void {
    const r = this.readyResolve;
    this.readyResolve = null;
    r?.();
  }

  private spawn(): void {
    this.input.setStatus({ kind: 'starting' });
    this.output.setStatus({ kind: 'starting' });
    const helper = new HelperProcess({
      name: 'audio helper',
      script: this.opts.helperPath ?? fileURLToPath(new URL('./audio-helper.cjs', import.meta.url)),
      env: this.opts.env ?? process.env,
      log: this.log,
    });
    this.helper = helper;
    helper.on('message', (m) => this.onMessage(m as HelperMsg));
    helper.on('exit', (e) => this.onExit(helper, e));
    helper.on('error', (err) => {
      if (!(err instanceof HelperError)) this.log.push(`app: ${err.message}`);
      else if (err.failure === 'start') this.giveUp(err.message);
      // the helper exits next; onExit gives up with this reason instead of restarting
      else if (err.failure === 'fatal') this.fatal = err.message;
    });
    void helper.start();
  }

  private onMessage(m: HelperMsg): void {
    switch (m.t) {
      case 'hello':
        this.lastDevices = m.devices;
        this.send({
          t: 'configure',
          inputDevice: this.opts.inputDevice,
          outputDevice: this.opts.outputDevice,
          captureRate: this.opts.captureRate,
          playbackRate: this.opts.playbackRate,
          chunkMs: this.opts.chunkMs ?? 20,
          periodMs: this.opts.periodMs ?? 5,
          inputStream: this.opts.inputStream ?? DEFAULT_MIC_STREAM,
          leadMs: this.opts.leadMs ?? 30,
        });
        break;
      case 'configured':
        this.input.setStatus(
          m.input.ok
            ? { kind: 'ready', device: m.input.device ?? '?' }
            : { kind: 'unavailable', reason: m.input.reason ?? 'no audio device' },
        );
        this.output.setStatus(
          m.output.ok
            ? { kind: 'ready', device: m.output.device ?? '?' }
            : { kind: 'unavailable', reason: m.output.reason ?? 'no audio device' },
        );
        this.input.onHelperReady();
        this.output.onHelperReady();
        this.resolveReady();
        break;
      case 'devices':
      case 'stopped': {
        const cb = this.pending.get(m.r);
        this.pending.delete(m.r);
        cb?.(m);
        break;
      }
      case 'chunk':
      case 'capture-open':
      case 'capture-closed':
      case 'input-error':
        this.input.onHelperMessage(m);
        break;
      case 'played':
      case 'drained':
      case 'output-error':
        this.output.onHelperMessage(m);
        break;
      case 'error':
        this.log.push(`helper: ${m.reason}`);
        break;
    }
  }

  private onExit(helper: HelperProcess, e: HelperExit): void {
    if (this.helper !== helper) return;
    this.helper = null;
    for (const [r, cb] of this.pending) {
      this.pending.delete(r);
      cb({ t: 'error', reason: 'helper exited' });
    }
    if (this.closing) return;
    if (this.fatal) {
      this.giveUp(this.fatal);
      return;
    }
    const how = `audio helper crashed: ${describeExit(e)}`;
    // The ports fire() their events: a listener that throws (or an 'error' without a listener)
    // cannot stop the restart.
    this.input.onHelperLost(how);
    this.output.onHelperLost(how);
    if (this.restarts < (this.opts.maxRestarts ?? 1)) {
      this.restarts++;
      this.log.push(`app: ${how}; restarting (${this.restarts})`);
      this.spawn();
      return;
    }
    this.giveUp(how);
  }

  private giveUp(reason: string): void {
    this.input.setStatus({ kind: 'unavailable', reason });
    this.output.setStatus({ kind: 'unavailable', reason });
    this.resolveReady();
  }
}
