import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dirsOverlap,
  listProjects,
  normalizeRoots,
  recheckProjectDir,
  resolveProjectDir,
} from '../../src/tasks/project-dirs.js';

let base: string;
let code: string; // root 1
let work: string; // root 2
let outside: string;

beforeAll(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'vo-projects-')));
  code = join(base, 'code');
  work = join(base, 'work');
  outside = join(base, 'outside');
  for (const d of [
    'code/api',
    'code/web',
    'code/voice-orch',
    'code/Widget',
    'code/.hidden',
    'code/shared',
    'work/shared',
    'work/billing-service',
    'work/billing-ui',
    'outside/secret',
  ]) {
    await mkdir(join(base, d), { recursive: true });
  }
  await writeFile(join(code, 'notes.txt'), 'not a dir');
  await symlink(join(outside, 'secret'), join(code, 'escape')); // link leaving the roots
  await symlink(join(code, 'api'), join(work, 'api-link')); // link staying inside
  await symlink(join(base, 'nowhere'), join(code, 'dangling'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('normalizeRoots', () => {
  it('makes roots absolute and real, drops missing ones and duplicates, keeps order', async () => {
    await symlink(code, join(base, 'code-link'));
    const roots = await normalizeRoots([
      work,
      join(base, 'code-link'),
      `${code}/`,
      join(base, 'missing'),
      join(code, 'notes.txt'),
      '',
      code,
    ]);
    expect(roots).toEqual([work, code]);
  });

  it('expands ~', async () => {
    expect(await normalizeRoots(['~'])).toEqual([await realpath(homedir())]);
  });
});

describe('resolveProjectDir', () => {
  const roots = () => [code, work];

  it('a name directly under a root', async () => {
    expect(await resolveProjectDir('api', roots())).toEqual({ ok: true, value: join(code, 'api') });
    expect(await resolveProjectDir('billing-ui', roots())).toEqual({ ok: true, value: join(work, 'billing-ui') });
  });

  it('exact name, then case-insensitive, then separator-insensitive, then unique prefix', async () => {
    expect(await resolveProjectDir('Widget', roots())).toEqual({ ok: true, value: join(code, 'Widget') });
    expect(await resolveProjectDir('widget', roots())).toEqual({ ok: true, value: join(code, 'Widget') });
    expect(await resolveProjectDir('voice orch', roots())).toEqual({ ok: true, value: join(code, 'voice-orch') });
    expect(await resolveProjectDir('voi', roots())).toEqual({ ok: true, value: join(code, 'voice-orch') });
  });

  it('a root by its own basename', async () => {
    expect(await resolveProjectDir('code', roots())).toEqual({ ok: true, value: code });
  });

  it('ambiguous names are refused with the candidates', async () => {
    const r = await resolveProjectDir('shared', roots());
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toBe(
      `"shared" matches several project folders: ${join(code, 'shared')}, ${join(work, 'shared')}. Say the full name or path.`,
    );
    const p = await resolveProjectDir('billing', roots());
    expect(!p.ok && p.message).toMatch(/^"billing" matches several project folders: .*billing-service, .*billing-ui\./);
  });

  it('two names for one folder (a link inside the roots) are one candidate', async () => {
    expect(await resolveProjectDir('api-link', roots())).toEqual({ ok: true, value: join(code, 'api') });
  });

  it('absolute paths inside the roots, resolved through links', async () => {
    expect(await resolveProjectDir(join(code, 'web'), roots())).toEqual({ ok: true, value: join(code, 'web') });
    expect(await resolveProjectDir(join(work, 'api-link'), roots())).toEqual({ ok: true, value: join(code, 'api') });
  });

  it('a symlink escaping the root is refused (realpath before the containment check)', async () => {
    for (const input of ['escape', join(code, 'escape')]) {
      const r = await resolveProjectDir(input, roots());
      expect(r.ok).toBe(false);
      expect(!r.ok && r.message).toContain(
        `is outside the allowed project folders (${code}, ${work}). Start voice-orch with --root ${join(outside, 'secret')} to allow it.`,
      );
      expect(!r.ok && r.message).toContain(`(it leads to ${join(outside, 'secret')})`);
    }
  });

  it('paths outside the roots are refused with a sentence to say', async () => {
    const r = await resolveProjectDir('/etc', [code]);
    expect(r).toEqual({
      ok: false,
      message: `/etc is outside the allowed project folders (${code}). Start voice-orch with --root /etc to allow it.`,
    });
  });

  it('~ paths are expanded before the checks', async () => {
    const home = await realpath(homedir());
    const r = await resolveProjectDir('~', [code]);
    expect(r).toEqual({
      ok: false,
      message: `~ (it leads to ${home}) is outside the allowed project folders (${code}). Start voice-orch with --root ${home} to allow it.`,
    });
    expect(await resolveProjectDir('~', [home])).toEqual({ ok: true, value: home });
  });

  it('.. traversal is refused', async () => {
    for (const input of ['../outside/secret', `${code}/../outside/secret`, '..', 'api/../../outside']) {
      const r = await resolveProjectDir(input, roots());
      expect(r.ok, input).toBe(false);
      expect(!r.ok && r.message, input).toMatch(/is outside the allowed project folders/);
    }
  });

  it('a relative path below a root is fine', async () => {
    await mkdir(join(code, 'api', 'pkg'), { recursive: true });
    expect(await resolveProjectDir('api/pkg', roots())).toEqual({ ok: true, value: join(code, 'api', 'pkg') });
  });

  it('missing paths and names', async () => {
    expect(await resolveProjectDir(join(code, 'nope'), roots())).toEqual({
      ok: false,
      message: `${join(code, 'nope')} does not exist.`,
    });
    const r = await resolveProjectDir('zzz', roots());
    expect(!r.ok && r.message).toBe(
      `No project folder named "zzz" under ${code}, ${work}. Projects: api, api-link, billing-service, billing-ui, shared, voice-orch and 2 more.`,
    );
  });

  it('a file is not a folder', async () => {
    expect(await resolveProjectDir(join(code, 'notes.txt'), roots())).toEqual({
      ok: false,
      message: `${join(code, 'notes.txt')} is a file, not a folder.`,
    });
  });

  it('dangling links and hidden folders are not projects by name', async () => {
    expect((await resolveProjectDir('dangling', roots())).ok).toBe(false);
    expect((await resolveProjectDir('.hidden', roots())).ok).toBe(false);
    // …but a hidden folder can still be named by path.
    expect(await resolveProjectDir(join(code, '.hidden'), roots())).toEqual({ ok: true, value: join(code, '.hidden') });
  });

  it('empty input and no usable roots', async () => {
    expect(await resolveProjectDir('  ', roots())).toEqual({
      ok: false,
      message: `Which project folder? Say a folder name under ${code}, ${work}.`,
    });
    const r = await resolveProjectDir('api', [join(base, 'missing')]);
    expect(!r.ok && r.message).toMatch(/^No project folders are allowed/);
  });

  it('roots given unnormalised still work (symlinked root)', async () => {
    expect(await resolveProjectDir('web', [join(base, 'code-link')])).toEqual({ ok: true, value: join(code, 'web') });
  });
});

describe('listProjects', () => {
  it('lists directory names under the roots: sorted, de-duplicated; hidden, files, dangling and escaping links skipped', async () => {
    expect(await listProjects([code, work])).toEqual([
      'api',
      'api-link',
      'billing-service',
      'billing-ui',
      'shared',
      'voice-orch',
      'web',
      'Widget',
    ]);
  });

  it('is bounded', async () => {
    const many = join(base, 'many');
    await mkdir(many);
    await Promise.all(Array.from({ length: 520 }, (_, i) => mkdir(join(many, `p${String(i).padStart(3, '0')}`))));
    const names = await listProjects([many]);
    expect(names).toHaveLength(500);
    expect(names[0]).toBe('p000');
  });

  it('missing roots give an empty list', async () => {
    expect(await listProjects([join(base, 'missing')])).toEqual([]);
  });
});

describe('dirsOverlap', () => {
  it('a folder overlaps itself, its parents and its subfolders, by path segment', () => {
    expect(dirsOverlap('/a/b', '/a/b')).toBe(true);
    expect(dirsOverlap('/a', '/a/b/c')).toBe(true);
    expect(dirsOverlap('/a/b/c', '/a')).toBe(true);
    expect(dirsOverlap('/', '/a')).toBe(true);
    expect(dirsOverlap('/a/b', '/a/bc')).toBe(false);
    expect(dirsOverlap('/a/bc', '/a/b')).toBe(false);
    expect(dirsOverlap('/a/b', '/a/c')).toBe(false);
  });
});

describe('recheckProjectDir', () => {
  it('accepts the same real folder; refuses one that now leads elsewhere, outside the roots, or is gone', async () => {
    const dir = join(code, 'recheck');
    await mkdir(dir);
    expect(await recheckProjectDir(dir, [code, work])).toEqual({ ok: true, value: dir });
    await rm(dir, { recursive: true });
    await symlink(outside, dir);
    expect(await recheckProjectDir(dir, [code, work])).toEqual({
      ok: false,
      message: expect.stringMatching(/now leads to .*outside the allowed project folders/),
    });
    await rm(dir);
    await symlink(join(work, 'shared'), dir);
    expect(await recheckProjectDir(dir, [code, work])).toEqual({
      ok: false,
      message: expect.stringMatching(/now leads to .*work\/shared; it changed after the task was accepted/),
    });
    await rm(dir);
    expect(await recheckProjectDir(dir, [code, work])).toEqual({
      ok: false,
      message: expect.stringMatching(/no longer exists/),
    });
  });
});
