/**
 * End to end with the built binary in tmux and the fake Realtime server: a waiting task's request
 * is listed by the model with `list_requests` (the exact command, fenced) and answered with
 * `answer_request` allow, and the agent proceeds; a high-risk request (the configured list names
 * `touch`) is not allowed by voice — the model is told a key press is needed and the task keeps
 * waiting until `a` is pressed.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeRealtimeServer, type ReplyContext, type ScriptedReply } from '../helpers/fake-realtime-server.js';
import { TmuxSession } from '../helpers/tmux-session.js';
import { startTaskByForm } from '../helpers/new-task-form.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const CLI = join(ROOT, 'dist', 'cli.js');
const FAKE_CLAUDE = join(ROOT, 'test', 'fixtures', 'fake-claude');

const sessions: TmuxSession[] = [];
let server: FakeRealtimeServer | null = null;
afterEach(async () => {
  for (const s of sessions.splice(0)) s.kill();
  await server?.close();
  server = null;
});

/** The model: "what waits" → list_requests; "allow" → answer_request allow for task 1. */
function model(outputs: string[]): (ctx: ReplyContext) => ScriptedReply {
  return (ctx) => {
    if (ctx.lastToolOutputs.length) {
      outputs.push(...ctx.lastToolOutputs.map((o) => o.output));
      return { text: 'Noted.' };
    }
    if (ctx.newUserText && /waiting/i.test(ctx.newUserText))
      return { text: 'Checking.', functionCalls: [{ name: 'list_requests', arguments: {} }] };
    if (ctx.newUserText && /allow/i.test(ctx.newUserText))
      return {
        text: 'Allowing.',
        functionCalls: [{ name: 'answer_request', arguments: { task: 1, decision: 'allow' } }],
      };
    return { text: 'OK.' };
  };
}

async function start(outputs: string[], config: object = {}): Promise<{ s: TmuxSession; state: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'vo-e2e-permvoice-'));
  mkdirSync(join(dir, 'projects', 'api'), { recursive: true });
  const state = join(dir, 'state');
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify(config));
  server = await FakeRealtimeServer.start({ committedDelayMs: 20, replyFor: model(outputs) });
  const s = new TmuxSession(160, 40);
  sessions.push(s);
  s.start(
    `node ${CLI} --no-audio --config ${configFile} --state-dir ${state} --claude-path ${FAKE_CLAUDE} --realtime-url ${server.url}`,
    { OPENAI_API_KEY: 'test-key', HOME: dir, CLAUDE_CONFIG_DIR: join(dir, '.claude') },
    join(dir, 'projects'),
  );
  await s.waitFor(/No tasks yet/, 20_000);
  await server.waitForConnection(1, 10_000);
  return { s, state };
}

function spawnTask(s: TmuxSession, name: string, prompt: string): Promise<void> {
  return startTaskByForm(s, 'api', prompt, name);
}

/** Polls until `fn` is true (the transcript is hidden while the request panel shows). */
async function until(fn: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function say(s: TmuxSession, text: string): Promise<void> {
  s.keys(':');
  await s.waitFor(/Message/);
  s.literal(text);
  s.keys('Enter');
}

function audit(state: string): { decision: string; source?: string; input: string }[] {
  return readFileSync(join(state, 'permissions', 'audit.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { decision: string; source?: string; input: string });
}

describe('answering a waiting task by voice', () => {
  it('list_requests reads the waiting command; answer_request allow lets the agent proceed', async () => {
    const outputs: string[] = [];
    const { s, state } = await start(outputs);
    await spawnTask(s, 'toucher', 'scenario:bash-touch-prompt-tool');
    await s.waitFor(/needs you\s+toucher/, 20_000);
    await say(s, 'What is waiting?');
    await until(() => outputs.length > 0, 'the list_requests output');
    const listed = outputs.find((o) => o.startsWith('Task 1 "toucher"'));
    expect(listed).toBeDefined();
    expect(listed).toContain('env touch APPROVED.txt');
    expect(listed).not.toContain('high-risk');
    await say(s, 'Allow it.');
    await s.waitFor(/completed\s+toucher/, 20_000);
    expect(
      audit(state)
        .filter((a) => a.decision !== 'asked')
        .map((a) => [a.decision, a.source]),
    ).toEqual([['allow', 'voice']]);
  }, 90_000);

  it('answer_request allow of a high-risk request is refused; the task waits for the key', async () => {
    const outputs: string[] = [];
    const { s, state } = await start(outputs, { highRiskCommands: ['touch'] });
    await spawnTask(s, 'risky', 'scenario:bash-touch-prompt-tool');
    await s.waitFor(/needs you\s+risky/, 20_000);
    await say(s, 'Allow it.');
    await until(() => outputs.length > 0, 'the answer_request output');
    expect(outputs.join('\n')).toMatch(/high-risk \("touch"\); it needs a key press: select task 1 and press a/);
    await s.waitFor(/needs you\s+risky/, 10_000);
    expect(audit(state).filter((a) => a.decision !== 'asked')).toEqual([]);
    s.keys('a');
    await s.waitFor(/completed\s+risky/, 20_000);
    expect(
      audit(state)
        .filter((a) => a.decision !== 'asked')
        .map((a) => [a.decision, a.source]),
    ).toEqual([['allow', 'key']]);
  }, 90_000);
});
