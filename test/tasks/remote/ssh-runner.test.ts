import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_MARKER_VAR } from '../../../src/tasks/persistence.js';
import type { RunSpec } from '../../../src/tasks/runner.js';
import { SshRunner, type HostConnection } from '../../../src/tasks/remote/ssh-runner.js';
import { startLoopbackSshd, TEST_HOST_ALIAS, type LoopbackSshd } from '../../helpers/loopback-sshd.js';

const AGENT = resolve('test/fixtures/remote-agent.mjs');

async function waitFor<T>(what: string, fn: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function lines(path: string): string[] {
  return existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l.length > 0)
    : [];
}

describe('SSH runner against a real loopback sshd', () => {
  let sshd: LoopbackSshd;
  let dir: string;
  let remoteState: string;
  let n = 0;
  const runners: SshRunner[] = [];

  beforeAll(async () => {
    sshd = await startLoopbackSshd();
    dir = mkdtempSync(join(tmpdir(), 'vo-ssh-runner-'));
    remoteState = join(dir, 'remote-state');
  });
  afterAll(async () => {
    for (const r of runners) r.close();
    await sshd?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function runner(
    localDir = join(dir, 'local'),
    extra: Partial<ConstructorParameters<typeof SshRunner>[0]> = {},
  ): SshRunner {
    const r = new SshRunner({
      name: 'build',
      target: { destination: TEST_HOST_ALIAS, configFile: sshd.sshConfigFile, controlPersistSeconds: 5 },
      localDir,
      remoteStateDir: remoteState,
      backoff: { minMs: 100, maxMs: 500 },
      ...extra,
    });
    runners.push(r);
    return r;
  }

  function spec(args: string[], cwd = dir): RunSpec {
    n++;
    return {
      file: process.execPath,
      args: [AGENT, ...args],
      cwd,
      env: { [TASK_MARKER_VAR]: `/state|${n}|1`, SECRET_KEY: 'not for the host' },
      stdoutPath: join(dir, `run-${n}.log`),
      stderrPath: join(dir, `run-${n}.err`),
    };
  }

  it('starts a run on the host; its output arrives locally and its exit code is reported', async () => {
    const r = runner();
    const s = spec(['--echo', '--lines', '3', '--exit', '3']);
    const started = await r.start(s);
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    const exit = await started.value.exited;
    expect(exit).toEqual({ exitCode: 3, signal: null });
    const out = lines(s.stdoutPath);
    const echo = JSON.parse(out[0] as string) as { marker: string; cwd: string };
    expect(echo.marker).toBe(`/state|${n}|1`);
    expect(out.slice(1)).toEqual(['line 1', 'line 2', 'line 3']);
    expect(await r.isAlive(started.value)).toBe(false);
  });

  it('passes only the task marker (and named variables) to the host, not the local environment', async () => {
    const r = runner();
    const s = spec(['--lines', '0']);
    s.args = ['-e', 'console.log(JSON.stringify([process.env.SECRET_KEY ?? null, process.env.VOICE_ORCH_TASK]))'];
    const started = await r.start(s);
    if (!started.ok) throw new Error(started.message);
    await started.value.exited;
    expect(JSON.parse(lines(s.stdoutPath)[0] as string)).toEqual([null, `/state|${n}|1`]);
  });

  it('a dropped connection mid-run reconnects and every line arrives exactly once', async () => {
    const r = runner();
    const states: HostConnection[] = [];
    r.onConnection((c) => states.push(c));
    const gate = join(dir, 'gate-drop');
    const s = spec(['--lines', '50', '--gate', gate, '--after', '50']);
    const started = await r.start(s);
    if (!started.ok) throw new Error(started.message);
    await waitFor('the first lines', () => lines(s.stdoutPath).length >= 50);
    sshd.dropConnections();
    await waitFor('reconnecting', () => states.includes('reconnecting'));
    writeFileSync(gate, '');
    const exit = await started.value.exited;
    expect(exit.exitCode).toBe(0);
    expect(lines(s.stdoutPath)).toEqual(Array.from({ length: 100 }, (_, i) => `line ${i + 1}`));
    expect(r.connection).toBe('connected');
  });

  it('a new voice-orch (a new runner on the same local folder) re-adopts the run and gets the rest', async () => {
    const localDir = join(dir, 'local-restart');
    const first = runner(localDir);
    const gate = join(dir, 'gate-restart');
    const s = spec(['--lines', '20', '--gate', gate, '--after', '20']);
    const started = await first.start(s);
    if (!started.ok) throw new Error(started.message);
    const proc = { pid: started.value.pid, startTime: started.value.startTime };
    await waitFor('the first lines', () => lines(s.stdoutPath).length >= 20);
    first.close(); // voice-orch quits: the run goes on on the host
    writeFileSync(gate, '');
    const second = runner(localDir);
    expect(second.owns(proc)).toBe(true);
    expect(await second.isAlive(proc)).toBe(true);
    await waitFor('the run to be over', () => second.isSameProcess(proc) === false || undefined);
    expect(await second.isAlive(proc)).toBe(false);
    expect(lines(s.stdoutPath)).toEqual(Array.from({ length: 40 }, (_, i) => `line ${i + 1}`));
  });

  it('finds a run by its marker when its pid was never recorded', async () => {
    const localDir = join(dir, 'local-marker');
    const first = runner(localDir);
    const gate = join(dir, 'gate-marker');
    const s = spec(['--lines', '1', '--gate', gate, '--after', '1']);
    const started = await first.start(s);
    if (!started.ok) throw new Error(started.message);
    first.close();
    const found = await runner(localDir).findMarked(TASK_MARKER_VAR);
    expect(found.map((f) => [f.pid, f.value])).toContainEqual([started.value.pid, `/state|${n}|1`]);
    writeFileSync(gate, '');
  });

  it('cancel: TERM reaches the agent; KILL ends the process group and tools in groups of their own', async () => {
    const r = runner();
    const toolPidfile = join(dir, 'tool.pid');
    const s = spec(['--ignore-term', '--tool-pidfile', toolPidfile, '--lines', '1']);
    const started = await r.start(s);
    if (!started.ok) throw new Error(started.message);
    const tool = Number(await waitFor('the tool', () => existsSync(toolPidfile) && readFileSync(toolPidfile, 'utf8')));
    await waitFor('the first line', () => lines(s.stdoutPath).length >= 1);
    expect(r.isSameProcess(started.value)).toBe(true);
    r.terminate(started.value); // ignored by this agent
    r.kill(started.value);
    const exit = await started.value.exited;
    expect(exit.signal ?? exit.exitCode).not.toBe(0);
    expect(alive(started.value.pid)).toBe(false);
    await waitFor('the tool to be gone', () => !alive(tool));
  });

  it('a host that goes down is reconnecting, then unreachable, and the run completes when it is back', async () => {
    const r = runner(join(dir, 'local-down'), { unreachableAfterMs: 300 });
    const states: HostConnection[] = [];
    r.onConnection((c) => states.push(c));
    const gate = join(dir, 'gate-down');
    const s = spec(['--lines', '5', '--gate', gate, '--after', '5']);
    const started = await r.start(s);
    if (!started.ok) throw new Error(started.message);
    await waitFor('the first lines', () => lines(s.stdoutPath).length >= 5);
    await sshd.stop();
    await waitFor('unreachable', () => r.connection === 'unreachable');
    expect(r.isSameProcess(started.value)).toBe(true); // not failed: still its run
    writeFileSync(gate, '');
    await sshd.restart();
    const exit = await started.value.exited;
    expect(exit.exitCode).toBe(0);
    expect(states.slice(0, 2)).toEqual(['reconnecting', 'unreachable']);
    expect(states.at(-1)).toBe('connected');
    expect(lines(s.stdoutPath)).toEqual(Array.from({ length: 10 }, (_, i) => `line ${i + 1}`));
  });

  it('a prompt and a folder name full of shell metacharacters run nothing on the host', async () => {
    const name = `pwned-${process.pid}`;
    const canaries = () => [dir, homedir(), '/tmp'].some((d) => existsSync(join(d, name)));
    const folder = join(dir, `p; touch ${name}; $(touch ${name}) \`touch ${name}\` '"\n* ~`);
    mkdirSync(folder);
    const prompt = `fix it'; touch ${name}; echo '$(touch ${name})" && touch ${name} | touch ${name}\n; touch ${name}`;
    const r = runner();
    const s = spec(['--echo', '--', prompt], folder);
    const started = await r.start(s);
    if (!started.ok) throw new Error(started.message);
    await started.value.exited;
    const echo = JSON.parse(lines(s.stdoutPath)[0] as string) as { argv: string[]; cwd: string };
    expect(echo.argv).toEqual(['--echo', '--', prompt]);
    expect(echo.cwd).toBe(folder);
    expect(canaries()).toBe(false);
  });

  it('a folder missing on the host refuses the start with a sentence', async () => {
    const r = runner();
    const started = await r.start(spec(['--lines', '1'], join(dir, 'no-such-folder')));
    expect(started.ok).toBe(false);
    if (!started.ok) expect(started.message).toMatch(/no such folder on the host/);
  });
});
