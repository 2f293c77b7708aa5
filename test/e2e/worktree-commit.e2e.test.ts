/**
 * End to end: `C` on a finished worktree task opens the commit dialog with the message pre-filled;
 * the user edits it (Ctrl+U, then a message that starts like a git option) and Enter commits the
 * worktree's work with exactly that message on the task's branch. The built binary in a private
 * tmux server; the agent is test/fixtures/fake-claude, which writes a file for `write:<path>`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTaskByForm } from '../helpers/new-task-form.js';
import { TmuxSession } from '../helpers/tmux-session.js';
import { CLI, FAKE_CLAUDE, tmuxSessions } from '../helpers/e2e-binary.js';

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } });

/** A confirm dialog refuses answers within 150 ms of the key that opened it: read it first. */
const readTheQuestion = () => new Promise((r) => setTimeout(r, 400));

const sessions = tmuxSessions();

describe('C in tmux', () => {
  it('commits a worktree task’s work with the message as the user edited it', async () => {
    expect(existsSync(CLI), `${CLI} missing: run npm run build`).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'vo-e2e-commit-'));
    const repo = join(dir, 'projects', 'api');
    mkdirSync(repo, { recursive: true });
    git(repo, 'init', '--quiet', '-b', 'main');
    git(repo, 'config', 'user.name', 'Test');
    git(repo, 'config', 'user.email', 'test@example.com');
    writeFileSync(join(repo, 'README.md'), 'hello\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '--quiet', '-m', 'first');
    const base = git(repo, 'rev-parse', 'HEAD').trim();

    const s = new TmuxSession(120, 36);
    sessions.push(s);
    s.start(
      `node ${CLI} --no-audio --isolation worktree --state-dir ${join(dir, 'state')} --claude-path ${FAKE_CLAUDE}`,
      { OPENAI_API_KEY: '' },
      join(dir, 'projects'),
    );
    await s.waitFor(/No tasks yet/, 20_000);
    await startTaskByForm(s, 'api', 'Add notes. write:NOTES.md', 'notes');
    await s.waitFor(/completed\s+⎇ notes/, 30_000);
    const branch = 'voice-orch/1-notes';
    expect(git(repo, 'rev-parse', branch).trim()).toBe(base);

    s.keys('C');
    await s.waitFor(/Commit task 1's work\?[\s\S]*› Message: notes/);
    await readTheQuestion();
    s.keys('C-u');
    s.literal('--amend notes, as the user put it');
    await s.waitFor(/› Message: --amend notes, as the user put it/);
    s.keys('Enter');
    await s.waitFor(/committed 1 file on voice-orch\/1-notes/, 15_000);

    expect(git(repo, 'log', '-1', '--format=%B', branch).trim()).toBe('--amend notes, as the user put it');
    expect(git(repo, 'rev-parse', `${branch}~1`).trim()).toBe(base);
    expect(git(repo, 'show', '--name-only', '--format=', branch).trim()).toBe('NOTES.md');
    // The main checkout is untouched: same commit, nothing new in its status.
    expect(git(repo, 'rev-parse', 'HEAD').trim()).toBe(base);
    expect(git(repo, 'status', '--porcelain')).toBe('');
  }, 90_000);
});
