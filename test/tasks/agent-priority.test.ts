import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AGENT_NICENESS, lowerAgentPriority } from '../../src/tasks/agent-priority.js';
import { spawnDetached } from '../../src/tasks/spawn.js';

const dirs: string[] = [];
const pids: number[] = [];

afterEach(() => {
  for (const pid of pids.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('agent priority', () => {
  it('a started agent and what it starts run below voice-orch’s own priority', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vo-prio-'));
    dirs.push(dir);
    // The agent starts a child of its own and prints that child's pid.
    const script =
      "const c=require('node:child_process').spawn(process.execPath,['-e','setTimeout(()=>{},20000)'],{stdio:'ignore'});" +
      "require('node:fs').writeFileSync(process.argv[1], String(c.pid));setTimeout(()=>{},20000)";
    const started = await spawnDetached({
      file: process.execPath,
      args: ['-e', script, join(dir, 'child.pid')],
      cwd: dir,
      env: { PATH: process.env.PATH ?? '' },
      stdoutPath: join(dir, 'out.log'),
      stderrPath: join(dir, 'err.log'),
    });
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    pids.push(started.value.pid);
    expect(getPriority(started.value.pid)).toBe(AGENT_NICENESS);
    expect(getPriority(process.pid)).toBeLessThan(AGENT_NICENESS);
    const file = join(dir, 'child.pid');
    await expect.poll(() => existsSync(file) && readFileSync(file, 'utf8') !== '', { timeout: 10_000 }).toBe(true);
    expect(getPriority(Number(readFileSync(file, 'utf8')))).toBe(AGENT_NICENESS);
  });

  it('a process that already ended is left alone without an error', () => {
    expect(() => lowerAgentPriority(2 ** 22 + 12345)).not.toThrow();
  });
});
