// Issue 8, item 9: two voice-orch instances on one state directory handed out the same ids and
// shared one log. The app now takes a lock on the directory; these tests use real processes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireStateLock, LOCK_FILE } from '../../src/config/state-lock.js';
import { readProcStatSync } from '../../src/tasks/process-tree.js';

const REPO = resolve(__dirname, '../..');
const HOLDER = join(REPO, 'test/helpers/state-lock-holder.mjs');
const CLI = join(REPO, 'src/cli.tsx');

const temps: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'vo-lock-'));
  temps.push(d);
  return d;
};

/** Starts a process that holds the lock; resolves with its first line (`held <pid>` or `refused …`). */
function startHolder(stateDir: string): Promise<{ proc: ChildProcess; line: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', HOLDER, stateDir], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(proc);
  return new Promise((res, rej) => {
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).once('line', (line) => res({ proc, line }));
    proc.once('exit', (code) => rej(new Error(`holder exited (${code}) before saying anything`)));
  });
}

/** Runs the app from source on `stateDir` without a terminal; returns its status and stderr. */
function runApp(stateDir: string, ...args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, '--no-audio', '--state-dir', stateDir, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, OPENAI_API_KEY: '' },
    timeout: 30_000,
  });
  return { status: r.status, stderr: r.stderr };
}

/** A pid that no process has now (a child that has exited and was reaped). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('state lock', () => {
  it('a second instance on the same state dir says who runs and exits with status 1', async () => {
    const dir = tempDir();
    const first = await startHolder(dir);
    expect(first.line).toBe(`held ${first.proc.pid}`);
    const second = await startHolder(dir).catch((e: Error) => ({ line: e.message }));
    expect(second.line).toBe(
      `refused voice-orch is already running with this state dir (pid ${first.proc.pid}). ` +
        'Use that one, or start this one with --state-dir <another directory>.',
    );
    // The app itself: stderr, status 1, before it looks for a terminal.
    const app = runApp(dir);
    expect(app.status).toBe(1);
    expect(app.stderr).toMatch(
      new RegExp(
        `^voice-orch: voice-orch is already running with this state dir \\(pid ${first.proc.pid}\\).*--state-dir`,
      ),
    );
    // Read-only commands do not take the lock.
    expect(runApp(dir, 'doctor', '--no-audio').stderr).not.toMatch(/already running/);
    // Once the first one quits, the lock is free again.
    first.proc.kill('SIGTERM');
    await new Promise((r) => first.proc.once('exit', r));
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const third = await startHolder(dir);
    expect(third.line).toBe(`held ${third.proc.pid}`);
  }, 60_000);

  it('takes over a lock left by a dead process, or by a pid that now belongs to another process', async () => {
    const dir = tempDir();
    const lockPath = join(dir, LOCK_FILE);
    writeFileSync(lockPath, JSON.stringify({ pid: deadPid(), startTime: 1 }));
    const taken = await startHolder(dir);
    expect(taken.line).toBe(`held ${taken.proc.pid}`);
    taken.proc.kill('SIGKILL');
    await new Promise((r) => taken.proc.once('exit', r));
    // Killed: its lock stays behind, naming a process that is gone.
    expect(JSON.parse(readFileSync(lockPath, 'utf8'))).toMatchObject({ pid: taken.proc.pid });
    const next = acquireStateLock(dir);
    if (!next.ok) throw new Error(next.message);
    next.lock.release();
    // A live pid with another start time: that pid was reused by a process that is not voice-orch.
    const me = readProcStatSync(process.pid)?.startTime as number;
    writeFileSync(lockPath, JSON.stringify({ pid: process.pid, startTime: me + 1 }));
    const again = acquireStateLock(dir);
    expect(again.ok).toBe(true);
    if (again.ok) {
      expect(JSON.parse(readFileSync(lockPath, 'utf8'))).toEqual({ pid: process.pid, startTime: me });
      again.lock.release();
    }
    expect(existsSync(lockPath)).toBe(false);
  }, 30_000);
});
