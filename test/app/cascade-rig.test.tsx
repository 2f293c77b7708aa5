/**
 * The app rig with `--voice-engine cascade`: the real composition (settings, TaskManager running
 * test/fixtures/fake-claude, the command registry's tool host, audio through the real audio helper
 * on ALSA file devices) with the cascade engine against the loopback OpenAI-compatible fake.
 */
import { mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/config.js';
import { composeApp } from '../../src/compose.js';
import { App } from '../../src/components/App.js';
import { AudioService } from '../../src/audio/audio-service.js';
import { PushToTalk } from '../../src/input/push-to-talk.js';
import { CascadeEngine, NOTICE_PREFIX } from '../../src/session/cascade/cascade-engine.js';
import { FakeOpenAiServer } from '../helpers/fake-openai-server.js';
import { ALSA_FILE_CONF } from '../audio/real-audio.js';

const FAKE_CLAUDE = new URL('../fixtures/fake-claude', import.meta.url).pathname;
const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, what: string | (() => string), timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${typeof what === 'string' ? what : what()}`);
    await tick(40);
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The real composition with the cascade engine against a fresh fake server. */
async function cascadeApp() {
  const dir = mkdtempSync(join(tmpdir(), 'vo-cascade-rig-'));
  const projects = join(dir, 'code');
  mkdirSync(join(projects, 'api'), { recursive: true });
  const server = new FakeOpenAiServer({ speechBytes: 9_600 });
  const url = await server.start();
  cleanups.push(() => server.close());
  const loaded = loadSettings(
    ['--state-dir', join(dir, 'state'), '--claude-path', FAKE_CLAUDE, '--voice-engine', 'cascade'],
    // No OPENAI_API_KEY: a local stack needs none.
    { HOME: dir, VOICE_ORCH_STT_URL: url, VOICE_ORCH_LLM_URL: url, VOICE_ORCH_TTS_URL: url },
    projects,
  );
  if (!loaded.ok) throw new Error(loaded.message);
  const speakerFile = join(dir, 'speaker.raw');
  const audio = new AudioService({
    env: { ...process.env, ALSA_CONFIG_PATH: ALSA_FILE_CONF, VO_AUDIO_IN: '/dev/zero', VO_AUDIO_OUT: speakerFile },
  });
  const ptt = new PushToTalk({ disableGlobalKey: true });
  const app = await composeApp(loaded.settings, () => {}, { audio, ptt, taskOptions: { cancelGraceMs: 500 } });
  cleanups.push(() => app.shutdown('cancel'));
  const ui = render(<App store={app.store} commands={app.commands} tickMs={0} />);
  cleanups.push(() => ui.unmount());
  await until(() => app.store.getState().connection.kind === 'ready', 'the engine ready');
  await until(() => audio.output.status().kind === 'ready', 'the speaker ready');
  const spoken = (): boolean => (statSync(speakerFile, { throwIfNoEntry: false })?.size ?? 0) > 0;
  return { app, server, ui, spoken, frame: () => ui.lastFrame() ?? '' };
}

describe('app rig with the cascade engine', () => {
  it('a typed message starts a task through the chat model, the answer is spoken, and the finish notice goes to the model', async () => {
    const { app, server, ui, spoken } = await cascadeApp();
    const args = JSON.stringify({ name: 'notes', prompt: 'Write NOTES.md. scenario:write-file', project: 'api' });
    server.chat.push(
      { toolCalls: [{ id: 'call_rig_1', name: 'spawn_task', arguments: args }] },
      { text: 'I started the notes task in the api project.' },
      { text: 'The notes task has finished.' },
    );
    expect(app.voice).toBeInstanceOf(CascadeEngine);
    ui.stdin.write(':');
    await tick();
    for (const ch of 'start notes in api') ui.stdin.write(ch);
    await tick();
    ui.stdin.write('\r');
    await until(() => app.tasks.get(1) !== undefined, 'the task the tool call started');
    await until(
      () => /I started the notes task/.test(ui.lastFrame() ?? ''),
      () => `the answer in the frame:\n${ui.lastFrame()}`,
    );
    await until(() => server.to('/v1/audio/speech').length > 0, 'a speech request');
    await until(spoken, 'audio at the speaker');
    await until(() => app.tasks.get(1)?.status === 'completed', 'the agent to finish');
    await until(() => server.to('/v1/chat/completions').length === 3, 'the notice request');
    const messages = server.to('/v1/chat/completions')[2]!.body.messages as { role: string; content: string }[];
    expect(messages.at(-1)!.role).toBe('user');
    expect(messages.at(-1)!.content.startsWith(NOTICE_PREFIX)).toBe(true);
    expect(messages.at(-1)!.content).toContain('notes');
    expect(server.to('/v1/chat/completions')[0]!.body.tools).toBeDefined();
  });

  it('tap to talk: the microphone turn is uploaded as WAV, its words are shown and answered aloud', async () => {
    const { app, server, ui, spoken, frame } = await cascadeApp();
    server.transcripts.push('what is running');
    server.chat.push({ text: 'Nothing is running right now in any project.' });
    await until(() => app.store.getState().ptt.mode.kind === 'toggle', 'tap-to-talk mode');
    await until(() => app.audio.input.status().kind === 'ready', 'the microphone');
    ui.stdin.write(' ');
    await until(() => app.ptt.isTalking(), 'talking');
    await tick(300);
    ui.stdin.write(' ');
    await until(() => server.to('/v1/audio/transcriptions').length === 1, 'the upload');
    const file = server.to('/v1/audio/transcriptions')[0]!.body.file as { head: string; bytes: number };
    expect(file.head).toBe('RIFF');
    expect(file.bytes).toBeGreaterThan(44 + 100 * 48);
    await until(
      () => /what is running/.test(frame()) && /Nothing is running right now/.test(frame()),
      () => `the turn in the frame:\n${frame()}`,
    );
    await until(spoken, 'audio at the speaker');
  });
});
