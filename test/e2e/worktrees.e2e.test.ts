/**
 * End to end: two tasks in one real git repository run at once, the second in a git worktree of
 * its own; the main checkout's `git status` stays as it was; `v` shows the second task's diff
 * (and `/` finds text in it); `o` opens its worktree in $VISUAL, which gets the terminal; `M` and a
 * confirmation merge its branch into the main checkout.
 * The built binary in a private tmux server; the agent is test/fixtures/fake-claude, which writes
 * a file for `write:<path>` in its prompt.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TmuxSession } from '../helpers/tmux-session.js';
import { startTaskByForm } from '../helpers/new-task-form.js';
import { CLI, FAKE_CLAUDE, tmuxSessions } from '../helpers/e2e-binary.js';

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } });

/** A workspace with projects/api: a git repository on `main` with one commit. */
function workspace(): { dir: string; state: string; repo: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vo-e2e-wt-'));
  const repo = join(dir, 'projects', 'api');
  mkdirSync(repo, { recursive: true });
  git(repo, 'init', '--quiet', '-b', 'main');
  git(repo, 'config', 'user.name', 'Test');
  git(repo, 'config', 'user.email', 'test@example.com');
  writeFileSync(join(repo, 'README.md'), 'hello\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '--quiet', '-m', 'first');
  return { dir, state: join(dir, 'state'), repo };
}

/** A confirm dialog refuses answers within 150 ms of the key that opened it: read it first. */
const readTheQuestion = () => new Promise((r) => setTimeout(r, 400));

const sessions = tmuxSessions();

/** Opens the new-task form and sends it: name, project, prompt. */
async function newTask(s: TmuxSession, name: string, project: string, prompt: string): Promise<void> {
  await startTaskByForm(s, project, prompt, name);
  await s.waitFor(new RegExp(`\\d\\s+\\S+\\s+running\\s+.*${name}`));
}

describe('worktrees in tmux', () => {
  it('two tasks in one repository run at once, the second in its own worktree; v shows its diff; M merges it', async () => {
    expect(existsSync(CLI), `${CLI} missing: run npm run build`).toBe(true);
    const ws = workspace();
    const statusBefore = git(ws.repo, 'status', '--porcelain');
    const headBefore = git(ws.repo, 'rev-parse', 'HEAD').trim();
    const s = new TmuxSession(120, 36);
    sessions.push(s);
    const editor = fakeEditor(ws.dir);
    s.start(
      `node ${CLI} --no-audio --state-dir ${ws.state} --claude-path ${FAKE_CLAUDE}`,
      { OPENAI_API_KEY: '', VISUAL: editor.path },
      join(ws.dir, 'projects'),
    );
    await s.waitFor(/No tasks yet/, 20_000);

    // The first task works in place; the second, while it runs, gets a worktree (⎇) and runs at once.
    await newTask(s, 'reader', 'api', 'Read the code. scenario:slow speed:2');
    await newTask(s, 'notes', 'api', 'Add notes. write:NOTES.md scenario:slow speed:4');
    // Both rows say running on one screen; only the second is marked as working in a worktree.
    await s.waitFor(/1\s+\S+\s+running\s+reader\s+api\b[^\n]*\n.*2\s+\S+\s+running\s+⎇ notes/);
    const branch = 'voice-orch/2-notes';
    await waitForBranch(ws.repo, branch);
    expect(git(ws.repo, 'status', '--porcelain')).toBe(statusBefore);

    // Both finish; the agent's file is in the worktree, not in the main checkout.
    await s.waitFor(/completed\s+⎇ notes/, 30_000);
    await s.waitFor(/completed\s+reader/, 30_000);
    expect(existsSync(join(ws.repo, 'NOTES.md'))).toBe(false);
    expect(git(ws.repo, 'status', '--porcelain')).toBe(statusBefore);

    // Select the worktree task and open its diff.
    await selectRow(s, 'notes');
    s.keys('v');
    const diff = await s.waitFor(/NOTES\.md[\s\S]*\+Add notes/);
    expect(diff).toContain(branch);
    s.keys('/');
    s.literal('write:');
    s.keys('Enter');
    await s.waitFor(/\/write:: match 1 of 1/);
    s.keys('Escape');
    await s.waitFor(/reader/);

    // o hands the terminal to $VISUAL in the task's worktree. The keys are typed as soon as the
    // editor has started, while it is still getting ready to read (as a real editor loading its
    // settings): they are the editor's all the same, and the app acts on none of them ("n" would
    // open the new-task form). When the editor ends, the app is back.
    s.keys('o');
    await waitUntil(
      () => existsSync(editor.log) && readFileSync(editor.log, 'utf8').split('|').length === 3,
      10_000,
      'the editor to start',
    );
    const worktree = readFileSync(editor.log, 'utf8').split('|')[0]!;
    expect(worktree.startsWith(join(ws.state, 'worktrees'))).toBe(true);
    expect(readFileSync(editor.log, 'utf8')).toBe(`${worktree}|${worktree}|`);
    s.literal('typed in the editor');
    s.keys('Enter');
    await waitUntil(() => readFileSync(editor.log, 'utf8').endsWith('read:typed in the editor'), 10_000, 'the editor');
    await s.waitFor(/completed\s+⎇ notes/);
    expect(s.screen()).not.toMatch(/New task/);

    // M asks first; y merges the branch into main (a fast-forward: main has not moved).
    s.keys('M');
    await s.waitFor(/Merge task 2 "notes"\?/);
    await readTheQuestion();
    s.keys('y');
    await waitUntil(() => git(ws.repo, 'rev-parse', 'HEAD').trim() !== headBefore, 15_000, 'main to move');
    expect(git(ws.repo, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('main');
    expect(readFileSync(join(ws.repo, 'NOTES.md'), 'utf8')).toContain('write:NOTES.md');
    await s.waitFor(/fast-forwarded main to voice-orch\/2-notes/);
    expect(git(ws.repo, 'merge-base', '--is-ancestor', branch, 'main')).toBe('');
    expect(git(ws.repo, 'status', '--porcelain')).toBe(statusBefore);
  }, 90_000);
});

/** A terminal "editor": records its folder and arguments, takes a moment to start, reads one line from the terminal, exits. */
function fakeEditor(dir: string): { path: string; log: string } {
  const path = join(dir, 'fake-editor');
  const log = join(dir, 'editor.log');
  writeFileSync(
    path,
    `#!/bin/sh\nprintf '%s|' "$PWD" "$@" > '${log}'\nsleep 1\nread line\nprintf 'read:%s' "$line" >> '${log}'\n`,
  );
  chmodSync(path, 0o755);
  return { path, log };
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitForBranch(repo: string, branch: string): Promise<void> {
  await waitUntil(() => git(repo, 'branch', '--list', branch).includes(branch), 10_000, `branch ${branch}`);
}

/** Moves the table cursor to the row naming `name` (the cursor row is marked with ›/❯/▶). */
async function selectRow(s: TmuxSession, name: string): Promise<void> {
  for (let i = 0; i < 6; i++) {
    const row = s
      .screen()
      .split('\n')
      .find((l) => l.includes(name));
    if (row && /^\s*[›❯▶>]/.test(row)) return;
    s.keys(i < 3 ? 'Up' : 'Down');
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`could not select ${name}:\n${s.screen()}`);
}
