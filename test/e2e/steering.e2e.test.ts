/**
 * End to end in tmux with the built binary: steering a running task with `f`. "now" interrupts
 * the run (fake-claude replays a run the genuine CLI ended on SIGINT) and continues the session at
 * once; an empty When queues the follow-up, the row shows it, and it runs when the run ends.
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TmuxSession } from '../helpers/tmux-session.js';
import { startTaskByForm } from '../helpers/new-task-form.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const CLI = join(ROOT, 'dist', 'cli.js');
const FAKE_CLAUDE = join(ROOT, 'test', 'fixtures', 'fake-claude');

const sessions: TmuxSession[] = [];
afterEach(() => {
  for (const s of sessions.splice(0)) s.kill();
});

function start(): { s: TmuxSession; state: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vo-e2e-steer-'));
  mkdirSync(join(dir, 'projects', 'api'), { recursive: true });
  const state = join(dir, 'state');
  const s = new TmuxSession(120, 36);
  sessions.push(s);
  s.start(
    `node ${CLI} --no-audio --state-dir ${state} --claude-path ${FAKE_CLAUDE}`,
    { OPENAI_API_KEY: '', HOME: dir, CLAUDE_CONFIG_DIR: join(dir, '.claude') },
    join(dir, 'projects'),
  );
  return { s, state };
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
});
