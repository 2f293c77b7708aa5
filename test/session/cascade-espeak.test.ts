/**
 * The built-in local voice (`--tts-engine espeak-ng`): the real espeak-ng program speaks each
 * sentence as 24 kHz PCM, no speech endpoint is called, and its failures are one status line.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EspeakError, espeakSpeech, resamplePcm16, wavSamples } from '../../src/session/cascade/speech-synth.js';
import { loadSettings } from '../../src/config/config.js';
import { cascadeRig, closeCascadeRigs, lastFinal } from '../helpers/cascade-rig.js';
import { until } from '../helpers/voice-doubles.js';

afterEach(closeCascadeRigs);

async function collect(stream: AsyncIterable<Uint8Array> | null): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream ?? []) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

function peak(pcm: Buffer): number {
  let p = 0;
  for (let i = 0; i + 1 < pcm.length; i += 2) p = Math.max(p, Math.abs(pcm.readInt16LE(i)));
  return p;
}

describe('espeak-ng voice', () => {
  it('speaks a sentence as 24 kHz PCM16, and text that looks like an option is spoken, not obeyed', async () => {
    const synth = espeakSpeech('en-us');
    const pcm = await collect(
      await synth.speak('Hello there, the tests passed.', { signal: new AbortController().signal, timeoutMs: 20_000 }),
    );
    expect(pcm.length % 2).toBe(0);
    expect(pcm.length / 48).toBeGreaterThan(800); // over 0.8 s of speech
    expect(peak(pcm)).toBeGreaterThan(3000); // speech, not silence
    const dashed = await collect(
      await synth.speak('--version', { signal: new AbortController().signal, timeoutMs: 20_000 }),
    );
    expect(dashed.length / 48).toBeGreaterThan(200);
  });

  it('an unknown voice fails with what to do', async () => {
    const synth = espeakSpeech('nosuchvoice');
    await expect(synth.speak('hi', { signal: new AbortController().signal, timeoutMs: 20_000 })).rejects.toThrow(
      EspeakError,
    );
    await expect(synth.speak('hi', { signal: new AbortController().signal, timeoutMs: 20_000 })).rejects.toThrow(
      /espeak-ng failed \(.*does not exist\.\); check --tts-voice/,
    );
    await expect(
      espeakSpeech('en-us', '/nonexistent/espeak-ng').speak('hi', {
        signal: new AbortController().signal,
        timeoutMs: 5000,
      }),
    ).rejects.toThrow(/espeak-ng is not installed/);
  });

  it('pure parts: WAV samples with unknown sizes, resampling 22 050 → 24 000 Hz', () => {
    const header = Buffer.alloc(44);
    header.write('RIFF', 0, 'ascii');
    header.writeUInt32LE(0x7ffff024, 4);
    header.write('WAVEfmt ', 8, 'ascii');
    header.writeUInt32LE(22050, 24);
    header.write('data', 36, 'ascii');
    header.writeUInt32LE(0x7ffff000, 40);
    const samples = Buffer.alloc(22050 * 2);
    for (let i = 0; i < 22050; i++) samples.writeInt16LE(i % 100, i * 2);
    const { pcm, rate } = wavSamples(Buffer.concat([header, samples, Buffer.from([1])]));
    expect(rate).toBe(22050);
    expect(pcm.length).toBe(22050 * 2);
    const out = resamplePcm16(pcm, 22050);
    expect(out.length).toBe(24000 * 2);
    expect(out.readInt16LE(0)).toBe(0);
    expect(() => wavSamples(Buffer.from('not a wav'))).toThrow(EspeakError);
  });

  it('the cascade speaks its answer with espeak-ng and calls no speech endpoint', async () => {
    const rig = await cascadeRig(
      {},
      { override: { tts: { url: '', model: '', voice: 'en-us', engine: 'espeak-ng', timeoutMs: 20_000 } } },
    );
    rig.server.chat.push({ text: 'All three tasks are done. Nothing is waiting.' });
    rig.engine.sendText('status?');
    await until(() => lastFinal(rig, 'assistant') !== undefined, 'answer');
    await until(() => rig.audio.playCalls >= 1, 'speech played');
    const bytes = [...rig.audio.playedBytes.values()];
    expect(bytes.reduce((a, b) => a + b, 0) / 48).toBeGreaterThan(1500); // ms of speech
    expect(rig.server.to('/v1/audio/speech')).toHaveLength(0);
    expect(rig.infos).toEqual([]);
  });

  it('is chosen with --tts-engine espeak-ng, whose voice defaults to en-us', () => {
    const r = loadSettings(['--voice-engine', 'cascade', '--tts-engine', 'espeak-ng'], { HOME: '/nonexistent' }, '/w');
    expect(r.ok && r.settings.voiceEngine.tts).toMatchObject({ engine: 'espeak-ng', voice: 'en-us' });
    const e = loadSettings(
      [],
      { HOME: '/nonexistent', VOICE_ORCH_TTS_ENGINE: 'espeak-ng', VOICE_ORCH_TTS_VOICE: 'en-gb' },
      '/w',
    );
    expect(e.ok && e.settings.voiceEngine.tts).toMatchObject({ engine: 'espeak-ng', voice: 'en-gb' });
    const bad = loadSettings(['--tts-engine', 'say'], { HOME: '/nonexistent' }, '/w');
    expect(!bad.ok && bad.message).toMatch(/^--tts-engine must be one of http, espeak-ng \(got "say"\)/);
  });
});
