/**
 * Builds the cascade engine from settings (`--voice-engine cascade`): the composition root picks
 * this factory instead of the Realtime one.
 */
import { join } from 'node:path';
import type { VoiceEngineFactory } from '../../compose.js';
import { CascadeEngine } from './cascade-engine.js';

/** The cascade engine with the configured endpoints; logs beside the Realtime engine's. */
export const cascadeEngine: VoiceEngineFactory = ({ settings, toolHost, audio, isTalkHeld }) => {
  const { stt, llm, tts, prices } = settings.voiceEngine;
  return new CascadeEngine({
    stt,
    llm,
    tts,
    toolHost,
    audio,
    isTalkHeld,
    prices,
    noticeMode: settings.notices,
    earconBeforeNotice: settings.earconBeforeNotice,
    latencyLogPath: join(settings.stateDir, 'latency.jsonl'),
    transcriptPath: join(settings.stateDir, 'transcript.jsonl'),
  });
};
