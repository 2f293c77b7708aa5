/**
 * The app rig: the real composition (compose.ts) — TaskManager running test/fixtures/fake-claude,
 * the Realtime engine against the loopback fake Realtime server, the real store, registry and key map,
 * audio through the real audio helper on ALSA file devices — rendered with ink-testing-library.
 * Driven by keys and by function calls the fake server scripts.
 */
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/config.js';
import { composeApp, type ComposedApp, type VoiceEngineFactory } from '../../src/compose.js';
import { App } from '../../src/components/App.js';
import { AudioService } from '../../src/audio/audio-service.js';
import { PushToTalk } from '../../src/input/push-to-talk.js';
import { FakeRealtimeServer, type ReplyContext, type ScriptedReply } from '../helpers/fake-realtime-server.js';
import { ALSA_FILE_CONF } from '../audio/real-audio.js';
import { EchoEngine } from '../helpers/echo-engine.js';

const FAKE_CLAUDE = new URL('../fixtures/fake-claude', import.meta.url).pathname;
const KEY = { enter: '\r', tab: '\t', esc: '\u001B' } as const;
const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, what: string | (() => string), timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${typeof what === 'string' ? what : what()}`);
    await tick(40);
  }
}

interface Rig {
  app: ComposedApp;
  server: FakeRealtimeServer;
  frame(): string;
  type(text: string): Promise<void>;
  key(k: string): Promise<void>;
  speakerFile: string;
  dir: string;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function rig(
  replyFor: (ctx: ReplyContext) => ScriptedReply | undefined,
  /** Writes what an earlier session left in the state dir, before the app starts. */
  before?: (stateDir: string, projects: string) => void,
  voiceEngine?: VoiceEngineFactory,
): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'vo-rig-'));
  const projects = join(dir, 'code');
  mkdirSync(join(projects, 'api'), { recursive: true });
  mkdirSync(join(projects, 'web'), { recursive: true });
  before?.(join(dir, 'state'), projects);
  const server = await FakeRealtimeServer.start({ committedDelayMs: 10, transcriptionDelayMs: 10, replyFor });
  cleanups.push(() => server.close());
  const loaded = loadSettings(
    ['--state-dir', join(dir, 'state'), '--claude-path', FAKE_CLAUDE, '--realtime-url', server.url],
    { HOME: dir, OPENAI_API_KEY: 'test-key' },
    projects,
  );
  if (!loaded.ok) throw new Error(loaded.message);
  const speakerFile = join(dir, 'speaker.raw');
  const audio = new AudioService({
    env: { ...process.env, ALSA_CONFIG_PATH: ALSA_FILE_CONF, VO_AUDIO_IN: '/dev/zero', VO_AUDIO_OUT: speakerFile },
  });
  // No X display in the rig: the selector falls back to tap-to-talk, as it does over SSH.
  const ptt = new PushToTalk({ disableGlobalKey: true });
  const app = await composeApp(loaded.settings, () => {}, {
    audio,
    ptt,
    taskOptions: { cancelGraceMs: 500 },
    ...(voiceEngine ? { voiceEngine } : {}),
  });
  cleanups.push(() => app.shutdown('cancel'));
  const ui = render(<App store={app.store} commands={app.commands} tickMs={0} />);
  cleanups.push(() => ui.unmount());
  await tick(50);
  return {
    app,
    server,
    dir,
    speakerFile,
    frame: () => ui.lastFrame() ?? '',
    async type(text) {
      for (const ch of text) ui.stdin.write(ch);
      await tick();
    },
    async key(k) {
      ui.stdin.write(k);
      await tick();
    },
  };
}

describe('app rig (real services, fake network edge)', () => {
  it('a task that ended while voice-orch was not running is announced after start; registry problems reach the screen', async () => {
    const r = await rig(
      (ctx) =>
        ctx.newSystemTexts.some((t) => /Task 1 "notes" in api finished/.test(t))
          ? { text: 'Notes were done while you were away.' }
          : undefined,
      (stateDir, projects) => {
        mkdirSync(join(stateDir, 'tasks'), { recursive: true });
        // The agent wrote its result line after the last save, then exited; its pid is gone.
        const result = {
          type: 'result',
          subtype: 'success',
          is_error: false,
          result: 'I wrote NOTES.md.',
          num_turns: 2,
          total_cost_usd: 0.01,
          session_id: 'away-session',
        };
        writeFileSync(join(stateDir, 'tasks', '1.ndjson'), `${JSON.stringify(result)}\n`);
        const record = {
          id: 1,
          name: 'notes',
          status: 'running',
          projectDir: join(projects, 'api'),
          backend: 'claude',
          prompt: 'Write NOTES.md.',
          permissionMode: 'acceptEdits',
          createdAt: Date.now() - 60_000,
          startedAt: Date.now() - 60_000,
          updatedAt: Date.now() - 60_000,
          stalled: false,
          activity: 'started',
          turns: 0,
          costUsd: 0,
          filesTouched: [],
          runs: [{ runNo: 1, prompt: 'Write NOTES.md.', status: 'running', pid: 2_000_000_000, logOffset: 0 }],
        };
        const broken = { ...record, id: 2, name: 'broken', runs: [] };
        writeFileSync(
          join(stateDir, 'tasks.json'),
          JSON.stringify({
            version: 1,
            nextId: 3,
            tasks: [
              { record, readOffset: 0, nextSeq: 0 },
              { record: broken, readOffset: 0, nextSeq: 0 },
            ],
          }),
        );
      },
    );
    expect(r.app.tasks.get(1)?.status).toBe('completed');
    const notices = r.app.store.getState().notices.map((n) => n.text);
    expect(notices).toContainEqual(expect.stringMatching(/^Task 1 notes finished/));
    expect(notices).toContainEqual(expect.stringMatching(/skipped a bad record in the task registry: task 2/));
    await until(() => /skipped a bad record/.test(r.frame()), 'the registry problem on screen');
    const spoken = await r.server.waitForClientEvent(
      (e) =>
        e.type === 'conversation.item.create' &&
        e.item?.role === 'system' &&
        /Task 1 \\"notes\\" in api finished/.test(JSON.stringify(e.item.content)),
      15_000,
    );
    expect(String(spoken.item.content[0].text)).toContain('I wrote NOTES.md.');
    await until(() => /Notes were done while you were away/.test(r.frame()), 'the spoken answer in the transcript');
  });

  it('the conversation of the earlier run is shown again after a start, above a separator', async () => {
    const r = await rig(
      () => undefined,
      (stateDir) => {
        mkdirSync(stateDir, { recursive: true });
        const entry = (id: string, role: string, text: string) =>
          `${JSON.stringify({ id, role, text, final: true, at: 1_760_000_000_000 })}\n`;
        writeFileSync(
          join(stateDir, 'transcript.jsonl'),
          entry('item_a', 'user', 'how is the api task doing') +
            '{"torn":\n' +
            entry('item_b', 'assistant', 'Still running, turn 12.\u001b]0;pwned\u0007'),
        );
      },
    );
    await until(
      () => /— earlier —/.test(r.frame()),
      () => `the separator in\n${r.frame()}`,
    );
    const f = r.frame();
    expect(f).toContain('you how is the api task doing');
    expect(f).toContain('assistant Still running, turn 12.');
    expect(f).not.toContain('pwned');
    expect(f.indexOf('Still running')).toBeLessThan(f.indexOf('— earlier —'));
  });

  it('keys: the new-task form starts a real agent; its completion is announced at an idle moment', async () => {
    const r = await rig((ctx) =>
      ctx.newSystemTexts.some((t) => /Task 1 "notes" in api finished/.test(t))
        ? { text: 'Your task is done.' }
        : undefined,
    );
    await until(() => r.app.voice.state().kind === 'ready', 'voice ready');

    await r.key('n');
    await until(() => /New task/.test(r.frame()), 'the form');
    await r.type('api');
    await r.key(KEY.tab);
    await r.type('Write NOTES.md. scenario:write-file');
    await r.key(KEY.tab);
    await r.type('notes');
    await r.key(KEY.enter);
    await until(() => /notes/.test(r.frame()) && /running|completed/.test(r.frame()), 'the task in the table');
    await until(() => r.app.tasks.get(1)?.status === 'completed', 'the agent to finish');
    expect(r.app.tasks.get(1)?.filesTouched.length).toBeGreaterThan(0);

    const notice = await r.server.waitForClientEvent(
      (e) =>
        e.type === 'conversation.item.create' &&
        e.item?.role === 'system' &&
        /Task 1 \\"notes\\" in api finished/.test(JSON.stringify(e.item.content)),
      15_000,
    );
    expect(String(notice.item.content[0].text)).toContain('<task_output task="1" untrusted="true">');
    await until(() => r.server.connections[0]!.responses.some((x) => x.status === 'completed'), 'the notice answer');
    expect(r.server.allErrors()).toEqual([]);
    await until(() => /Your task is done/.test(r.frame()), 'the spoken answer in the transcript');
  });

  it('voice: scripted spawn_task, get_task_status (ambiguous), cancel_task; activity lines and tool outputs', async () => {
    // Each typed sentence maps to one function call; a response without new user text (the
    // follow-up after tool outputs) is spoken. Keyed by text, not by order, because the session may
    // fold a pending follow-up into the user's next turn.
    const calls: [RegExp, string, string | Record<string, unknown>][] = [
      [/login fix in api/, 'spawn_task', { name: 'login fix', prompt: 'Slowly. scenario:slow', project: 'api' }],
      [/login tests in web/, 'spawn_task', { name: 'login tests', prompt: 'Slowly. scenario:slow', project: 'web' }],
      [/how is login/, 'get_task_status', { task: 'login' }],
      [/cancel the login fix/, 'cancel_task', { task: 'login fix' }],
      [/in etc/, 'spawn_task', { name: 'escape', prompt: 'x', project: '/etc' }],
      [/broken arguments/, 'cancel_task', '{"task": '],
    ];
    const replyFor = (ctx: ReplyContext): ScriptedReply => {
      const hit = ctx.newUserText ? calls.find(([re]) => re.test(ctx.newUserText!)) : undefined;
      return hit ? { functionCalls: [{ name: hit[1], arguments: hit[2] }] } : { text: 'Done.' };
    };
    const r = await rig(replyFor);
    await until(() => r.app.voice.state().kind === 'ready', 'voice ready');
    const outputs = () =>
      r.server.connections[0]!.received.map((x) => x.event)
        .filter((e) => e.type === 'conversation.item.create' && e.item?.type === 'function_call_output')
        .map((e) => String(e.item.output));

    r.app.voice.sendText('start the login fix in api');
    await until(() => outputs().length === 1, 'spawn output');
    expect(outputs()[0]).toMatch(/Started task 1 "login fix" in api/);
    await until(() => /→ spawn task/.test(r.frame()), 'the activity line');

    r.app.voice.sendText('and the login tests in web');
    await until(() => outputs().length === 2, 'second spawn output');
    expect(r.app.tasks.list().map((t) => t.status)).toEqual(['running', 'running']);

    r.app.voice.sendText('how is login doing?');
    await until(() => outputs().length === 3, 'status output');
    expect(outputs()[2]).toMatch(/Which|which/);
    expect(outputs()[2]).toMatch(/login fix/);
    expect(outputs()[2]).toMatch(/login tests/);

    r.app.voice.sendText('cancel the login fix');
    await until(() => outputs().length === 4, 'cancel output');
    await until(() => r.app.tasks.get(1)?.status === 'cancelled', 'task 1 cancelled');
    expect(r.app.tasks.get(2)?.status).toBe('running');
    await until(() => /→ cancel task 1/.test(r.frame()), 'the cancel activity line');

    r.app.voice.sendText('start something in etc');
    await until(() => outputs().length === 5, 'refusal output');
    expect(outputs()[4]).toMatch(/outside the allowed project folders/);

    r.app.voice.sendText('cancel, with broken arguments');
    await until(
      () => outputs().length === 6,
      () =>
        `malformed-arguments output; so far: ${JSON.stringify(outputs())}; notes ${JSON.stringify(r.server.allNotes())}; ` +
        `last client events ${JSON.stringify(r.server.connections[0]!.received.slice(-6).map((x) => x.event))}; responses ${JSON.stringify(r.server.connections[0]!.responses.map((x) => [x.status, x.reply]))}`,
    );
    expect(outputs()[5]).toMatch(/JSON|arguments/i);

    // A typed message while an answer is still playing cancels it; when the answer ends on the
    // server in the same moment, the server answers response_cancel_not_active. The reference calls
    // that race harmless (the client ignores it); any other error is a client bug.
    const errors = r.server.allErrors().filter((e) => e.error?.code !== 'response_cancel_not_active');
    expect(JSON.stringify(errors)).toBe('[]');
    expect(r.app.tasks.list()).toHaveLength(2);
  });

  it('tap to talk: Space starts the microphone, Space sends the turn; the answer plays through the speaker device', async () => {
    const r = await rig(() => ({ text: 'I hear you loud and clear.' }));
    await until(() => r.app.voice.state().kind === 'ready', 'voice ready');
    await until(() => r.app.store.getState().ptt.mode.kind === 'toggle', 'tap-to-talk mode');
    await until(() => r.app.audio.input.status().kind === 'ready', 'the microphone');

    await r.key(' ');
    await until(() => r.app.ptt.isTalking(), 'talking');
    await tick(300);
    await r.key(' ');
    const conn = r.server.connections[0]!;
    await r.server.waitForClientEvent((e) => e.type === 'input_audio_buffer.commit', 10_000);
    const appended = conn.received.filter((x) => x.event.type === 'input_audio_buffer.append').length;
    expect(appended).toBeGreaterThan(0);
    await until(() => conn.responses.some((x) => x.status === 'completed'), 'the answer');
    await until(() => /I hear you loud and clear/.test(r.frame()), 'the transcript');
    // The answer's PCM reached the speaker device (an ALSA file here).
    await until(() => {
      try {
        return statSync(r.speakerFile).size > 4800;
      } catch {
        return false;
      }
    }, 'audio on the speaker device');
    const played = readFileSync(r.speakerFile);
    expect(played.some((b) => b !== 0)).toBe(true);
    expect(r.server.allErrors()).toEqual([]);
  });

  it('a second voice engine (a test double) runs with the same composition, store, commands and views', async () => {
    let echo: EchoEngine | undefined;
    const r = await rig(
      () => undefined,
      undefined,
      (deps) => (echo = new EchoEngine(deps.toolHost)),
    );
    expect(r.app.voice).toBe(echo);
    await until(() => r.app.store.getState().connection.kind === 'ready', 'the engine ready in the store');

    // A typed message goes through the message command to the engine; the engine calls a real
    // tool through the tool host, and its answer reaches the transcript pane.
    await r.key(':');
    await r.type('start notes in api');
    await r.key(KEY.enter);
    await until(() => echo!.texts.length === 1, 'the typed message at the engine');
    expect(echo!.texts).toEqual(['start notes in api']);
    await until(() => r.app.tasks.get(1) !== undefined, 'the task the tool started');
    await until(
      () => /Started task 1/.test(r.frame()),
      () => `the echoed tool result in the frame:\n${r.frame()}`,
    );
    await until(() => r.app.tasks.get(1)?.status === 'completed', 'the agent to finish');
    // Task notices reach the engine through the same port.
    await until(() => echo!.notices.some((n) => n.taskId === 1), 'the finish notice at the engine');
  });
});
