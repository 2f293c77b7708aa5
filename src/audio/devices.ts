import { sanitizeLine } from '../shared/sanitize.js';
import type { AudioDevice } from './types.js';
import { fileURLToPath } from 'node:url';
import { describeExit, HelperError, HelperProcess } from '../shared/helper-process.js';

/** Options of {@link listAudioDevices}. */
export interface ListDevicesOptions {
  /** Environment of the helper (ALSA_CONFIG_PATH, PULSE_SERVER, …). Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Give up after this long (ms). Default 5000. */
  timeoutMs?: number;
  /** Helper script override (tests). */
  helperPath?: string;
}

/**
 * Lists PortAudio's devices through a short-lived audio helper (the app process never loads
 * naudiodon). Rejects with a readable Error when the helper cannot list them.
 */
export function listAudioDevices(opts: ListDevicesOptions = {}): Promise<AudioDevice[]> {
  return new Promise((resolve, reject) => {
    let done = false;
    const helper = new HelperProcess({
      name: 'audio helper',
      script: opts.helperPath ?? fileURLToPath(new URL('./audio-helper.cjs', import.meta.url)),
      ...(opts.env ? { env: opts.env } : {}),
    });
    const finish = (err: Error | null, devices?: AudioDevice[]) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (helper.connected) helper.send({ t: 'shutdown' });
      if (err) reject(err);
      else resolve(devices ?? []);
    };
    helper.on('message', (m) => {
      const msg = m as { t: string; devices?: AudioDevice[] };
      if (msg.t === 'hello') finish(null, msg.devices);
    });
    helper.on('error', (err) => {
      if (err instanceof HelperError && (err.failure === 'start' || err.failure === 'fatal')) finish(err);
    });
    helper.on('exit', (e) => finish(new Error(`audio helper crashed: ${describeExit(e)}`)));
    const timer = setTimeout(() => {
      finish(new Error('audio helper did not answer'));
      helper.kill('SIGKILL');
    }, opts.timeoutMs ?? 5000);
    void helper.start();
  });
}

/** One line per device: `  0  default  (in 128, out 128, 44100 Hz, ALSA)`. */
export function formatDevices(devices: readonly AudioDevice[]): string {
  if (devices.length === 0) return '  (no audio devices)';
  return devices
    .map((d) => {
      const dirs = [
        d.maxInputChannels > 0 ? `in ${d.maxInputChannels}` : '',
        d.maxOutputChannels > 0 ? `out ${d.maxOutputChannels}` : '',
      ]
        .filter(Boolean)
        .join(', ');
      // Device names come from drivers and from the devices themselves (a Bluetooth name is anyone's): cleaned.
      return `  ${String(d.id).padStart(2)}  ${sanitizeLine(d.name)}  (${dirs}, ${d.defaultSampleRate} Hz${d.hostApi ? `, ${sanitizeLine(d.hostApi)}` : ''})`;
    })
    .join('\n');
}
