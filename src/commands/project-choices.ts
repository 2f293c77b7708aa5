/**
 * What the new-task form's project field completes against: `.` for the folder voice-orch was
 * started in (when it lies under a root), the folders under the roots, and for each configured
 * remote host `host:` plus the `host:project` folders earlier tasks used there.
 */
import { realpath } from 'node:fs/promises';
import { posix, sep } from 'node:path';
import type { CommandContext } from './types.js';

/** The candidates and the folder `.` stands for. */
export interface ProjectChoices {
  projects: string[];
  startDir?: string;
}

function inside(dir: string, root: string, separator: string): boolean {
  return dir === root || dir.startsWith(root.endsWith(separator) ? root : root + separator);
}

/** The start folder as a real path when it lies under one of the (real) roots, else undefined. */
async function startFolder(dir: string | undefined, roots: readonly string[]): Promise<string | undefined> {
  if (!dir) return undefined;
  let real: string;
  try {
    real = await realpath(dir);
  } catch {
    return undefined;
  }
  return roots.some((r) => inside(real, r, sep)) ? real : undefined;
}

/** `host:` for each host, then `host:folder` for the folders earlier tasks ran in there. */
function hostChoices(ctx: CommandContext): string[] {
  const hosts = ctx.hosts ?? {};
  const out: string[] = [];
  for (const [name, h] of Object.entries(hosts)) {
    out.push(`${name}:`);
    const first = h.roots[0] ? posix.normalize(h.roots[0]) : undefined;
    const used = new Set<string>();
    for (const t of ctx.tasks.list()) {
      if (t.host !== name) continue;
      // Relative to the host's first root, as placement reads `build:api`; elsewhere the whole path.
      const rel = first && inside(t.projectDir, first, '/') ? posix.relative(first, t.projectDir) : t.projectDir;
      if (rel) used.add(`${name}:${rel}`);
    }
    out.push(...[...used].sort((a, b) => a.localeCompare(b)));
  }
  return out;
}

/** Completion candidates for the project field, `.` first when the start folder is usable. */
export async function projectChoices(ctx: CommandContext): Promise<ProjectChoices> {
  const [names, startDir] = await Promise.all([ctx.tasks.listProjects(), startFolder(ctx.startDir, ctx.tasks.roots())]);
  const projects = [...(startDir ? ['.'] : []), ...names, ...hostChoices(ctx)];
  return startDir ? { projects, startDir } : { projects };
}
