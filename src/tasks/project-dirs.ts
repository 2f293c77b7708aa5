import { readdir, realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, isAbsolute, join, resolve, sep } from 'node:path';
import type { ActionResult } from './types.js';

/** Most project names returned by {@link listProjects}. */
export const MAX_PROJECTS = 500;
/** Most directory entries examined per root (a huge home directory must not stall the UI). */
const MAX_ENTRIES_PER_ROOT = 5000;
/** Most candidates named in a refusal. */
const MAX_LISTED = 6;

/** `~` and `~/x` → home-relative; anything else unchanged. */
function expandHome(p: string): string {
  if (p === '~') return homedir();
  if (p.startsWith('~/')) return join(homedir(), p.slice(2));
  return p;
}

async function realDir(
  p: string,
): Promise<{ path: string } | { error: 'missing' | 'not_dir' | 'unreadable'; path: string }> {
  let real: string;
  try {
    real = await realpath(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'unreadable', path: p };
  }
  try {
    const st = await stat(real);
    return st.isDirectory() ? { path: real } : { error: 'not_dir', path: real };
  } catch {
    return { error: 'unreadable', path: real };
  }
}

/** True when `p` is `root` or inside it (both absolute and real). */
function isInside(p: string, root: string): boolean {
  if (p === root) return true;
  const prefix = root.endsWith(sep) ? root : root + sep;
  return p.startsWith(prefix);
}

/**
 * True when two absolute real folders overlap: the same, or one inside the other. Compared by
 * path segments, so `/a/b` and `/a/bc` do not overlap. One writer per folder means one per tree.
 */
export function dirsOverlap(a: string, b: string): boolean {
  return isInside(a, b) || isInside(b, a);
}

/**
 * Checks a task's folder again when its run actually starts (it may have waited in the queue):
 * it must still resolve (symlinks followed) to the same real folder inside the roots that was
 * accepted. A folder swapped for a link, moved or removed meanwhile is refused with a sentence.
 */
export async function recheckProjectDir(dir: string, roots: string[]): Promise<ActionResult<string>> {
  const d = await realDir(dir);
  if ('error' in d) {
    const what =
      d.error === 'missing' ? 'no longer exists' : d.error === 'not_dir' ? 'is no longer a folder' : 'cannot be read';
    return { ok: false, message: `could not start: the project folder ${dir} ${what}.` };
  }
  if (!roots.some((r) => isInside(d.path, r))) {
    return {
      ok: false,
      message: `could not start: the project folder ${dir} now leads to ${d.path}, outside the allowed project folders (${rootsText(roots)}); it changed after the task was accepted, so nothing ran.`,
    };
  }
  if (d.path !== dir) {
    return {
      ok: false,
      message: `could not start: the project folder ${dir} now leads to ${d.path}; it changed after the task was accepted, so nothing ran. Start the task again to work there.`,
    };
  }
  return { ok: true, value: d.path };
}

/**
 * Allowed project roots as absolute real paths (`~` expanded, symlinks resolved), in the given
 * order without duplicates. Entries that do not exist or are not directories are dropped.
 */
export async function normalizeRoots(roots: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const r of roots) {
    if (typeof r !== 'string' || r.trim() === '') continue;
    const d = await realDir(resolve(expandHome(r.trim())));
    if ('error' in d) continue;
    if (!out.includes(d.path)) out.push(d.path);
  }
  return out;
}

function rootsText(roots: string[]): string {
  return roots.length === 0 ? 'none are configured' : roots.join(', ');
}

function outsideMessage(shown: string, real: string, roots: string[]): string {
  const via = shown !== real ? ` (it leads to ${real})` : '';
  return `${shown}${via} is outside the allowed project folders (${rootsText(roots)}). Start voice-orch with --root ${real} to allow it.`;
}

/** Checks a concrete path: exists, is a directory, and (after symlinks) lies inside a root. */
async function checkPath(shown: string, abs: string, roots: string[]): Promise<ActionResult<string>> {
  const d = await realDir(abs);
  if ('error' in d) {
    if (d.error === 'missing') return { ok: false, message: `${shown} does not exist.` };
    if (d.error === 'not_dir') return { ok: false, message: `${shown} is a file, not a folder.` };
    return { ok: false, message: `${shown} cannot be read (permission denied or broken link).` };
  }
  if (!roots.some((r) => isInside(d.path, r))) return { ok: false, message: outsideMessage(shown, d.path, roots) };
  return { ok: true, value: d.path };
}

/**
 * Directory entries of one root (real directories and links to directories), hidden ones skipped.
 * With `within`, links whose target lies outside those roots are skipped too.
 */
async function dirsUnder(root: string, within?: string[]): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries.slice(0, MAX_ENTRIES_PER_ROOT)) {
    if (e.name.startsWith('.')) continue;
    if (e.isDirectory()) out.push(e.name);
    else if (e.isSymbolicLink()) {
      // A dangling link (realDir error) is not a project.
      const d = await realDir(join(root, e.name));
      if ('error' in d) continue;
      if (!within || within.some((r) => isInside(d.path, r))) out.push(e.name);
    }
  }
  return out;
}

/** Lower case with separators removed: "Voice Orch", "voice_orch" and "voice-orch" compare equal. */
function squashName(s: string): string {
  return s.toLowerCase().replace(/[\s\-_.]+/g, '');
}

function listCandidates(paths: string[]): string {
  const shown = paths.slice(0, MAX_LISTED);
  const more = paths.length - shown.length;
  return `${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/**
 * Turns what the user said or typed into a project directory inside the allowed roots.
 * Accepts an absolute path, a `~/` path, a relative path (against each root), or a name matched
 * against the directories directly under each root and each root's own basename: exact name,
 * then unique case-insensitive, then unique separator-insensitive ("voice orch" → voice-orch),
 * then unique prefix. Symlinks are resolved before the containment check. Refusals carry a
 * sentence the assistant can say.
 */
export async function resolveProjectDir(input: string, roots: string[]): Promise<ActionResult<string>> {
  const realRoots = await normalizeRoots(roots);
  const text = (input ?? '').trim();
  if (text === '') {
    return { ok: false, message: `Which project folder? Say a folder name under ${rootsText(realRoots)}.` };
  }
  if (realRoots.length === 0) {
    return {
      ok: false,
      message:
        'No project folders are allowed: none of the configured roots exists. Start voice-orch with --root <folder>.',
    };
  }

  const expanded = expandHome(text);
  if (isAbsolute(expanded)) return checkPath(text, resolve(expanded), realRoots);

  if (text.includes('/') || text === '.' || text === '..') {
    // A relative path: the first root under which it exists wins; refusals report the first root.
    let first: ActionResult<string> | undefined;
    for (const r of realRoots) {
      const res = await checkPath(text, resolve(r, text), realRoots);
      if (res.ok) return res;
      first ??= res;
    }
    return first as ActionResult<string>;
  }

  // A name: directories under the roots, and the roots themselves by basename.
  const cands: { name: string; path: string }[] = [];
  for (const r of realRoots) {
    cands.push({ name: basename(r), path: r });
    for (const name of await dirsUnder(r)) cands.push({ name, path: join(r, name) });
  }
  const lower = text.toLowerCase();
  const squashed = squashName(text);
  const levels: ((c: { name: string }) => boolean)[] = [
    (c) => c.name === text,
    (c) => c.name.toLowerCase() === lower,
    (c) => squashed !== '' && squashName(c.name) === squashed,
    (c) => c.name.toLowerCase().startsWith(lower),
    (c) => squashed !== '' && squashName(c.name).startsWith(squashed),
  ];
  for (const level of levels) {
    const hits = cands.filter(level);
    if (hits.length === 0) continue;
    // Resolve links so one folder reached by two names is one candidate.
    const checked: string[] = [];
    const refusals: string[] = [];
    for (const h of hits) {
      const res = await checkPath(h.path, h.path, realRoots);
      if (res.ok) {
        if (!checked.includes(res.value)) checked.push(res.value);
      } else refusals.push(res.message);
    }
    if (checked.length === 1) return { ok: true, value: checked[0] as string };
    if (checked.length > 1) {
      return {
        ok: false,
        message: `"${text}" matches several project folders: ${listCandidates(checked)}. Say the full name or path.`,
      };
    }
    return { ok: false, message: refusals[0] ?? `"${text}" is not a usable project folder.` };
  }

  const known = await listProjects(realRoots);
  const hint = known.length > 0 ? ` Projects: ${listCandidates(known)}.` : '';
  return { ok: false, message: `No project folder named "${text}" under ${rootsText(realRoots)}.${hint}` };
}

/**
 * Names of the directories directly under the roots (for completion), sorted, de-duplicated,
 * hidden ones and links leading outside the roots skipped, at most {@link MAX_PROJECTS}.
 */
export async function listProjects(roots: string[]): Promise<string[]> {
  const names = new Set<string>();
  const realRoots = await normalizeRoots(roots);
  for (const r of realRoots) {
    // Links leading out of the roots would only be refused later, so they are not offered.
    for (const n of await dirsUnder(r, realRoots)) names.add(n);
  }
  return [...names].sort((a, b) => a.localeCompare(b)).slice(0, MAX_PROJECTS);
}
