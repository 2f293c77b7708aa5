import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  processesWithEnv,
  descendantsOf,
  isProcessRunning,
  isRunningStat,
  listProcesses,
  parseProcStat,
  readProcStat,
  readProcStatSync,
  signalGroup,
  signalProcess,
  signalRefs,
  type ProcStat,
} from '../../src/tasks/process-tree.js';

const until = async (fn: () => boolean | Promise<boolean>, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('parseProcStat', () => {
  it('counts fields from the last parenthesis (names with spaces and parentheses)', () => {
    const text =
      '4242 (we ird) (name) S 17 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10 18446744073709551615';
    expect(parseProcStat(text)).toEqual({ pid: 4242, state: 'S', ppid: 17, pgrp: 4242, sid: 4242, startTime: 987654 });
  });
  it('rejects garbage', () => {
    expect(parseProcStat('nonsense')).toBeUndefined();
  });
  it('reads our own process', async () => {
    const me = await readProcStat(process.pid);
    expect(me?.pid).toBe(process.pid);
    expect(me?.ppid).toBe(process.ppid);
    expect(readProcStatSync(process.pid)?.startTime).toBe(me?.startTime);
    expect(await readProcStat(2 ** 22 + 7)).toBeUndefined();
  });
});

describe('liveness and trees with real processes', () => {
  it('start time guards against pid reuse; zombies count as not running', async () => {
    const me = readProcStatSync(process.pid) as ProcStat;
    expect(await isProcessRunning(process.pid, me.startTime)).toBe(true);
    expect(await isProcessRunning(process.pid, me.startTime + 1)).toBe(false);
    expect(isRunningStat({ ...me, state: 'Z' })).toBe(false);
    expect(isRunningStat(undefined)).toBe(false);
  });

  it('finds descendants by ppid, also in their own process group, and signals them by ref', async () => {
    // sh → (sleep in its own group via setsid) + sleep: like the CLI and its Bash tools.
    const sh = spawn('sh', ['-c', 'setsid sleep 30 & sleep 30 & wait'], { stdio: 'ignore', detached: true });
    const pid = sh.pid as number;
    let kids: ProcStat[] = [];
    await until(async () => {
      kids = descendantsOf([pid], await listProcesses());
      // Wait until both have exec'd (the setsid one has left our group by then).
      return kids.filter((k) => k.state !== 'Z').length >= 2 && kids.some((k) => k.pgrp !== pid);
    });
    expect(kids.every((k) => k.ppid === pid)).toBe(true);
    expect(kids.filter((k) => k.pgrp === pid)).toHaveLength(1);
    // A group kill misses the setsid one; the refs do not.
    signalGroup(pid, 'SIGKILL');
    await until(() => sh.exitCode !== null || sh.signalCode !== null);
    const survivors = kids.filter((k) => isRunningStat(readProcStatSync(k.pid), k.startTime));
    expect(survivors.length).toBe(1);
    expect(signalRefs(survivors, 'SIGKILL')).toBe(1);
    await until(() => survivors.every((k) => !isRunningStat(readProcStatSync(k.pid), k.startTime)));
    // Stale refs (wrong start time) are never signalled.
    expect(signalRefs([{ pid: process.pid, startTime: 1 }], 'SIGTERM')).toBe(0);
    expect(signalProcess(1, 'SIGTERM')).toBe(false);
    expect(signalProcess(2 ** 22 + 7, 'SIGTERM')).toBe(false);
  });

  it('descendantsOf walks grandchildren and ignores cycles', () => {
    const p = (pid: number, ppid: number): ProcStat => ({ pid, ppid, pgrp: pid, sid: pid, state: 'S', startTime: 1 });
    const procs = [p(10, 1), p(11, 10), p(12, 11), p(13, 12), p(20, 1), p(21, 20), p(30, 31), p(31, 30)];
    expect(
      descendantsOf([10], procs)
        .map((x) => x.pid)
        .sort(),
    ).toEqual([11, 12, 13]);
    expect(descendantsOf([30], procs).map((x) => x.pid)).toEqual([31]);
  });
});

describe('processesWithEnv', () => {
  it('finds a live process by a variable in its environment, with its value', async () => {
    const value = `marker-${process.pid}-${Date.now()}`;
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], {
      env: { ...process.env, VO_TEST_MARKER: value },
      stdio: 'ignore',
    });
    try {
      await new Promise((r) => child.once('spawn', r));
      const found = (await processesWithEnv('VO_TEST_MARKER')).filter((p) => p.value === value);
      expect(found.map((p) => p.pid)).toEqual([child.pid]);
      expect(found[0]?.startTime).toBeGreaterThan(0);
      // A name that is only a prefix of the variable matches nothing.
      expect((await processesWithEnv('VO_TEST_MARK')).some((p) => p.pid === child.pid)).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
