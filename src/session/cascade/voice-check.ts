/**
 * `voice-orch voice-check --wav FILE`: one spoken turn from a WAV file through the configured
 * cascade endpoints, as the app would run it (the same engine, timeouts and error lines), with
 * the stage latencies printed — a way to try a local stack before talking to it. No task tools
 * are offered, nothing is played: the speech is counted, not heard.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BYTES_PER_MS, type AudioOutputEvents, type AudioOutputPort, type AudioStatus } from '../../audio/types.js';
import type { Settings } from '../../config/config.js';
import { errorText } from '../../shared/errors.js';
import { sanitizeLine } from '../../shared/sanitize.js';
import type { ToolHost } from '../types.js';
import { CascadeEngine } from './cascade-engine.js';
import { CASCADE_STAGES, type CascadeStageTimes } from './cascade-latency.js';
import { resamplePcm16 } from './speech-synth.js';

/** What one check found; `ok` when the words were heard, answered and (with audio) spoken. */
export interface VoiceCheckReport {
  ok: boolean;
  engine: string;
  file: string;
  audioMs: number;
  stages: CascadeStageTimes;
  firstAudioMs?: number;
  transcript: string;
  answer: string;
  speechBytes: number;
  problems: string[];
}

/** The engine sends nothing shorter (cascade-engine.ts). */
const MIN_AUDIO_MS = 100;

/** How each stage is named in the report, in order. */
const STAGE_NAMES: Record<(typeof CASCADE_STAGES)[number], string> = {
  sttRequest: 'transcription request sent',
  transcript: 'transcript received',
  chatRequest: 'chat request sent',
  firstToken: 'first token',
  firstSentence: 'first complete sentence',
  speechRequest: 'speech request sent',
  firstSpeechBytes: 'first speech bytes',
  firstPlayback: 'first audio to playback',
};

/** PCM16 mono at the engine's rate from a WAV file (16-bit PCM, mono or stereo, any rate). */
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

/** An output that plays nothing: it counts the speech and says at once that it has played it. */
class CountingOutput extends EventEmitter<AudioOutputEvents> implements AudioOutputPort {
  bytes = 0;
  private readonly items = new Map<string, number>();
  constructor(private readonly audioOn: boolean) {
    super();
  }
  play(itemId: string, pcm: Buffer): void {
    if (this.bytes === 0) this.emit('started');
    this.bytes += pcm.length;
    this.items.set(itemId, (this.items.get(itemId) ?? 0) + pcm.length);
    setImmediate(() => this.emit('drained'));
  }
  stop(): Promise<{ itemId: null; playedMs: number }> {
    return Promise.resolve({ itemId: null, playedMs: 0 });
  }
  isPlaying(): boolean {
    return false;
  }
  playedMs(itemId: string): number {
    return (this.items.get(itemId) ?? 0) / BYTES_PER_MS;
  }
  earcon(): void {}
  status(): AudioStatus {
    return this.audioOn ? { kind: 'ready', device: 'voice-check' } : { kind: 'disabled', reason: '--no-audio' };
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const NO_TOOLS: ToolHost = {
  tools: () => [],
  callTool: () => Promise.resolve('voice-check offers no tools.'),
  taskBoard: () => ({ version: 0, summary: 'No tasks (voice-check).' }),
};

/** Runs one turn from `wavPath` through the cascade engine of `settings`. Never throws. */
export async function runVoiceCheck(settings: Settings, wavPath: string): Promise<VoiceCheckReport> {
  const ve = settings.voiceEngine;
  const report: VoiceCheckReport = {
    ok: false,
    engine: ve.engine,
    file: wavPath,
    audioMs: 0,
    stages: {},
    transcript: '',
    answer: '',
    speechBytes: 0,
    problems: [],
  };
  if (ve.engine !== 'cascade') {
    report.problems.push(
      'voice-check runs the cascade engine; choose it with --voice-engine cascade (check the Realtime endpoint with voice-orch doctor).',
    );
    return report;
  }
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
  const dir = mkdtempSync(join(tmpdir(), 'voice-check-'));
  const audio = new CountingOutput(settings.audio);
  const engine = new CascadeEngine({
    stt: ve.stt,
    llm: ve.llm,
    tts: ve.tts,
    toolHost: NO_TOOLS,
    audio,
    isTalkHeld: () => false,
    noticeMode: 'off',
    prices: ve.prices,
    latencyLogPath: join(dir, 'latency.jsonl'),
  });
  const answers = new Map<string, string>();
  engine.on('transcript', (e) => {
    if (e.role === 'user' && e.final) report.transcript = e.text;
    if (e.role === 'assistant') answers.set(e.id, e.text);
  });
  engine.on('info', (line) => report.problems.push(line));
  engine.on('error', (err) => report.problems.push(errorText(err)));
  const done = new Promise<void>((resolve) => engine.once('cost', () => resolve()));
  engine.start();
  engine.talkStart();
  engine.appendAudio(wav.pcm);
  engine.talkEnd();
  // Every request has its timeout, so the turn ends; the guard only keeps a fault from hanging.
  const guardMs = 2 * (ve.stt.timeoutMs + ve.llm.timeoutMs + ve.tts.timeoutMs + 3 * ve.stt.connectTimeoutMs);
  let guard: NodeJS.Timeout | undefined;
  const gaveUp = await Promise.race([
    done.then(() => false),
    new Promise<boolean>((r) => (guard = setTimeout(() => r(true), guardMs))),
  ]);
  clearTimeout(guard);
  if (gaveUp) report.problems.push(`The turn did not end within ${Math.round(guardMs / 1000)} s.`);
  await engine.close();
  try {
    const line = readFileSync(join(dir, 'latency.jsonl'), 'utf8').trim().split('\n').at(-1) ?? '{}';
    const logged = JSON.parse(line) as { stages?: CascadeStageTimes; firstAudioMs?: number };
    report.stages = logged.stages ?? {};
    if (logged.firstAudioMs !== undefined) report.firstAudioMs = logged.firstAudioMs;
  } catch {
    // no turn was logged: the problems say why
  }
  rmSync(dir, { recursive: true, force: true });
  report.answer = [...answers.values()].join(' ').trim();
  report.speechBytes = audio.bytes;
  report.ok =
    report.transcript !== '' &&
    report.answer !== '' &&
    (!settings.audio || ve.tts.engine !== 'http' || audio.bytes > 0);
  if (report.ok && settings.audio && audio.bytes === 0)
    report.problems.push('No speech came back (the answer would be text only).');
  return report;
}

/** The report as text: the endpoints, one line per stage, the transcript and the answer. */
export function formatVoiceCheck(r: VoiceCheckReport, settings: Settings): string {
  const ve = settings.voiceEngine;
  const lines = [`voice-check: ${r.engine} engine, ${r.file} (${(r.audioMs / 1000).toFixed(1)} s of audio)`];
  if (r.engine === 'cascade') {
    lines.push(`  speech-to-text  ${ve.stt.url}  ${ve.stt.model}`);
    lines.push(`  chat            ${ve.llm.url}  ${ve.llm.model}`);
    lines.push(
      !settings.audio
        ? '  speech          none (--no-audio: text only)'
        : ve.tts.engine === 'espeak-ng'
          ? `  speech          espeak-ng, voice ${ve.tts.voice}`
          : `  speech          ${ve.tts.url}  ${ve.tts.model}, voice ${ve.tts.voice}`,
    );
    lines.push('stages (ms after the end of the spoken turn):');
    for (const stage of CASCADE_STAGES) {
      const ms = r.stages[stage];
      lines.push(`  ${STAGE_NAMES[stage].padEnd(28)} ${ms === undefined ? '—' : ms.toFixed(1).padStart(9)}`);
    }
  }
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
