/**
 * A spoken turn with the cascade engine through real audio: an espeak-ng phrase is the microphone
 * (an ALSA file device), the talk key is held and released under Xvfb through the real hotkey
 * helper, the turn goes to the loopback OpenAI-compatible fake, and the spoken answer lands in the
 * speaker device (another ALSA file). The real composition, store and views, as in cascade-rig.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/config.js';
import { composeApp } from '../../src/compose.js';
import { App } from '../../src/components/App.js';
import { AudioService } from '../../src/audio/audio-service.js';
import { PushToTalk } from '../../src/input/push-to-talk.js';
import { FakeOpenAiServer } from '../helpers/fake-openai-server.js';
import { fileBackendEnv, makeSpeech, scratch, sleep, startXvfb, xte, type Xvfb } from '../audio/real-audio.js';

const FAKE_CLAUDE = new URL('../fixtures/fake-claude', import.meta.url).pathname;
const PHRASE = 'What are my tasks doing right now?';
/** Silence after the phrase: the file device is unpaced and reads stale data past its end (recipe A). */
const PADDING_BYTES = 60 * 48_000;
const SPEECH_BYTES = 24_000;

async function until(check: () => boolean, what: string | (() => string), timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${typeof what === 'string' ? what : what()}`);
    await sleep(40);
  }
}

let x: Xvfb;
let dir: string;
let cleanup: () => void;
let phrase: Buffer;
let mic: string;

beforeAll(async () => {
  ({ dir, cleanup } = scratch('vo-cascade-spoken-'));
  phrase = makeSpeech(dir, PHRASE).pcm;
  mic = join(dir, 'mic.raw');
  writeFileSync(mic, Buffer.concat([phrase, Buffer.alloc(PADDING_BYTES)]));
  x = await startXvfb();
}, 30_000);
afterAll(async () => {
  await x?.stop();
  cleanup?.();
});

describe('a spoken turn with the cascade engine (ALSA file devices, held talk key)', () => {
  it('the espeak-ng phrase goes up whole as WAV, is answered, and the answer is spoken to the speaker device', async () => {
    const server = new FakeOpenAiServer({ speechBytes: SPEECH_BYTES });
    const url = await server.start();
    const projects = join(dir, 'code');
    mkdirSync(join(projects, 'api'), { recursive: true });
    const loaded = loadSettings(
      ['--state-dir', join(dir, 'state'), '--claude-path', FAKE_CLAUDE, '--voice-engine', 'cascade'],
      { HOME: dir, VOICE_ORCH_STT_URL: url, VOICE_ORCH_LLM_URL: url, VOICE_ORCH_TTS_URL: url },
      projects,
    );
    if (!loaded.ok) throw new Error(loaded.message);
    const speakerFile = join(dir, 'speaker.raw');
    // Per-turn: each press opens the microphone file from its start (a long-lived stream would
    // read the unpaced file away before the key goes down).
    const audio = new AudioService({ env: fileBackendEnv(mic, speakerFile), inputStream: 'per-turn' });
    // A loaded machine can take more than the default 3 s to start the hotkey helper.
    const ptt = new PushToTalk({ env: { ...process.env, DISPLAY: x.display }, readyTimeoutMs: 15_000 });
    const app = await composeApp(loaded.settings, () => {}, { audio, ptt, taskOptions: { cancelGraceMs: 500 } });
    const ui = render(<App store={app.store} commands={app.commands} tickMs={0} />);
    const frame = (): string => ui.lastFrame() ?? '';
    try {
      server.transcripts.push(PHRASE);
      server.chat.push({ text: 'Nothing is running. Start a task with n.' });
      await until(() => app.store.getState().connection.kind === 'ready', 'the engine ready');
      expect(await ptt.started()).toEqual({ kind: 'hold', key: 'Right Ctrl' });
      await until(() => audio.input.status().kind === 'ready', 'the microphone');
      await until(() => audio.output.status().kind === 'ready', 'the speaker');

      // Hold the key until the microphone has delivered the whole phrase, then let go.
      let captured = 0;
      audio.input.on('chunk', (pcm) => (captured += pcm.length));
      xte(x.display, 'keydown Control_R');
      await until(
        () => captured >= phrase.length,
        () => `the phrase captured (${captured} of ${phrase.length} bytes)`,
      );
      xte(x.display, 'keyup Control_R');
      await until(() => !app.ptt.isTalking(), 'the release');

      await until(() => server.to('/v1/audio/transcriptions').length === 1, 'the upload');
      const file = server.to('/v1/audio/transcriptions')[0]!.body.file as { head: string; bytes: number; data: Buffer };
      expect(file.head).toBe('RIFF');
      const uploaded = file.data.subarray(44);
      // All of the phrase, sample for sample, then at most the silence read before the release took effect.
      expect(uploaded.length).toBeGreaterThanOrEqual(phrase.length);
      expect(uploaded.length).toBeLessThan(phrase.length + PADDING_BYTES);
      expect(uploaded.subarray(0, phrase.length).equals(phrase)).toBe(true);
      expect(uploaded.subarray(phrase.length).every((b) => b === 0)).toBe(true);

      await until(
        () => frame().includes(PHRASE) && /Nothing is running\. Start a task with n\./.test(frame()),
        () => `the turn in the frame:\n${frame()}`,
      );
      await until(() => server.to('/v1/audio/speech').length === 1, 'the speech request');
      // The answer's PCM (the fake's bytes of 1) reached the speaker file whole.
      await until(
        () => (statSync(speakerFile, { throwIfNoEntry: false })?.size ?? 0) >= SPEECH_BYTES,
        'audio at the speaker',
      );
      await until(() => !app.store.getState().speaking, 'the answer played');
      await audio.close(); // flushes the file plugin's last period
      expect(readFileSync(speakerFile).indexOf(Buffer.alloc(SPEECH_BYTES, 1))).toBeGreaterThanOrEqual(0);
    } finally {
      ui.unmount();
      await app.shutdown('cancel');
      await server.close();
    }
  });
});
