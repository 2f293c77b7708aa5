/**
 * voice-check's turn through the cascade engine (src/session/voice-check.ts): the WAV's audio as
 * one push-to-talk turn, the stages read back from the turn's latency-log line.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Settings } from '../../config/config.js';
import { errorText } from '../../shared/errors.js';
import { after, NO_TOOLS, stageLine, type CountingOutput, type VoiceCheckReport } from '../voice-check-parts.js';
import { CascadeEngine } from './cascade-engine.js';
import { CASCADE_STAGES, type CascadeStageTimes } from './cascade-latency.js';

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

/** Runs the turn `pcm` (PCM16 mono 24 kHz) through the cascade endpoints of `settings` into `report`. */
export async function runCascadeCheck(
  settings: Settings,
  pcm: Buffer,
  report: VoiceCheckReport,
  audio: CountingOutput,
): Promise<void> {
  const ve = settings.voiceEngine;
  const dir = mkdtempSync(join(tmpdir(), 'voice-check-'));
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
  engine.appendAudio(pcm);
  engine.talkEnd();
  // Every request has its timeout, so the turn ends; the guard only keeps a fault from hanging.
  const guardMs = 2 * (ve.stt.timeoutMs + ve.llm.timeoutMs + ve.tts.timeoutMs + 3 * ve.stt.connectTimeoutMs);
  const guard = after(guardMs, true);
  const gaveUp = await Promise.race([done.then(() => false), guard.promise]);
  guard.cancel();
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
}

/** The cascade's endpoints and its stage lines. */
export function cascadeCheckLines(r: VoiceCheckReport, settings: Settings): string[] {
  const ve = settings.voiceEngine;
  return [
    `  speech-to-text  ${ve.stt.url}  ${ve.stt.model}`,
    `  chat            ${ve.llm.url}  ${ve.llm.model}`,
    !settings.audio
      ? '  speech          none (--no-audio: text only)'
      : ve.tts.engine === 'espeak-ng'
        ? `  speech          espeak-ng, voice ${ve.tts.voice}`
        : `  speech          ${ve.tts.url}  ${ve.tts.model}, voice ${ve.tts.voice}`,
    'stages (ms after the end of the spoken turn):',
    ...CASCADE_STAGES.map((stage) => stageLine(STAGE_NAMES[stage], r.stages[stage])),
  ];
}
