/** `voice-orch doctor`: checks devices, microphone level, speaker and the push-to-talk key. No React. */
import { sanitizeText } from '../shared/sanitize.js';
import { errorText } from '../shared/errors.js';
import { AudioService } from './audio-service.js';
import { formatDevices } from './devices.js';
import { measureLevel } from './level.js';
import { synthesizeTones } from './earcons.js';
import { BYTES_PER_MS, type AudioDevice, type AudioLevel, type AudioStatus } from './types.js';
import { PushToTalk } from '../input/push-to-talk.js';
import type { PttMode } from '../input/types.js';

/** Options of {@link runDoctor}. */
export interface DoctorOptions {
  inputDevice?: string | number;
  outputDevice?: string | number;
  /** Global push-to-talk key (name or uiohook keycode). Default Right Ctrl. */
  pttKey?: string | number;
  /** Skip the audio checks (`--no-audio`). */
  noAudio?: boolean;
  /** Environment for the helpers (DISPLAY, ALSA_CONFIG_PATH, PULSE_SERVER). Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Milliseconds of audio to record for the level check. Default 2000. */
  recordMs?: number;
  /** Test tone length (ms). Default 700. */
  toneMs?: number;
  /** Called with a line before each step ("Recording 2 s — say something…"). */
  onProgress?: (line: string) => void;
}

/** What `doctor` found. */
export interface DoctorReport {
  devices: AudioDevice[];
  devicesError?: string;
  input: { status: AudioStatus; recordedMs: number; level?: AudioLevel; error?: string };
  output: { status: AudioStatus; tonePlayedMs: number; error?: string };
  ptt: { mode: PttMode; globalKey: boolean };
  /** Human-readable problems; empty when everything works. */
  problems: string[];
  /** Last lines of the audio helper's output (PortAudio/ALSA), for bug reports. */
  helperLog: string[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs the checks. Never throws; every failure ends up in the report. */
export async function runDoctor(opts: DoctorOptions = {}): Promise<DoctorReport> {
  const say = opts.onProgress ?? (() => {});
  const env = opts.env ?? process.env;
  const problems: string[] = [];
  const report: DoctorReport = {
    devices: [],
    input: { status: { kind: 'disabled', reason: 'audio disabled (--no-audio)' }, recordedMs: 0 },
    output: { status: { kind: 'disabled', reason: 'audio disabled (--no-audio)' }, tonePlayedMs: 0 },
    ptt: { mode: { kind: 'none', key: '?' }, globalKey: false },
    problems,
    helperLog: [],
  };

  if (!opts.noAudio) {
    say('Starting the audio helper…');
    const svc = new AudioService({
      env,
      ...(opts.inputDevice !== undefined ? { inputDevice: opts.inputDevice } : {}),
      ...(opts.outputDevice !== undefined ? { outputDevice: opts.outputDevice } : {}),
    });
    try {
      await svc.ready();
      try {
        report.devices = await svc.listDevices();
      } catch (err) {
        report.devicesError = errorText(err);
      }
      report.input.status = svc.input.status();
      report.output.status = svc.output.status();

      if (svc.input.status().kind === 'ready') {
        const recordMs = opts.recordMs ?? 2000;
        say(`Recording ${(recordMs / 1000).toFixed(1)} s — say something…`);
        const chunks: Buffer[] = [];
        let bytes = 0;
        let error: string | undefined;
        const onChunk = (pcm: Buffer) => {
          if (bytes >= recordMs * BYTES_PER_MS) return;
          chunks.push(pcm);
          bytes += pcm.length;
        };
        const onError = (e: Error) => {
          error = e.message;
        };
        svc.input.on('chunk', onChunk);
        svc.input.on('error', onError);
        svc.input.start();
        const deadline = performance.now() + recordMs + 1500;
        while (bytes < recordMs * BYTES_PER_MS && performance.now() < deadline && !error) await sleep(20);
        svc.input.stop();
        svc.input.off('chunk', onChunk);
        svc.input.off('error', onError);
        report.input.recordedMs = Math.round(Math.min(bytes, recordMs * BYTES_PER_MS) / BYTES_PER_MS);
        if (chunks.length)
          report.input.level = measureLevel(Buffer.concat(chunks).subarray(0, recordMs * BYTES_PER_MS));
        if (error) report.input.error = error;
        if (error) problems.push(`microphone: ${error}`);
        else if (report.input.recordedMs < recordMs * 0.9)
          problems.push(`microphone delivered only ${report.input.recordedMs} ms of ${recordMs} ms`);
        else if (!report.input.level || report.input.level.peakDb === -Infinity)
          problems.push('microphone recorded pure silence (muted, or the wrong device?)');
      } else {
        problems.push(`microphone ${statusText(svc.input.status())}`);
      }

      if (svc.output.status().kind === 'ready') {
        const toneMs = opts.toneMs ?? 700;
        say('Playing a test tone…');
        let error: string | undefined;
        const onError = (e: Error) => {
          error = e.message;
        };
        svc.output.on('error', onError);
        // drained, or give up after a while; the timer is cleared so it cannot hold the process open
        let giveUp: ReturnType<typeof setTimeout> | undefined;
        let onDrained = (): void => {};
        await new Promise<void>((resolve) => {
          onDrained = resolve;
          svc.output.once('drained', onDrained);
          giveUp = setTimeout(resolve, toneMs + 3000);
          svc.output.play('doctor-tone', synthesizeTones([{ hz: 440, ms: toneMs }]));
        });
        clearTimeout(giveUp);
        svc.output.off('drained', onDrained);
        svc.output.off('error', onError);
        report.output.tonePlayedMs = svc.output.playedMs('doctor-tone');
        if (error) report.output.error = error;
        if (error) problems.push(`speaker: ${error}`);
        else if (report.output.tonePlayedMs < toneMs - 20)
          problems.push(`speaker played only ${report.output.tonePlayedMs} ms of the ${toneMs} ms tone`);
      } else {
        problems.push(`speaker ${statusText(svc.output.status())}`);
      }
    } finally {
      report.helperLog = svc.diagnostics().slice(-20);
      await svc.close();
    }
  }

  say('Checking the global push-to-talk key…');
  const ptt = new PushToTalk({ env, ...(opts.pttKey !== undefined ? { key: opts.pttKey } : {}) });
  report.ptt.mode = await ptt.started();
  report.ptt.globalKey = report.ptt.mode.kind === 'hold';
  await ptt.close();
  if (!report.ptt.globalKey)
    problems.push(
      `push-to-talk: using tap-to-toggle (${report.ptt.mode.key}) — ${report.ptt.mode.reason ?? 'global key unavailable'}`,
    );
  return report;
}

function statusText(s: AudioStatus): string {
  switch (s.kind) {
    case 'ready':
      return `ready (${s.device})`;
    case 'starting':
      return 'starting';
    default:
      return `${s.kind}: ${s.reason}`;
  }
}

const db = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} dBFS` : '-inf dBFS');

/** Plain-text report for the terminal. */
export function formatDoctorReport(r: DoctorReport): string {
  const lines: string[] = ['voice-orch doctor', '', 'Audio devices:'];
  lines.push(r.devicesError ? `  (could not list devices: ${r.devicesError})` : formatDevices(r.devices));
  lines.push('', `Microphone: ${statusText(r.input.status)}`);
  if (r.input.recordedMs > 0 || r.input.error) {
    lines.push(
      `  recorded ${(r.input.recordedMs / 1000).toFixed(2)} s` +
        (r.input.level ? `, peak ${db(r.input.level.peakDb)}, RMS ${db(r.input.level.rmsDb)}` : ''),
    );
    if (r.input.error) lines.push(`  error: ${r.input.error}`);
  }
  lines.push(`Speaker: ${statusText(r.output.status)}`);
  if (r.output.tonePlayedMs > 0 || r.output.error) {
    lines.push(`  test tone: ${r.output.tonePlayedMs} ms played`);
    if (r.output.error) lines.push(`  error: ${r.output.error}`);
  }
  const m = r.ptt.mode;
  lines.push(
    '',
    m.kind === 'hold'
      ? `Push-to-talk: hold ${m.key} (global key works)`
      : `Push-to-talk: tap ${m.key} to start, tap again to send, Esc to discard${m.reason ? ` (${m.reason})` : ''}`,
  );
  lines.push(
    '',
    r.problems.length ? `Problems:\n${r.problems.map((p) => `  - ${p}`).join('\n')}` : 'Everything works.',
  );
  // Device names, helper errors and driver messages are outside text printed straight to the terminal.
  return sanitizeText(lines.join('\n'));
}
