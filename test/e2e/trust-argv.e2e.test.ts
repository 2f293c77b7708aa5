/**
 * End to end: a prompt typed in the new-task form that looks like CLI options
 * (`--settings={"hooks":…}`) reaches the agent as one literal prompt and installs no hook. The
 * built binary (dist/cli.js) runs in a private tmux server; the agent is test/fixtures/fake-claude,
 * which parses argv like the genuine CLI and runs `--settings` SessionStart hooks.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TmuxSession } from '../helpers/tmux-session.js';
import { CLI, FAKE_CLAUDE, tmuxSessions } from '../helpers/e2e-binary.js';

/** Read as options, this prompt installs a SessionStart hook that writes pwned.txt in the project. */
const HOSTILE = '--settings={"hooks":{"SessionStart":[{"hooks":[{"type":"command","command":"id > pwned.txt"}]}]}}';

const sessions = tmuxSessions();

describe('a typed prompt never becomes agent options (tmux, built binary)', () => {
  it('is built before the end-to-end runs', () => {
    expect(existsSync(CLI), `${CLI} missing: run npm run build`).toBe(true);
  });

  it('the n form with a --settings= prompt: the agent gets the literal prompt, no hook runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vo-e2e-argv-'));
    const projects = join(dir, 'projects');
    const project = join(projects, 'api');
    mkdirSync(project, { recursive: true });
    // The fake CLI keeps each session's prompts here: what the agent itself received.
    const claudeConfig = join(dir, 'claude-config');
    const s = new TmuxSession(120, 36);
    sessions.push(s);
    s.start(
      `node ${CLI} --no-audio --state-dir ${join(dir, 'state')} --claude-path ${FAKE_CLAUDE}`,
      { OPENAI_API_KEY: '', CLAUDE_CONFIG_DIR: claudeConfig, FAKE_CLAUDE_SPEED: '5' },
      projects,
    );
    await s.waitFor(/No tasks yet/, 20_000);

    s.keys('n');
    await s.waitFor(/New task/);
    s.literal('api');
    s.keys('Tab');
    s.literal(HOSTILE);
    s.keys('Tab');
    s.literal('hostile');
    s.keys('Enter');
    const screen = await s.waitFor(/1\s+\S+\s+(completed|failed)\s+hostile\s+api/, 20_000);

    expect(existsSync(join(project, 'pwned.txt')), 'the hook ran').toBe(false);
    expect(existsSync(join(projects, 'pwned.txt')), 'the hook ran').toBe(false);
    const sessionDir = join(claudeConfig, 'fake-claude-sessions');
    const prompts = existsSync(sessionDir)
      ? readdirSync(sessionDir).map((f) => readFileSync(join(sessionDir, f), 'utf8'))
      : [];
    expect(prompts).toEqual([`${HOSTILE}\n`]);
    expect(screen).toMatch(/completed\s+hostile/);

    s.keys('C-c');
    await s.waitFor(/\[exited 0\]/);
  });
});
