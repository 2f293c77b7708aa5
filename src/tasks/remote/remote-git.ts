/**
 * git on a host: the same argv as locally (git-run.ts), run over the host's SSH connection with
 * every word quoted (shell-quote.ts), prompts off and messages in English. A connection that fails
 * is a result (exit 255, "host … unreachable"), never read as git's answer.
 */
import type { GitHost } from '../git/git-host.js';
import { gitOutcome } from '../git/git-run.js';
import { duArgv, duBytes } from '../git/worktrees.js';
import { runSsh, type SshTarget } from './ssh-transport.js';

/** `sh -c MKROOT <name> <folder>`: makes the folder (private) and prints its absolute path. */
const MKROOT_SCRIPT = `umask 077; mkdir -p -- "$1" && cd -- "$1" && pwd`;

/** The {@link GitHost} of one host; worktrees go in `<stateDir>/.worktrees`. */
export function sshGitHost(name: string, t: SshTarget, stateDir: string): GitHost {
  let root: string | undefined;
  return {
    async exec(cwd, args, opts = {}) {
      const r = await runSsh(
        t,
        ['env', 'GIT_TERMINAL_PROMPT=0', 'LC_ALL=C', 'GIT_OPTIONAL_LOCKS=0', 'git', '-C', cwd, ...args],
        120_000,
      );
      if (r.connectionFailed) return { ok: false, message: `host ${name} is unreachable`, exitCode: 255 };
      return gitOutcome(r.exitCode, r.stdout, r.stderr, opts);
    },
    async worktreeRoot() {
      if (root !== undefined) return { ok: true, value: root };
      const r = await runSsh(t, ['sh', '-c', MKROOT_SCRIPT, 'voice-orch-mkroot', `${stateDir}/.worktrees`]);
      const path = r.stdout.trim();
      if (r.exitCode !== 0 || !path.startsWith('/')) {
        return {
          ok: false,
          message: `cannot make the worktree folder on ${name}: ${r.stderr.trim() || `exit ${r.exitCode}`}`,
        };
      }
      root = path;
      return { ok: true, value: path };
    },
    async diskUse(path) {
      const r = await runSsh(t, duArgv(path), 30_000);
      return r.connectionFailed ? undefined : duBytes(r.exitCode, r.stdout);
    },
  };
}
