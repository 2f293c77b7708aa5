// Tasks in one git repository: a second live task gets a git worktree of its own on its own
// branch and runs at once; the main checkout's status is unchanged; what each changed is counted;
// worktrees survive a restart and follow-ups run in them. Real git, the fake claude agent.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskRecord } from '../../src/tasks/types.js';
import { sh, write } from './git/git-repo.fixture.js';
import { finished, makeWorld, waitFor, type World } from './task-manager.fixture.js';

let w: World;
beforeEach(() => {
  w = makeWorld();
});
afterEach(async () => {
  await w.cleanup();
});

/** A git repository under the world's root with one commit. */
function repo(name: string, files: Record<string, string> = { 'README.md': 'hello\n' }): string {
  const root = w.dir(name);
  sh(root, 'init', '--quiet', '-b', 'main');
  sh(root, 'config', 'user.name', 'Test');
  sh(root, 'config', 'user.email', 'test@example.com');
  for (const [rel, text] of Object.entries(files)) write(root, rel, text);
  sh(root, 'add', '-A');
  sh(root, 'commit', '--quiet', '-m', 'first');
  return root;
}

function ok<T>(r: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

describe('a git worktree per task', () => {
  it('runs two tasks in one repository at once, each in its own worktree, the main checkout untouched', async () => {
    const r = repo('app');
    const m = w.make();
    await m.start();
    const a = ok(
      await m.spawn({
        name: 'alpha',
        prompt: 'write:a.txt scenario:slow speed:4',
        projectDir: r,
        isolation: 'worktree',
      }),
    );
    const b = ok(
      await m.spawn({
        name: 'beta',
        prompt: 'write:b.txt scenario:slow speed:4',
        projectDir: r,
        isolation: 'worktree',
      }),
    );
    expect(a.worktree?.branch).toBe('voice-orch/1-alpha');
    expect(b.worktree?.branch).toBe('voice-orch/2-beta');
    expect(a.projectDir).not.toBe(b.projectDir);
    expect(a.projectDir.startsWith(join(w.stateDir, 'worktrees'))).toBe(true);
    await waitFor(() => m.get(1)?.status === 'running' && m.get(2)?.status === 'running', 10_000, 'both running');
    const [fa, fb] = await Promise.all([finished(m, 1, 30_000), finished(m, 2, 30_000)]);
    expect(readFileSync(join(fa.projectDir, 'a.txt'), 'utf8')).toContain('write:a.txt');
    expect(existsSync(join(fa.projectDir, 'b.txt'))).toBe(false);
    expect(existsSync(join(fb.projectDir, 'b.txt'))).toBe(true);
    expect(sh(r, 'status', '--porcelain')).toBe('');
    expect(fa.changes).toMatchObject({ files: [{ path: 'a.txt', added: 1, removed: 0 }], added: 1, removed: 0 });
    expect(sh(fb.projectDir, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('voice-orch/2-beta');
  });

  it('auto: the first task works in place, a second in the same repository gets a worktree, keeping the sub-folder', async () => {
    const r = repo('mono', { 'packages/api/index.ts': 'x\n' });
    const m = w.make();
    await m.start();
    const first = ok(await m.spawn({ name: 'one', prompt: 'scenario:slow speed:4', projectDir: r }));
    const second = ok(
      await m.spawn({ name: 'two', prompt: 'write:new.ts scenario:plain', projectDir: join(r, 'packages/api') }),
    );
    expect(first.worktree).toBeUndefined();
    expect(first.projectDir).toBe(r);
    expect(second.worktree?.repoRoot).toBe(r);
    expect(second.projectDir).toBe(join(second.worktree?.path ?? '', 'packages/api'));
    const done = await finished(m, second.id, 30_000);
    expect(done.status).toBe('completed');
    expect(done.changes?.files.map((f) => f.path)).toEqual(['packages/api/new.ts']);
    // A folder outside git, and in_place, work as before.
    const plain = ok(await m.spawn({ name: 'plain', prompt: 'scenario:plain', projectDir: w.dir('not-git') }));
    expect(plain.worktree).toBeUndefined();
    const queued = ok(await m.spawn({ name: 'waits', prompt: 'scenario:plain', projectDir: r, isolation: 'in_place' }));
    expect(queued.status).toBe('queued');
    expect(queued.worktree).toBeUndefined();
  });

  it('keeps a worktree task across a restart; its follow-up runs in the same worktree', async () => {
    const r = repo('svc');
    const m1 = w.make();
    await m1.start();
    const t = ok(
      await m1.spawn({ name: 'gamma', prompt: 'write:g1.txt scenario:plain', projectDir: r, isolation: 'worktree' }),
    );
    await finished(m1, t.id, 30_000);
    await m1.shutdown('keep');
    const m2 = w.make();
    await m2.start();
    const back = m2.get(t.id) as TaskRecord;
    expect(back.worktree).toEqual(t.worktree);
    expect(back.changes?.files).toHaveLength(1);
    ok(await m2.followUp(t.id, 'write:g2.txt scenario:plain'));
    const after = await finished(m2, t.id, 30_000);
    expect(after.status).toBe('completed');
    expect(existsSync(join(t.projectDir, 'g2.txt'))).toBe(true);
    expect(after.changes?.files.map((f) => f.path)).toEqual(['g1.txt', 'g2.txt']);
    expect(sh(r, 'status', '--porcelain')).toBe('');
  });
  it('re-adopts a worktree task still running at a restart: it finishes in its worktree, a follow-up runs there too', async () => {
    const r = repo('live');
    const m1 = w.make();
    await m1.start();
    const t = ok(
      await m1.spawn({
        name: 'delta',
        prompt: 'write:d1.txt scenario:slow speed:4',
        projectDir: r,
        isolation: 'worktree',
      }),
    );
    await waitFor(() => m1.get(t.id)?.claudeSessionId, 10_000, 'init');
    await m1.shutdown('keep');
    const m2 = w.make();
    await m2.start();
    const back = m2.get(t.id) as TaskRecord;
    expect(back.status).toBe('running');
    expect(back.worktree).toEqual(t.worktree);
    expect(back.projectDir).toBe(t.projectDir);
    const done = await finished(m2, t.id, 30_000);
    expect(done.status).toBe('completed');
    expect(done.changes?.files.map((f) => f.path)).toEqual(['d1.txt']);
    ok(await m2.followUp(t.id, 'write:d2.txt scenario:plain'));
    const after = await finished(m2, t.id, 30_000);
    expect(after.status).toBe('completed');
    expect(existsSync(join(t.projectDir, 'd2.txt'))).toBe(true);
    expect(after.changes?.files.map((f) => f.path)).toEqual(['d1.txt', 'd2.txt']);
    expect(sh(r, 'status', '--porcelain')).toBe('');
  });
});
