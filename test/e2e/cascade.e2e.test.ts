/**
 * End to end with `--voice-engine cascade`: the built binary (dist/cli.js) in a private tmux
 * server, its three endpoints pointed at the loopback OpenAI-compatible fake, the agent
 * test/fixtures/fake-claude replaying recorded streams. No key is set: the cascade needs none
 * for endpoints that ask for none.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TmuxSession } from '../helpers/tmux-session.js';
import { FakeOpenAiServer } from '../helpers/fake-openai-server.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const CLI = join(ROOT, 'dist', 'cli.js');
const FAKE_CLAUDE = join(ROOT, 'test', 'fixtures', 'fake-claude');

const sessions: TmuxSession[] = [];
let server: FakeOpenAiServer | null = null;
afterEach(async () => {
  for (const s of sessions.splice(0)) s.kill();
  await server?.close();
  server = null;
});

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface ChatBody {
  messages?: { role: string; content?: unknown; tool_calls?: unknown[] }[];
  tools?: { function?: { name?: string } }[];
}

describe('voice-orch in tmux with the cascade engine', () => {
  it('a typed message becomes spawn_task through a streamed tool call; the task runs, the answer and its notice reach the transcript; latency in the status bar and the log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vo-e2e-cascade-'));
    const project = join(dir, 'projects', 'api');
    mkdirSync(project, { recursive: true });
    const state = join(dir, 'state');

    server = new FakeOpenAiServer();
    server.chat.push(
      {
        text: 'Starting it. ',
        toolCalls: [
          {
            id: 'call_spawn_1',
            name: 'spawn_task',
            arguments: JSON.stringify({
              name: 'write-notes',
              prompt: 'Write NOTES.md. scenario:write-file',
              project: 'api',
            }),
          },
        ],
      },
      { text: 'Task one is running.' },
      { text: 'Your notes task is done.' },
    );
    const url = await server.start();

    const s = new TmuxSession(120, 36);
    sessions.push(s);
    s.start(
      `node ${CLI} --no-audio --state-dir ${state} --claude-path ${FAKE_CLAUDE} --voice-engine cascade ` +
        `--stt-url ${url} --llm-url ${url} --tts-url ${url} --llm-model fake-chat`,
      { OPENAI_API_KEY: '' },
      join(dir, 'projects'),
    );
    await s.waitFor(/No tasks yet/, 20_000);
    await s.waitFor(/● ready/, 10_000);
    expect(s.screen()).not.toMatch(/Keyboard-only/);

    s.keys(':');
    await s.waitFor(/Message/);
    s.literal('Please start a task that writes notes in api');
    s.keys('Enter');

    // The tool call (split across chunks by the fake) spawned the task; it runs to the end.
    await s.waitFor(/write-notes\s+api/, 20_000);
    await s.waitFor(/completed\s+write-notes/, 30_000);
    // The model's answers after the tool result and after the notice show in the transcript.
    await s.waitFor(/Task one is running\./, 10_000);
    await s.waitFor(/Your notes task is done\./, 20_000);
    // The status bar: the session cost and the last turn's latency, and the chat model.
    const screen = await s.waitFor(/session \$\d+\.\d+ · reply \d+ ms · fake-chat/, 10_000);
    expect(screen).toMatch(/Starting it\./);

    const chats = server.to('/v1/chat/completions').map((r) => r.body as ChatBody);
    expect(chats.length).toBe(3);
    // The first request carries the typed words and the tools from the command registry.
    expect(JSON.stringify(chats[0]!.messages)).toContain('Please start a task that writes notes in api');
    expect(chats[0]!.tools?.map((t) => t.function?.name)).toContain('spawn_task');
    // The second carries the tool result back to the model.
    expect(chats[1]!.messages?.some((m) => m.role === 'tool')).toBe(true);
    // The third is the notice, said to be a task update from voice-orch, sent on its own.
    const last = chats[2]!.messages!.at(-1)!;
    expect(JSON.stringify(last.content)).toMatch(/finished/);
    expect(JSON.stringify(last.content)).toMatch(/voice-orch/);
    // --no-audio: no speech is requested, and nothing went to speech-to-text for typed words.
    expect(server.to('/v1/audio/speech')).toEqual([]);
    expect(server.to('/v1/audio/transcriptions')).toEqual([]);

    // Each turn is one line in the latency log, engine cascade, with the chat stages.
    const latencyPath = join(state, 'latency.jsonl');
    await waitUntil(
      () => existsSync(latencyPath) && readFileSync(latencyPath, 'utf8').trim().split('\n').length >= 2,
      10_000,
      'two latency lines',
    );
    const lines = readFileSync(latencyPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { engine: string; stages: Record<string, number>; cost: Record<string, number> });
    expect(lines.every((l) => l.engine === 'cascade')).toBe(true);
    expect(typeof lines[0]!.stages.chatRequest).toBe('number');
    expect(typeof lines[0]!.stages.firstToken).toBe('number');
    // Cost per stage at the default prices: chat only (typed words, no speech with --no-audio).
    expect(lines[0]!.cost.chatUsd).toBeGreaterThan(0);
    expect([lines[0]!.cost.sttUsd, lines[0]!.cost.speechUsd]).toEqual([0, 0]);

    s.keys('C-c');
    await s.waitFor(/\[exited 0\]/, 10_000);
  });
});
