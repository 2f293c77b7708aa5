/**
 * End to end in tmux with the built binary: steering a running task with `f`. "now" interrupts
 * the run (fake-claude replays a run the genuine CLI ended on SIGINT) and continues the session at
 * once; an empty When queues the follow-up, the row shows it, and it runs when the run ends —
 * also when voice-orch was quit (tasks kept running) and started again meanwhile.
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { TmuxSession } from '../helpers/tmux-session.js';
import { CLI, FAKE_CLAUDE, tmuxSessions } from '../helpers/e2e-binary.js';
import { startTaskByForm } from '../helpers/new-task-form.js';

const sessions = tmuxSessions();

function start(dir = mkdtempSync(join(tmpdir(), 'vo-e2e-steer-'))): { s: TmuxSession; state: string; dir: string } {
  mkdirSync(join(dir, 'projects', 'api'), { recursive: true });
  const state = join(dir, 'state');
  const s = new TmuxSession(120, 36);
  sessions.push(s);
  s.start(
    `node ${CLI} --no-audio --state-dir ${state} --claude-path ${FAKE_CLAUDE}`,
    { OPENAI_API_KEY: '', HOME: dir, CLAUDE_CONFIG_DIR: join(dir, '.claude') },
    join(dir, 'projects'),
  );
  return { s, state, dir };
}

function spawnTask(s: TmuxSession, name: string, prompt: string): Promise<void> {
  return startTaskByForm(s, 'api', prompt, name);
}

type Run = { status: string; steered?: boolean; prompt: string; exitCode?: number };
function runsOf(state: string, id: number): Run[] {
  const reg = JSON.parse(readFileSync(join(state, 'tasks.json'), 'utf8')) as {
    tasks: { record: { id: number; runs: Run[] } }[];
  };
  return reg.tasks.find((t) => t.record.id === id)?.record.runs ?? [];
}

describe('steering a running task in tmux', () => {
  it('f, the message, When "now": the run is interrupted and the session continues at once', async () => {
    const { s, state } = start();
    await s.waitFor(/No tasks yet/, 20_000);
    await spawnTask(s, 'story', 'Tell me a long story. scenario:slow-sigint');
    // The agent writes, so its first line (which names its session) has been read.
    await s.waitFor(/running\s+story.*writing/, 20_000);
    s.keys('f');
    await s.waitFor(/Follow-up to task 1 story/);
    await s.waitFor(/When.*now to interrupt/);
    s.literal('Make it short. scenario:plain');
    s.keys('Tab');
    s.literal('now');
    s.keys('Enter');
    await s.waitFor(/completed\s+story/, 30_000);
    const screen = s.screen();
    expect(screen).not.toMatch(/failed|interrupted before it finished/);
    // The registry is saved a moment after the screen shows the change.
    await vi.waitFor(
      () =>
        expect(runsOf(state, 1).map((r) => [r.status, r.steered === true, r.prompt])).toEqual([
          ['interrupted', true, 'Tell me a long story. scenario:slow-sigint'],
          ['completed', false, 'Make it short. scenario:plain'],
        ]),
      { timeout: 10_000, interval: 200 },
    );
    expect(runsOf(state, 1)[0]?.exitCode).toBe(0);
  }, 90_000);

  it('f, the message, Enter: the follow-up waits behind the run, shown in its row, then runs', async () => {
    const { s, state } = start();
    await s.waitFor(/No tasks yet/, 20_000);
    await spawnTask(s, 'tale', 'Tell me a story. scenario:slow');
    await s.waitFor(/running\s+tale/, 20_000);
    s.keys('f');
    await s.waitFor(/Follow-up to task 1 tale/);
    s.literal('Then a poem. scenario:plain');
    s.keys('Enter');
    await s.waitFor(/running\s+tale.*⏭ follow-up queued: Then a poem/, 10_000);
    await s.waitFor(/Queued follow-up sent to task 1/, 30_000);
    await s.waitFor(/completed\s+tale/, 20_000);
    await vi.waitFor(
      () =>
        expect(runsOf(state, 1).map((r) => [r.status, r.steered === true])).toEqual([
          ['completed', false],
          ['completed', false],
        ]),
      { timeout: 10_000, interval: 200 },
    );
  }, 90_000);

  it('a queued follow-up survives quitting voice-orch with the task kept running, and is sent after the restart', async () => {
    const first = start();
    await first.s.waitFor(/No tasks yet/, 20_000);
    await spawnTask(first.s, 'saga', 'Tell me a story. scenario:slow speed:0.5');
    await first.s.waitFor(/running\s+saga/, 20_000);
    first.s.keys('f');
    await first.s.waitFor(/Follow-up to task 1 saga/);
    first.s.literal('Then a poem. scenario:plain');
    first.s.keys('Enter');
    await first.s.waitFor(/running\s+saga.*⏭ follow-up queued: Then a poem/, 10_000);
    first.s.keys('C-c');
    await first.s.waitFor(/Quit/);
    // The quit question refuses an answer that comes too soon after it opened.
    await new Promise((r) => setTimeout(r, 400));
    first.s.keys('k'); // keep them running
    await first.s.waitFor(/\[exited 0\]/);
    first.s.kill();

    const second = start(first.dir);
    await second.s.waitFor(/running\s+saga.*⏭ follow-up queued: Then a poem/, 20_000);
    // The kept run lasts about 42 s from its start (the recording at half speed).
    await second.s.waitFor(/Queued follow-up sent to task 1/, 75_000);
    await second.s.waitFor(/completed\s+saga/, 20_000);
    await vi.waitFor(
      () =>
        expect(runsOf(second.state, 1).map((r) => [r.status, r.prompt])).toEqual([
          ['completed', 'Tell me a story. scenario:slow speed:0.5'],
          ['completed', 'Then a poem. scenario:plain'],
        ]),
      { timeout: 10_000, interval: 200 },
    );
  }, 180_000);
});
