/**
 * Runs `git` for the task engine. Every call is an argv (no shell), options come before `--`, and
 * paths or names from outside only ever follow `--`; a failure is a value carrying the reason git
 * gave, never an exception.
 */
import { runOffThread } from '../spawn-off-thread.js';

/** What one git call produced: its stdout (trailing newline kept) or the reason it failed. */
export type GitResult =
  { ok: true; stdout: string; exitCode: number } | { ok: false; message: string; exitCode?: number };

/** Options of {@link git}. */
export interface GitRunOptions {
  /** Exit codes that count as success besides 0 (e.g. 1 for `diff --no-index` with differences). */
  okCodes?: number[];
  /** Bytes of output kept at most (default 32 MiB). */
  maxBuffer?: number;
}

/**
 * `git -C <cwd> <args…>`. The environment keeps the user's (their identity and config), with
 * prompts turned off (git never waits for a password on our terminal) and messages in English.
 */
export async function git(cwd: string, args: readonly string[], opts: GitRunOptions = {}): Promise<GitResult> {
  // On the spawn thread: a git call costs the screen no wait for the process to start.
  const o = await runOffThread('git', ['-C', cwd, ...args], {
    reject: false,
    stdin: 'ignore',
    stripFinalNewline: false,
    maxBuffer: opts.maxBuffer ?? 32 * 1024 * 1024,
    env: { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', GIT_OPTIONAL_LOCKS: '0' },
    windowsHide: true,
  });
  if (!o.ok) return { ok: false, message: o.message };
  const r = o.facts;
  return gitOutcome(r.exitCode ?? -1, String(r.stdout), String(r.stderr), opts, r.shortMessage);
}

/** One finished git call as a {@link GitResult} (shared by git run here and on a host). */
export function gitOutcome(
  code: number,
  stdout: string,
  stderr: string,
  opts: GitRunOptions = {},
  fallback?: string,
): GitResult {
  if (code === 0 || (opts.okCodes ?? []).includes(code)) return { ok: true, stdout, exitCode: code };
  const reason = stderr.trim() || stdout.trim() || fallback || `git exited with ${code}`;
  return { ok: false, message: firstLines(reason), exitCode: code };
}

/** The first few lines of git's complaint: enough to say why, short enough for a notice. */
function firstLines(text: string): string {
  const lines = text.split('\n').map((l) => l.replace(/^(fatal|error): /, '').trim());
  return lines
    .filter((l) => l !== '' && !l.startsWith('hint:'))
    .slice(0, 3)
    .join(' ');
}

/** stdout of a successful call without its final newline. */
export function trimmed(r: { stdout: string }): string {
  return r.stdout.replace(/\n$/, '');
}
