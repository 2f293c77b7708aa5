/**
 * End to end at 80×24: the built binary in a private tmux server, the agent replayed by
 * test/fixtures/fake-claude, voice off.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TaskManager } from '../../src/tasks/task-manager.js';
import type { TaskRecord } from '../../src/tasks/types.js';
import { startTaskByForm } from '../helpers/new-task-form.js';
import { TmuxSession } from '../helpers/tmux-session.js';
import { CLI, FAKE_CLAUDE, tmuxSessions } from '../helpers/e2e-binary.js';

const sessions = tmuxSessions();

interface Registry {
  tasks: { record: { id: number; prompt: string; status: string } }[];
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Ten tasks that ran to the end with the real engine and the fake CLI, kept in `state` the way
 * voice-orch keeps them, so the binary starts with a table longer than the screen.
 */
async function finishedTasks(state: string, projects: string, n: number): Promise<void> {
  const m = new TaskManager({ stateDir: state, roots: [projects], claudePath: FAKE_CLAUDE, maxConcurrent: n });
  await m.start();
  const ids = new Set<number>();
  const done = new Promise<void>((resolve) => {
    const seen = new Set<number>();
    const check = (t: TaskRecord): void => {
      if (ids.has(t.id)) seen.add(t.id);
      if (seen.size === n) resolve();
    };
    m.on('finished', check);
  });
  for (let i = 1; i <= n; i++) {
    const r = await m.spawn({
      name: `done-${i}`,
      prompt: `Say hello ${i}. scenario:plain speed:5`,
      projectDir: projects,
    });
    if (!r.ok) throw new Error(r.message);
    ids.add(r.value.id);
  }
  await done;
  await m.shutdown('keep');
}

describe('voice-orch at 80×24 in tmux', () => {
  it('a pasted two-line prompt reaches the agent whole', async () => {
    expect(existsSync(CLI), `${CLI} missing: run npm run build`).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'vo-e2e-screen-'));
    mkdirSync(join(dir, 'projects', 'api'), { recursive: true });
    const state = join(dir, 'state');
    const s = new TmuxSession(80, 24);
    sessions.push(s);
    s.start(
      `node ${CLI} --no-audio --state-dir ${state} --claude-path ${FAKE_CLAUDE}`,
      { OPENAI_API_KEY: '' },
      join(dir, 'projects'),
    );
    await s.waitFor(/No tasks yet/, 20_000);
    s.keys('n');
    await s.waitFor(/New task/);
    s.literal('api');
    s.keys('Tab');
    s.paste('Write notes about the login.\nscenario:slow');
    s.keys('Tab');
    s.literal('two-lines');
    await s.waitFor(/\(2 lines\)/);
    s.keys('Enter');
    await s.waitFor(/1\s+\S+\s+running\s+two-lines/);
    const registry = join(state, 'tasks.json');
    const read = (): Registry | undefined => {
      try {
        return JSON.parse(readFileSync(registry, 'utf8')) as Registry;
      } catch {
        return undefined;
      }
    };
    await waitUntil(() => (read()?.tasks.length ?? 0) > 0, 10_000, 'the registry to record the task');
    const reg = read()!;
    expect(reg.tasks[0]?.record.prompt).toBe('Write notes about the login.\nscenario:slow');
    // Every line of the screen stays inside 80 columns; the running task is in view.
    expect(s.screen()).toMatch(/1 running/);
    s.keys('C-c');
    await s.waitFor(/Keep|keep/);
  });

  it('a running task stays in view with ten finished tasks', async () => {
    expect(existsSync(CLI), `${CLI} missing: run npm run build`).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'vo-e2e-screen-'));
    const projects = join(dir, 'projects');
    mkdirSync(join(projects, 'api'), { recursive: true });
    const state = join(dir, 'state');
    await finishedTasks(state, join(projects, 'api'), 10);
    const s = new TmuxSession(80, 24);
    sessions.push(s);
    s.start(
      `node ${CLI} --no-audio --state-dir ${state} --claude-path ${FAKE_CLAUDE}`,
      { OPENAI_API_KEY: '' },
      projects,
    );
    await s.waitFor(/10 done/, 20_000);
    await startTaskByForm(s, 'api', 'Take your time. scenario:slow', 'live-one');
    const screen = await s.waitFor(/11\s+\S+\s+running\s+live-one/, 20_000);
    // The table is longer than the screen: finished rows give way, the running one does not.
    expect(screen).toMatch(/1 running/);
    expect(screen).toMatch(/↓ \d+ more/);
    // Moving the selection to the last finished task scrolls the table; the running task stays.
    // One press at a time (keys sent together arrive as one chunk of text), each waited for.
    const selected = (): string | undefined => /› (\d+)/.exec(s.screen())?.[1];
    for (let i = 0; i < 12 && selected() !== '1'; i++) {
      const before = selected();
      s.keys('j');
      await waitUntil(() => selected() !== before, 5_000, 'the selection to move');
    }
    const scrolled = await s.waitFor(/› 1\s+✓ completed\s+done-1\b/, 10_000);
    expect(scrolled).toMatch(/11\s+\S+\s+running\s+live-one/);
    s.keys('C-c');
    await s.waitFor(/Keep|keep/);
  });
});
