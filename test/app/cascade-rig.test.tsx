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
  mkdirSync(join(projects, 'web'), { recursive: true });
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

  it('voice: spawn_task twice, get_task_status (ambiguous), cancel_task, a refused folder and broken arguments, as with Realtime', async () => {
    const { app, server, frame } = await cascadeApp();
    // Each typed sentence maps to one tool call; a request whose last message is a tool output (the
    // follow-up after the calls) or a notice gets a short answer. Keyed by what was said, since a
    // notice may come between two turns.
    const calls: [RegExp, string, string][] = [
      [/login fix in api/, 'spawn_task', '{"name":"login fix","prompt":"Slowly. scenario:slow","project":"api"}'],
      [/login tests in web/, 'spawn_task', '{"name":"login tests","prompt":"Slowly. scenario:slow","project":"web"}'],
      [/how is login/, 'get_task_status', '{"task":"login"}'],
      [/cancel the login fix/, 'cancel_task', '{"task":"login fix"}'],
      [/in etc/, 'spawn_task', '{"name":"escape","prompt":"x","project":"/etc"}'],
      [/broken arguments/, 'cancel_task', '{"task": '],
    ];
    let n = 0;
    server.chatFor = (messages) => {
      const last = messages.at(-1);
      if (last?.role !== 'user' || typeof last.content !== 'string') return { text: 'Done.' };
      const hit = calls.find(([re]) => re.test(last.content as string));
      return hit ? { toolCalls: [{ id: `call_${++n}`, name: hit[1], arguments: hit[2] }] } : { text: 'Done.' };
    };
    /** Tool outputs the model was given, in order (from the last request, which holds the history). */
    const outputs = (): string[] => {
      const reqs = server.to('/v1/chat/completions');
      const msgs = (reqs.at(-1)?.body.messages ?? []) as { role: string; content?: unknown }[];
      return msgs.filter((m) => m.role === 'tool').map((m) => String(m.content));
    };
    const say = async (text: string, count: number, what: string) => {
      app.voice.sendText(text);
      await until(
        () => outputs().length >= count,
        () => `${what}; outputs so far ${JSON.stringify(outputs())}`,
      );
    };

    await say('start the login fix in api', 1, 'spawn output');
    expect(outputs()[0]).toMatch(/Started task 1 "login fix" in api/);
    await until(
      () => /→ spawn task|→ started task/.test(frame()),
      () => `the activity line:\n${frame()}`,
    );

    await say('and the login tests in web', 2, 'second spawn output');
    expect(app.tasks.list().map((t) => t.status)).toEqual(['running', 'running']);

    await say('how is login doing?', 3, 'status output');
    expect(outputs()[2]).toMatch(/which/i);
    expect(outputs()[2]).toMatch(/login fix/);
    expect(outputs()[2]).toMatch(/login tests/);

    await say('cancel the login fix', 4, 'cancel output');
    await until(() => app.tasks.get(1)?.status === 'cancelled', 'task 1 cancelled');
    expect(app.tasks.get(2)?.status).toBe('running');

    await say('start something in etc', 5, 'refusal output');
    expect(outputs()[4]).toMatch(/outside the allowed project folders/);

    await say('cancel, with broken arguments', 6, 'malformed-arguments output');
    expect(outputs()[5]).toMatch(/JSON|arguments/i);
    expect(app.tasks.list()).toHaveLength(2);
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
