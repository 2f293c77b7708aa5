/**
 * Where a task runs: on this machine (a project folder under the local roots, checked here) or on
 * a configured remote host (`host` on the spawn, or a project written `build:api`). A remote project
 * is a folder name under the host's roots or an absolute path inside them; the host itself checks
 * that it exists when the run starts ("no such folder on the host").
 */
import { posix } from 'node:path';
import { claudeArgs } from './backends/claude.js';
import type { AgentRunArgs } from './backends/agent-backend.js';
import { placeTask, type PlaceContext, type Placement as LocalPlacement } from './isolation.js';
import { resolveProjectDir } from './project-dirs.js';
import { placeOnHost } from './remote/remote-isolation.js';
import type { ActionResult, BackendKind, SpawnOptions } from './types.js';

/** What placement needs to know of a host. */
export interface HostPlacement {
  /** Absolute folders on the host that projects may be under. */
  roots: readonly string[];
  /** Tasks at the same time on the host (the scheduler's per-host cap; absent: the local number). */
  maxConcurrent?: number;
}

/** A placed project: its folder (on the host when `host` is set). */
export type Placement = ActionResult<string> & { host?: string };

function underRoot(dir: string, root: string): boolean {
  const r = root.endsWith('/') ? root : `${root}/`;
  return dir === root || dir.startsWith(r);
}

/** Places a spawn's project: locally through the local roots, or on a host through its roots. */
export async function placeProject(
  opts: Pick<SpawnOptions, 'projectDir' | 'host'>,
  localRoots: readonly string[],
  hosts: Readonly<Record<string, HostPlacement>> = {},
): Promise<Placement> {
  let host = opts.host?.trim() || undefined;
  let project = opts.projectDir.trim();
  const colon = /^([A-Za-z0-9][A-Za-z0-9_.-]*):(.+)$/.exec(project);
  if (colon && Object.hasOwn(hosts, colon[1] as string)) {
    if (host !== undefined && host !== colon[1]) {
      return { ok: false, message: `the project names host ${colon[1]} but the task was asked for host ${host}` };
    }
    host = colon[1];
    project = colon[2] as string;
  }
  if (host === undefined || host === 'local') return resolveProjectDir(opts.projectDir, [...localRoots]);
  const h = Object.hasOwn(hosts, host) ? hosts[host] : undefined;
  if (!h) {
    const known = Object.keys(hosts);
    return {
      ok: false,
      message: known.length
        ? `there is no host ${host}; the hosts are ${known.join(', ')}`
        : `there is no host ${host}; no hosts are configured`,
    };
  }
  if (h.roots.length === 0) return { ok: false, message: `host ${host} has no roots configured` };
  if (project.includes('\0')) return { ok: false, message: 'the project name is not valid' };
  const dir = project.startsWith('/')
    ? posix.normalize(project)
    : posix.join(h.roots[0] as string, posix.normalize(project));
  if (!h.roots.some((r) => underRoot(dir, posix.normalize(r)))) {
    return { ok: false, message: `${dir} is not under the roots of host ${host} (${h.roots.join(', ')})` };
  }
  return { ok: true, value: dir, host };
}

/**
 * Places a spawn for task `id` named `name`: on a configured host (`host`, or a project written
 * `build:api`; a worktree there is made by git on the host, remote-isolation.ts), else on this
 * machine through {@link placeTask} (in place or in a worktree of its own).
 */
export async function placeSpawn(
  ctx: PlaceContext,
  opts: Pick<SpawnOptions, 'projectDir' | 'host' | 'isolation'>,
  id: number,
  name: string,
  hosts: Readonly<Record<string, HostPlacement>> = {},
): Promise<ActionResult<LocalPlacement>> {
  const host = opts.host?.trim();
  const prefix = /^([A-Za-z0-9][A-Za-z0-9_.-]*):/.exec(opts.projectDir.trim())?.[1];
  const remote =
    (host !== undefined && host !== '' && host !== 'local') || (prefix !== undefined && Object.hasOwn(hosts, prefix));
  if (!remote) return placeTask(ctx, opts, id, name);
  const placed = await placeProject(opts, [], hosts);
  if (!placed.ok) return placed;
  if (placed.host === undefined) return { ok: true, value: { projectDir: placed.value } };
  return placeOnHost(ctx, opts, id, name, placed.value, placed.host);
}

/**
 * The agent command of a remote run: the executable is the host's (the SSH runner puts the host's
 * claude path in its place), so nothing is looked up on this machine. Only claude runs remotely.
 */
export function remoteAgentCommand(
  backend: BackendKind,
  run: AgentRunArgs,
): ActionResult<{ file: string; args: string[] }> {
  if (backend !== 'claude') return { ok: false, message: 'only claude tasks can run on a remote host' };
  return { ok: true, value: { file: 'claude', args: claudeArgs(run) } };
}
