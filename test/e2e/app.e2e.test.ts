/**
 * End to end: the built binary (dist/cli.js, made by `npm test`'s build step) in a private tmux
 * server, driven by keys; the agent is test/fixtures/fake-claude replaying recorded genuine
 * streams; the Realtime service is the in-process fake server on loopback.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TmuxSession } from '../helpers/tmux-session.js';
import { FakeRealtimeServer } from '../helpers/fake-realtime-server.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const CLI = join(ROOT, 'dist', 'cli.js');
const FAKE_CLAUDE = join(ROOT, 'test', 'fixtures', 'fake-claude');

interface Registry {
  tasks: { record: { id: number; status: string; runs: { pid?: number }[] } }[];
}

function workspace(): { dir: string; state: string; project: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vo-e2e-'));
  const project = join(dir, 'projects', 'api');
  mkdirSync(project, { recursive: true });
  const state = join(dir, 'state');
  return { dir, state, project };
}

function appCommand(state: string, extra = ''): string {
  return `node ${CLI} --no-audio --state-dir ${state} --claude-path ${FAKE_CLAUDE} ${extra}`;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers kill 0; it counts as gone only once reaped, so read its state.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

function readRegistry(state: string): Registry {
  return JSON.parse(readFileSync(join(state, 'tasks.json'), 'utf8')) as Registry;
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The agent pid once the registry on disk records it (it is saved right after the spawn). */
async function registeredPid(state: string): Promise<number> {
  let pid: number | undefined;
  await waitUntil(
    () => {
      pid = existsSync(join(state, 'tasks.json')) ? readRegistry(state).tasks[0]?.record.runs[0]?.pid : undefined;
      return typeof pid === 'number';
    },
    10_000,
    'the registry to record the agent pid',
  );
  return pid!;
}

/**
 * A person reads a question before answering it; a confirm dialog refuses answers that come
 * within 150 ms of the key that opened it, so wait longer than that before a deliberate answer.
 */
const readTheQuestion = () => new Promise((r) => setTimeout(r, 400));

const sessions: TmuxSession[] = [];
let server: FakeRealtimeServer | null = null;
afterEach(async () => {
  for (const s of sessions.splice(0)) s.kill();
  await server?.close();
  server = null;
});

function tmux(): TmuxSession {
  const s = new TmuxSession(120, 36);
  sessions.push(s);
  return s;
}

describe('voice-orch in tmux', () => {
  it('is built before the end-to-end runs', () => {
    expect(existsSync(CLI), `${CLI} missing: run npm run build`).toBe(true);
  });

  it('keys only: new task form, running, tail view, cancel with confirmation, process gone', async () => {
    const ws = workspace();
    const s = tmux();
    s.start(appCommand(ws.state), { OPENAI_API_KEY: '' }, join(ws.dir, 'projects'));
    await s.waitFor(/No tasks yet/, 20_000);
    expect(s.screen()).toMatch(/Keyboard-only/);

    s.keys('n');
    await s.waitFor(/New task/);
    s.literal('ap');
    await s.waitFor(/Project:\s+ap\b/);
    s.keys('Tab'); // completes "api"
    await s.waitFor(/Project:\s+api\b/);
    s.keys('Tab');
    s.literal('Write notes. scenario:slow');
    s.keys('Tab');
    s.literal('slow-notes');
    s.keys('Enter');
    await s.waitFor(/1\s+\S+\s+running\s+slow-notes\s+api/);

    // The tail view shows the agent's real output (its init line) from the log.
    s.keys('Enter');
    await s.waitFor(/Task 1 slow-notes · running/);
    await s.waitFor(/session started/);
    s.keys('Escape');
    await s.waitFor(/#\s+status\s+name/);

    const pid = await registeredPid(ws.state);
    expect(pidAlive(pid!)).toBe(true);

    s.keys('q');
    await s.waitFor(/Cancel task 1/);
    await readTheQuestion();
    s.keys('y');
    await s.waitFor(/1\s+\S+\s+cancelled\s+slow-notes/);
    await waitUntil(() => !pidAlive(pid!), 10_000, 'the agent process to be gone');
    expect(readRegistry(ws.state).tasks[0]?.record.status).toBe('cancelled');

    s.keys('C-c');
    await s.waitFor(/\[exited 0\]/);
  });

  it('voice path: a typed message becomes spawn_task; the completion notice reaches the fake at an idle moment', async () => {
    const ws = workspace();
    server = await FakeRealtimeServer.start({
      committedDelayMs: 20,
      replyFor: (ctx) => {
        if (ctx.newUserText && /start/i.test(ctx.newUserText)) {
          return {
            text: 'Starting it.',
            functionCalls: [
              {
                name: 'spawn_task',
                arguments: { name: 'write-notes', prompt: 'Write NOTES.md. scenario:write-file', project: 'api' },
              },
            ],
          };
        }
        if (ctx.lastToolOutputs.length) return { text: 'Task one is running.' };
        if (ctx.newSystemTexts.some((t) => /finished/.test(t))) return { text: 'Your notes task is done.' };
        return { text: 'OK.' };
      },
    });
    const s = tmux();
    s.start(
      appCommand(ws.state, `--realtime-url ${server.url}`),
      { OPENAI_API_KEY: 'test-key' },
      join(ws.dir, 'projects'),
    );
    await s.waitFor(/No tasks yet/, 20_000);
    const conn = await server.waitForConnection(1, 10_000);
    await s.waitFor(/voice ready|ready/, 10_000);

    s.keys(':');
    await s.waitFor(/Message/);
    s.literal('Please start a task that writes notes in api');
    s.keys('Enter');

    await s.waitFor(/write-notes\s+api/, 20_000);
    await s.waitFor(/completed\s+write-notes/, 20_000);

    // The notice arrives as one system item, followed by exactly one response.create sent while no
    // response was active.
    await server.waitForClientEvent(
      (e) =>
        e.type === 'conversation.item.create' &&
        e.item?.role === 'system' &&
        JSON.stringify(e.item.content).includes('finished'),
      20_000,
    );
    await server.waitForClientEvent((e, c) => {
      if (e.type !== 'response.create' || c !== conn) return false;
      const idx = conn.received.findIndex(
        (r) =>
          r.event.type === 'conversation.item.create' &&
          r.event.item?.role === 'system' &&
          JSON.stringify(r.event.item.content).includes('finished'),
      );
      return idx >= 0 && conn.received.slice(idx + 1).some((r) => r.event === e);
    }, 10_000);
    const received = conn.received.map((r) => r.event);
    const noticeIdx = received.findIndex(
      (e) =>
        e.type === 'conversation.item.create' &&
        e.item?.role === 'system' &&
        JSON.stringify(e.item.content).includes('finished'),
    );
    const after = received.slice(noticeIdx + 1);
    const creates = after.filter((e) => e.type === 'response.create');
    expect(creates.length).toBe(1);
    // Tool call, its answer, and the notice's own answer; the fake rejects a response.create sent
    // while another response is active, so no error means the notice waited for an idle moment.
    await waitUntil(
      () => conn.responses.filter((r) => r.status === 'completed').length >= 3,
      10_000,
      'three responses',
    );
    expect(server.allErrors()).toEqual([]);
    expect(server.allNotes().filter((n) => /vad|auto/i.test(n))).toEqual([]);

    s.keys('C-c');
    await s.waitFor(/\[exited 0\]/);
  });

  it('restart: quit keeping a task running, start again, the task is still there and finishes', async () => {
    const ws = workspace();
    const first = tmux();
    first.start(appCommand(ws.state), { OPENAI_API_KEY: '' }, join(ws.dir, 'projects'));
    await first.waitFor(/No tasks yet/, 20_000);
    first.keys('n');
    await first.waitFor(/New task/);
    first.literal('api');
    first.keys('Tab');
    first.literal('Take your time. scenario:slow speed:2');
    first.keys('Tab');
    first.literal('survivor');
    first.keys('Enter');
    await first.waitFor(/running\s+survivor/);
    const pid = await registeredPid(ws.state);

    first.keys('C-c');
    await first.waitFor(/Quit/);
    await readTheQuestion();
    first.keys('k'); // keep them running
    await first.waitFor(/\[exited 0\]/);
    expect(pidAlive(pid!), 'the agent outlives the UI').toBe(true);
    first.kill();

    const second = tmux();
    second.start(appCommand(ws.state), { OPENAI_API_KEY: '' }, join(ws.dir, 'projects'));
    await second.waitFor(/running\s+survivor/, 20_000);
    await second.waitFor(/completed\s+survivor/, 30_000);
    expect(readRegistry(ws.state).tasks[0]?.record.status).toBe('completed');
    second.keys('C-c');
    await second.waitFor(/\[exited 0\]/);
  });
});
