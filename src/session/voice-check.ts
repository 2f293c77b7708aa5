/**
 * `voice-orch voice-check --wav FILE`: one spoken turn from a WAV file through the configured
 * voice engine, as the app would run it (the same engine, timeouts and error lines), with the
 * stage latencies printed — a way to try a stack before talking to it. No task tools are offered,
 * nothing is played: the speech is counted, not heard. The engine-specific runs live beside their
 * engines (cascade/voice-check.ts, realtime/voice-check.ts), their shared parts in voice-check-parts.ts.
 */
import { readFileSync } from 'node:fs';
import { BYTES_PER_MS } from '../audio/types.js';
import type { Settings } from '../config/config.js';
import { errorText } from '../shared/errors.js';
import { sanitizeLine } from '../shared/sanitize.js';
import { cascadeCheckLines, runCascadeCheck } from './cascade/voice-check.js';
import { resamplePcm16 } from './cascade/speech-synth.js';
import { realtimeCheckLines, runRealtimeCheck } from './realtime/voice-check.js';
import { CountingOutput, type VoiceCheckReport } from './voice-check-parts.js';

export type { VoiceCheckReport } from './voice-check-parts.js';

/** Neither engine sends a turn shorter than this (cascade-engine.ts, realtime/user-turn.ts). */
const MIN_AUDIO_MS = 100;

/** PCM16 mono at the engines' rate (24 kHz) from a WAV file (16-bit PCM, mono or stereo, any rate). */
export function readWav(buf: Buffer): { pcm: Buffer } | { error: string } {
  if (buf.length < 44 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE')
    return { error: 'not a WAV file' };
  let at = 12;
  let fmt: { format: number; channels: number; rate: number; bits: number } | undefined;
  while (at + 8 <= buf.length) {
    const id = buf.toString('ascii', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ') {
      fmt = {
        format: buf.readUInt16LE(body),
        channels: buf.readUInt16LE(body + 2),
        rate: buf.readUInt32LE(body + 4),
        bits: buf.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!fmt) return { error: 'a WAV file without its format chunk' };
      if (fmt.format !== 1 || fmt.bits !== 16 || fmt.channels < 1 || fmt.channels > 2)
        return { error: `a WAV file in a format voice-check does not read (it reads 16-bit PCM, mono or stereo)` };
      // Streamed WAVs (espeak-ng --stdout) give no size: the samples run to the end.
      const end = size === 0 || size === 0xffffffff ? buf.length : Math.min(buf.length, body + size);
      let pcm = buf.subarray(body, end - ((end - body) % (2 * fmt.channels)));
      if (fmt.channels === 2) {
        const mono = Buffer.alloc(pcm.length / 2);
        for (let i = 0; i < mono.length / 2; i++)
          mono.writeInt16LE(Math.round((pcm.readInt16LE(i * 4) + pcm.readInt16LE(i * 4 + 2)) / 2), i * 2);
        pcm = mono;
      }
      return { pcm: resamplePcm16(pcm, fmt.rate) };
    }
    at = body + size + (size % 2);
  }
  return { error: 'a WAV file without samples' };
}

/** Runs one turn from `wavPath` through the voice engine of `settings`. Never throws. */
export async function runVoiceCheck(settings: Settings, wavPath: string): Promise<VoiceCheckReport> {
  const report: VoiceCheckReport = {
    ok: false,
    engine: settings.voiceEngine.engine,
    file: wavPath,
    audioMs: 0,
    stages: {},
    transcript: '',
    answer: '',
    speechBytes: 0,
    problems: [],
  };
  let wav: ReturnType<typeof readWav>;
  try {
    wav = readWav(readFileSync(wavPath));
  } catch (err) {
    wav = { error: `cannot be read (${errorText(err)})` };
  }
  if ('error' in wav) {
    report.problems.push(`${wavPath}: ${wav.error}. Give a 16-bit PCM WAV file, e.g. from espeak-ng -w FILE.`);
    return report;
  }
  report.audioMs = Math.round(wav.pcm.length / BYTES_PER_MS);
  if (report.audioMs < MIN_AUDIO_MS) {
    report.problems.push(`${wavPath} holds ${report.audioMs} ms of audio; a turn needs at least ${MIN_AUDIO_MS} ms.`);
    return report;
  }
  const audio = new CountingOutput(settings.audio);
  try {
    if (settings.voiceEngine.engine === 'cascade') await runCascadeCheck(settings, wav.pcm, report, audio);
    else await runRealtimeCheck(settings, wav.pcm, report, audio);
  } catch (err) {
    report.problems.push(errorText(err));
  }
  report.speechBytes = audio.bytes;
  const heard = report.transcript !== '' && report.answer !== '';
  report.ok = heard && (!settings.audio || !speechExpected(settings) || audio.bytes > 0);
  if (heard && settings.audio && audio.bytes === 0)
    report.problems.push('No speech came back (the answer would be text only).');
  return report;
}

/** Whether the engine should have sent speech: the cascade's espeak-ng voice is local and not counted. */
function speechExpected(settings: Settings): boolean {
  const ve = settings.voiceEngine;
  return ve.engine !== 'cascade' || ve.tts.engine === 'http';
}

/** The report as text: the endpoints, one line per stage, the transcript and the answer. */
export function formatVoiceCheck(r: VoiceCheckReport, settings: Settings): string {
  const lines = [`voice-check: ${r.engine} engine, ${r.file} (${(r.audioMs / 1000).toFixed(1)} s of audio)`];
  lines.push(...(r.engine === 'cascade' ? cascadeCheckLines(r, settings) : realtimeCheckLines(r, settings)));
  lines.push(`transcript: ${r.transcript ? `"${sanitizeLine(r.transcript)}"` : '(none)'}`);
  lines.push(`answer: ${r.answer ? `"${sanitizeLine(r.answer)}"` : '(none)'}`);
  if (r.speechBytes > 0)
    lines.push(
      `speech: ${(r.speechBytes / BYTES_PER_MS / 1000).toFixed(1)} s, first audio after ${r.firstAudioMs ?? '—'} ms`,
    );
  for (const p of r.problems) lines.push(`problem: ${sanitizeLine(p)}`);
  lines.push(r.ok ? 'ok' : 'voice-check failed');
  return `${lines.join('\n')}\n`;
}

/** The report as one JSON object (outside text cleaned). */
export function formatVoiceCheckJson(r: VoiceCheckReport): string {
  const clean = {
    ...r,
    transcript: sanitizeLine(r.transcript),
    answer: sanitizeLine(r.answer),
    problems: r.problems.map(sanitizeLine),
  };
  return `${JSON.stringify(clean)}\n`;
}
