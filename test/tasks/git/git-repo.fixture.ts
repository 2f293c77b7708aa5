/** Real git repositories in temp folders for the worktree tests. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Runs git in `cwd` (test setup only) and returns its stdout. */
export function sh(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-C', cwd, ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@t',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@t',
    },
  });
}

/** Writes `text` to `root/rel`, making folders. */
export function write(root: string, rel: string, text: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}

/** A new temp folder (real path). */
export function tempDir(prefix = 'vo-git-'): string {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}

/** A repository on branch main with one commit holding `files`, identity configured. */
export function makeRepo(files: Record<string, string> = { 'README.md': 'hello\n' }): string {
  const root = tempDir('vo-repo-');
  sh(root, 'init', '--quiet', '-b', 'main');
  sh(root, 'config', 'user.name', 'Test');
  sh(root, 'config', 'user.email', 'test@example.com');
  for (const [rel, text] of Object.entries(files)) write(root, rel, text);
  sh(root, 'add', '-A');
  sh(root, 'commit', '--quiet', '-m', 'first');
  return root;
}
