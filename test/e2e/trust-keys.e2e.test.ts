/**
 * End to end: typed text never becomes a destructive action. The built binary (dist/cli.js) in a
 * private tmux server with no API key (voice off) and a running task from the fake agent
 * (test/fixtures/fake-claude); text is sent the way a paste or fast typing arrives, as one chunk
 * (`tmux send-keys -l`), and the task must still be running afterwards.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TmuxSession } from '../helpers/tmux-session.js';
import { CLI, FAKE_CLAUDE, tmuxSessions } from '../helpers/e2e-binary.js';

interface Registry {
  tasks: { record: { id: number; status: string; runs: { pid?: number }[] } }[];
}

function readRegistry(state: string): Registry {
  return JSON.parse(readFileSync(join(state, 'tasks.json'), 'utf8')) as Registry;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers kill 0; it counts as gone only once reaped, so read its state.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A person reads a question before answering it: wait longer than the confirm guard (150 ms)
 * before a deliberate answer, so the answer is not mistaken for typing that ran on.
 */
const readTheQuestion = () => new Promise((r) => setTimeout(r, 400));

const sessions = tmuxSessions();

describe('typed text in tmux (voice off)', () => {
  it('is built before the end-to-end runs', () => {
    expect(existsSync(CLI), `${CLI} missing: run npm run build`).toBe(true);
  });

  it('`:quit yelling at me`, `qy` and Ctrl+C `c` sent as one chunk each leave the running task running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vo-e2e-trust-'));
    const projects = join(dir, 'projects');
    mkdirSync(join(projects, 'api'), { recursive: true });
    const state = join(dir, 'state');
    const s = new TmuxSession(120, 36);
    sessions.push(s);
    s.start(
      `node ${CLI} --no-audio --state-dir ${state} --claude-path ${FAKE_CLAUDE}`,
      { OPENAI_API_KEY: '' },
      projects,
    );
    await s.waitFor(/No tasks yet/, 20_000);

    s.keys('n');
    await s.waitFor(/New task/);
    s.literal('api');
    s.keys('Tab');
    s.literal('Take your time. scenario:slow speed:0.2');
    s.keys('Tab');
    s.literal('long-job');
    s.keys('Enter');
    await s.waitFor(/1\s+\S+\s+running\s+long-job\s+api/);
    let pid: number | undefined;
    await waitUntil(
      () => {
        pid = existsSync(join(state, 'tasks.json')) ? readRegistry(state).tasks[0]?.record.runs[0]?.pid : undefined;
        return typeof pid === 'number';
      },
      10_000,
      'the registry to record the agent pid',
    );

    // `:` opens the message line although voice is off; the rest of the chunk is its text.
    s.literal(':quit yelling at me');
    await s.waitFor(/Message:\s+quit yelling at me/);
    expect(s.screen()).toMatch(/Cannot send now: voice is off/);
    expect(s.screen()).not.toMatch(/Cancel task/);
    s.keys('Enter');
    await s.waitFor(/Not sent: voice is off/);
    expect(s.screen()).toMatch(/Message:\s+quit yelling at me/);
    s.keys('Escape');
    await s.waitFor(/#\s+status\s+name/);

    // `q` asks; the `y` that came in the same chunk does not answer.
    s.literal('qy');
    await s.waitFor(/Cancel task 1 "long-job"\?/);
    await readTheQuestion();
    s.keys('Escape');
    await s.waitFor(/#\s+status\s+name/);

    // Ctrl+C asks keep / cancel / stay; the `c` that came with it does not cancel anything.
    s.literal('\u0003c');
    await s.waitFor(/still running\. Quit\?/);
    await readTheQuestion();
    s.keys('Escape');
    await s.waitFor(/#\s+status\s+name/);

    expect(s.screen()).toMatch(/1\s+\S+\s+running\s+long-job/);
    expect(pidAlive(pid!)).toBe(true);
    expect(readRegistry(state).tasks[0]?.record.status).toBe('running');

    // A deliberate answer after reading the question still works.
    s.keys('q');
    await s.waitFor(/Cancel task 1/);
    await readTheQuestion();
    s.keys('y');
    await s.waitFor(/1\s+\S+\s+cancelled\s+long-job/);
    await waitUntil(() => !pidAlive(pid!), 10_000, 'the agent process to be gone');

    s.keys('C-c');
    await s.waitFor(/\[exited 0\]/);
  });
});
