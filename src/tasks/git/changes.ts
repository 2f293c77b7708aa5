/**
 * What a task changed, from git: the files with added and removed line counts, and the unified
 * diff. For a worktree task, everything that differs from its base commit (committed, uncommitted
 * and untracked); for an in-place task, the files its tools touched, as they differ from HEAD.
 */
import { isAbsolute, relative, sep } from 'node:path';
import { gitAt } from './git-host.js';

/** One changed file. `added`/`removed` are undefined for a binary file. */
export interface FileChange {
  /** Relative to the top of the checkout. */
  path: string;
  added?: number;
  removed?: number;
  /** Not yet known to git (never added). */
  untracked?: boolean;
}

/** A task's changes. */
export interface ChangeSummary {
  files: FileChange[];
  added: number;
  removed: number;
}

/** Untracked files counted at most (each costs one git call). */
const MAX_UNTRACKED = 200;

/** Where to compare: the checkout's folder, the commit to compare with, and optionally which paths. */
export interface ChangeScope {
  checkout: string;
  base: string;
  /** Only these paths (absolute or relative to the checkout); all files when undefined. */
  paths?: readonly string[];
  /** The configured host the checkout is on (undefined: this machine). */
  host?: string;
}

/** The files changed in `scope` with their counts, or git's reason for failing. */
export async function changeSummary(scope: ChangeScope): Promise<ChangeSummary | { error: string }> {
  const paths = scopedPaths(scope);
  if (paths !== undefined && paths.length === 0) return { files: [], added: 0, removed: 0 };
  const tracked = await gitAt(scope.host, scope.checkout, [
    'diff',
    '--numstat',
    '-z',
    '--no-renames',
    scope.base,
    '--',
    ...(paths ?? []),
  ]);
  if (!tracked.ok) return { error: tracked.message };
  const files = parseNumstat(tracked.stdout);
  const untracked = await untrackedDiffs(scope, paths, ['--numstat', '-z']);
  if ('error' in untracked) return untracked;
  for (const { path, diff } of untracked) {
    files.push({ ...(diff !== undefined ? countsOf(diff) : {}), path, untracked: true });
  }
  files.sort((a, b) => a.path.localeCompare(b.path));
  return {
    files,
    added: files.reduce((n, f) => n + (f.added ?? 0), 0),
    removed: files.reduce((n, f) => n + (f.removed ?? 0), 0),
  };
}

/** The unified diff of `scope` (untracked files as new files), without colour. */
export async function changeDiff(scope: ChangeScope): Promise<string | { error: string }> {
  const paths = scopedPaths(scope);
  if (paths !== undefined && paths.length === 0) return '';
  const tracked = await gitAt(scope.host, scope.checkout, [
    'diff',
    '--no-color',
    '--no-ext-diff',
    '--no-renames',
    scope.base,
    '--',
    ...(paths ?? []),
  ]);
  if (!tracked.ok) return { error: tracked.message };
  const untracked = await untrackedDiffs(scope, paths, ['--no-color', '--no-ext-diff']);
  if ('error' in untracked) return untracked;
  return tracked.stdout + untracked.map((u) => u.diff ?? '').join('');
}

/** "3 files, +40 −12" (or "no changes"). */
export function changeLine(s: ChangeSummary): string {
  if (s.files.length === 0) return 'no changes';
  const n = s.files.length;
  return `${n} ${n === 1 ? 'file' : 'files'}, +${s.added} \u2212${s.removed}`;
}

/**
 * Each untracked file of the scope (the first MAX_UNTRACKED) diffed as new against /dev/null with
 * `diffOptions`; `diff` is undefined where git failed for that file (it is still listed).
 */
async function untrackedDiffs(
  scope: ChangeScope,
  paths: string[] | undefined,
  diffOptions: readonly string[],
): Promise<{ path: string; diff?: string }[] | { error: string }> {
  const untracked = await untrackedFiles(scope.checkout, paths, scope.host);
  if ('error' in untracked) return untracked;
  const out: { path: string; diff?: string }[] = [];
  for (const path of untracked.slice(0, MAX_UNTRACKED)) {
    const args = ['diff', '--no-index', ...diffOptions, '--', '/dev/null', path];
    // `git diff --no-index` exits 1 when the files differ, which they always do here.
    const r = await gitAt(scope.host, scope.checkout, args, { okCodes: [1] });
    out.push(r.ok ? { path, diff: r.stdout } : { path });
  }
  return out;
}

async function untrackedFiles(
  checkout: string,
  paths: string[] | undefined,
  host?: string,
): Promise<string[] | { error: string }> {
  const r = await gitAt(host, checkout, ['ls-files', '--others', '--exclude-standard', '-z', '--', ...(paths ?? [])]);
  if (!r.ok) return { error: r.message };
  return r.stdout.split('\0').filter((p) => p !== '');
}

/** The scope's paths relative to the checkout, those outside it dropped; undefined for "all". */
function scopedPaths(scope: ChangeScope): string[] | undefined {
  if (scope.paths === undefined) return undefined;
  const out = new Set<string>();
  for (const p of scope.paths) {
    const rel = isAbsolute(p) ? relative(scope.checkout, p) : p;
    if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) continue;
    // A leading colon would be read as pathspec magic.
    out.add(rel.startsWith(':') ? `./${rel}` : rel);
  }
  return [...out];
}

/** The counts at the start of a numstat line (`diff --no-index` names the file in rename form). */
function countsOf(text: string): { added?: number; removed?: number } {
  const m = /^(-|\d+)\t(-|\d+)\t/.exec(text);
  if (!m) return {};
  return m[1] === '-' ? {} : { added: Number(m[1]), removed: Number(m[2]) };
}

/** `git diff --numstat -z` output (without renames) as file changes. */
export function parseNumstat(text: string): FileChange[] {
  const out: FileChange[] = [];
  for (const entry of text.split('\0')) {
    const m = /^(-|\d+)\t(-|\d+)\t(.+)$/s.exec(entry.replace(/^\n/, ''));
    if (!m) continue;
    const f: FileChange = { path: m[3] as string };
    if (m[1] !== '-') f.added = Number(m[1]);
    if (m[2] !== '-') f.removed = Number(m[2]);
    out.push(f);
  }
  return out;
}
