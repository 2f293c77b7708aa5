/**
 * Where a git call runs: on this machine ({@link git}) or on a configured remote host, through
 * that host's SSH runner (the same argv, every word quoted for the host's shell). The remote
 * runners register here when they are made, so the git modules (worktrees, changes, repository
 * facts) take a host name and stay the one home of their logic.
 */
import { git, type GitResult, type GitRunOptions } from './git-run.js';

/** Runs `git -C <cwd> <args…>` somewhere. */
export type GitExec = (cwd: string, args: readonly string[], opts?: GitRunOptions) => Promise<GitResult>;

/** What the git modules need of a host. */
export interface GitHost {
  exec: GitExec;
  /** The absolute folder on the host that holds voice-orch's task worktrees (made when missing). */
  worktreeRoot(): Promise<{ ok: true; value: string } | { ok: false; message: string }>;
  /** Disk use of a folder on the host in bytes (`du -sk`), undefined when it cannot be measured. */
  diskUse?(path: string): Promise<number | undefined>;
}

const hosts = new Map<string, GitHost>();

/** Makes host `name` reachable for git calls; returns the unregister. */
export function registerGitHost(name: string, host: GitHost): () => void {
  hosts.set(name, host);
  return () => {
    if (hosts.get(name) === host) hosts.delete(name);
  };
}

/** The registered host `name`, if any. */
export function gitHost(name: string): GitHost | undefined {
  return hosts.get(name);
}

/** `git -C <cwd> <args…>` on `host` (undefined: this machine). */
export function gitAt(
  host: string | undefined,
  cwd: string,
  args: readonly string[],
  opts: GitRunOptions = {},
): Promise<GitResult> {
  if (host === undefined) return git(cwd, args, opts);
  const h = hosts.get(host);
  if (!h) return Promise.resolve({ ok: false, message: `there is no host ${host} in the config` });
  return h.exec(cwd, args, opts);
}
