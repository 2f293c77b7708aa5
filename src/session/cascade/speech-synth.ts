/**
 * Where the cascade's speech comes from: an OpenAI-compatible `/v1/audio/speech` endpoint
 * (`--tts-engine http`, the default) or the local `espeak-ng` program (`--tts-engine espeak-ng`),
 * the built-in voice that needs no server. Both give PCM16 mono at 24 kHz, the playback format.
 */
import type OpenAI from 'openai';
import { execa } from 'execa';
import { SAMPLE_RATE } from '../../audio/types.js';

import type { TtsEngineName } from '../../config/voice-engine-settings.js';

export type { TtsEngineName };

/** Turns one piece of text into PCM16 mono 24 kHz audio. */
export interface SpeechSynth {
  readonly kind: TtsEngineName;
  /**
   * Starts speaking `text`: resolves with the audio (streamed, or one chunk), rejects on failure
   * (an abort through `signal` included).
   */
  speak(text: string, opts: { signal: AbortSignal; timeoutMs: number }): Promise<AsyncIterable<Uint8Array> | null>;
}

/** Speech from an OpenAI-compatible endpoint, streamed as it arrives. */
export function httpSpeech(client: OpenAI, model: string, voice: string): SpeechSynth {
  return {
    kind: 'http',
    async speak(text, { signal, timeoutMs }) {
      const res = await client.audio.speech.create(
        { model, voice, input: text, response_format: 'pcm' },
        { signal, timeout: timeoutMs, maxRetries: 0 },
      );
      return res.body as AsyncIterable<Uint8Array> | null;
    },
  };
}

/** Error of an `espeak-ng` run that gave no audio; its message says what to do. */
export class EspeakError extends Error {
  override readonly name = 'EspeakError';
}

/** The samples of a WAV file from `espeak-ng --stdout` (its sizes say "unknown" when streamed). */
export function wavSamples(wav: Buffer): { pcm: Buffer; rate: number } {
  if (wav.length < 44 || wav.toString('ascii', 0, 4) !== 'RIFF') throw new EspeakError('espeak-ng gave no WAV audio');
  const rate = wav.readUInt32LE(24);
  const data = wav.indexOf('data', 12, 'ascii');
  if (data < 0) throw new EspeakError('espeak-ng gave a WAV without samples');
  const pcm = wav.subarray(data + 8);
  return { pcm: pcm.subarray(0, pcm.length - (pcm.length % 2)), rate };
}

/** Linear resampling of PCM16 mono (speech at 22 050 Hz to the 24 kHz playback rate). */
export function resamplePcm16(pcm: Buffer, from: number, to: number = SAMPLE_RATE): Buffer {
  if (from === to) return pcm;
  const inCount = pcm.length / 2;
  const outCount = Math.floor((inCount * to) / from);
  const out = Buffer.alloc(outCount * 2);
  for (let i = 0; i < outCount; i++) {
    const pos = (i * from) / to;
    const j = Math.floor(pos);
    const a = pcm.readInt16LE(Math.min(j, inCount - 1) * 2);
    const b = pcm.readInt16LE(Math.min(j + 1, inCount - 1) * 2);
    out.writeInt16LE(Math.round(a + (b - a) * (pos - j)), i * 2);
  }
  return out;
}

/** Speech from the local `espeak-ng` program; `voice` is an espeak-ng voice (`en-us`). */
export function espeakSpeech(voice: string, program = 'espeak-ng'): SpeechSynth {
  return {
    kind: 'espeak-ng',
    async speak(text, { signal, timeoutMs }) {
      // The text is model output: one argv word after `--`, never an option.
      const r = await execa(program, ['--stdout', '-v', voice, '--', text], {
        encoding: 'buffer',
        stdin: 'ignore',
        cancelSignal: signal,
        timeout: timeoutMs,
        reject: false,
      });
      if (signal.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
      if (r.failed || r.exitCode !== 0) {
        const said =
          Buffer.from(r.stderr ?? [])
            .toString('utf8')
            .trim()
            .split('\n')[0] ?? '';
        const missing = (r as { code?: string }).code === 'ENOENT';
        throw new EspeakError(
          missing
            ? 'espeak-ng is not installed; install the espeak-ng package or use --tts-engine http'
            : `espeak-ng failed${said ? ` (${said})` : ''}; check --tts-voice (espeak-ng --voices lists them)`,
        );
      }
      const { pcm, rate } = wavSamples(Buffer.from(r.stdout));
      const audio = resamplePcm16(pcm, rate);
      return (async function* () {
        yield audio;
      })();
    },
  };
}
