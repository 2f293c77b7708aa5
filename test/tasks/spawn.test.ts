import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readProcStatSync } from '../../src/tasks/process-tree.js';
import { spawnDetached } from '../../src/tasks/spawn.js';

const AGENT = resolve(__dirname, '../fixtures/fake-agent.mjs');
const dir = mkdtempSync(join(tmpdir(), 'vo-spawn-'));
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('spawnDetached', () => {
  it('runs the child in its own process group, stdin /dev/null, output appended to files', async () => {
    const out = join(dir, 'a.ndjson');
    const err = join(dir, 'a.stderr');
    writeFileSync(out, 'earlier line\n', { mode: 0o600 });
    const r = await spawnDetached({
      file: process.execPath,
      args: [AGENT, '--echo-args', '--stderr', 'to stderr', '--exit', '4'],
      cwd: dir,
      env,
      stdoutPath: out,
      stderrPath: err,
    });
    if (!r.ok) throw new Error(r.message);
    const pid = r.value.pid;
    const stat = readProcStatSync(pid);
    expect(stat?.pgrp).toBe(pid);
    expect(stat?.sid).toBe(pid);
    expect(await r.value.exited).toEqual({ exitCode: 4, signal: null });
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('earlier line');
    const facts = JSON.parse(lines[1] as string) as { stdin: string; cwd: string; pid: number };
    expect(facts).toMatchObject({ stdin: 'chardev', cwd: dir, pid });
    expect(readFileSync(err, 'utf8')).toBe('to stderr\n');
    expect(statSync(err).mode & 0o777).toBe(0o600);
    // The zombie is reaped (we are the parent).
    expect(readProcStatSync(pid)).toBeUndefined();
  });

  it('reports signals', async () => {
    const r = await spawnDetached({
      file: process.execPath,
      args: [AGENT, '--sleep', '20000'],
      cwd: dir,
      env,
      stdoutPath: join(dir, 'b'),
      stderrPath: join(dir, 'b.err'),
    });
    if (!r.ok) throw new Error(r.message);
    process.kill(r.value.pid, 'SIGKILL');
    expect(await r.value.exited).toEqual({ exitCode: null, signal: 'SIGKILL' });
  });

  it('refuses (never throws) when the executable, the cwd or the log cannot be used', async () => {
    const base = { args: [], env, stdoutPath: join(dir, 'c'), stderrPath: join(dir, 'c.err') };
    expect(await spawnDetached({ ...base, file: join(dir, 'missing'), cwd: dir })).toEqual({
      ok: false,
      message: expect.stringMatching(/ENOENT/),
    });
    expect(await spawnDetached({ ...base, file: process.execPath, cwd: join(dir, 'no-dir') })).toEqual({
      ok: false,
      message: expect.stringMatching(/cwd|ENOENT/),
    });
    expect(
      await spawnDetached({ ...base, file: process.execPath, cwd: dir, stdoutPath: join(dir, 'no', 'x') }),
    ).toEqual({
      ok: false,
      message: expect.stringMatching(/^cannot open the task log/),
    });
  });
});
