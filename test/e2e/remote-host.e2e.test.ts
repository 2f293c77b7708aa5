/**
 * End to end against a real sshd on loopback: the built binary in tmux, a host named "build" in
 * config.json reached through an ssh_config alias, the claude stand-in run "on the host". A task on
 * the host survives a dropped connection and a restart of voice-orch; cancel ends it on the host.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackSshd, TEST_HOST_ALIAS, type LoopbackSshd } from '../helpers/loopback-sshd.js';
import { TmuxSession } from '../helpers/tmux-session.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const CLI = join(ROOT, 'dist', 'cli.js');
const FAKE_CLAUDE = join(ROOT, 'test', 'fixtures', 'fake-claude');

interface Registry {
  tasks: { record: { id: number; status: string; host?: string; runs: { pid?: number; logFile?: string }[] } }[];
}

let sshd: LoopbackSshd;
const sessions: TmuxSession[] = [];
beforeAll(async () => {
  sshd = await startLoopbackSshd();
});
afterAll(async () => {
  await sshd?.close();
});
afterEach(() => {
  for (const s of sessions.splice(0)) s.kill();
});

function workspace(): { dir: string; state: string; config: string; home: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vo-e2e-remote-'));
  mkdirSync(join(dir, 'projects', 'api'), { recursive: true });
  const home = join(dir, 'home');
  mkdirSync(home);
  const state = join(dir, 'state');
  const config = join(dir, 'config.json');
  const hosts = {
    build: {
      ssh: TEST_HOST_ALIAS,
      sshConfig: sshd.sshConfigFile,
      roots: [join(dir, 'projects')],
      claudePath: FAKE_CLAUDE,
      stateDir: join(dir, 'remote-state'),
      // The stand-in keeps its sessions under $HOME: keep them in the workspace.
      passEnv: ['HOME', 'CLAUDE_CONFIG_DIR'],
    },
  };
  writeFileSync(config, JSON.stringify({ hosts }));
  return { dir, state, config, home };
}

function start(ws: ReturnType<typeof workspace>): TmuxSession {
  const s = new TmuxSession(120, 36);
  sessions.push(s);
  s.start(
    `node ${CLI} --no-audio --config ${ws.config} --state-dir ${ws.state}`,
    {
      OPENAI_API_KEY: '',
      HOME: ws.home,
      CLAUDE_CONFIG_DIR: join(ws.home, '.claude'),
    },
    ws.dir,
  );
  return s;
}

function registry(state: string): Registry {
  return JSON.parse(readFileSync(join(state, 'tasks.json'), 'utf8')) as Registry;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function newRemoteTask(s: TmuxSession, name: string, prompt: string): Promise<void> {
  s.keys('n');
  await s.waitFor(/New task/);
  s.literal('build:api');
  await s.waitFor(/Project:\s+build:api\b/);
  s.keys('Tab');
  s.literal(prompt);
  s.keys('Tab');
  s.literal(name);
  s.keys('Enter');
}

const readTheQuestion = () => new Promise((r) => setTimeout(r, 400));

describe('voice-orch with a remote host (loopback sshd)', () => {
  it('a task on the host survives a dropped connection and a restart, and completes with every line once', async () => {
    const ws = workspace();
    const first = start(ws);
    await first.waitFor(/No tasks yet/, 20_000);
    await newRemoteTask(first, 'remote-slow', 'Take your time. scenario:slow speed:1');
    await first.waitFor(/running\s+remote-slow\s+build:api/, 30_000);
    await until(
      () => existsSync(join(ws.state, 'tasks.json')) && registry(ws.state).tasks[0]?.record.runs[0]?.pid !== undefined,
      20_000,
      'the pid on disk',
    );
    const pid = registry(ws.state).tasks[0]?.record.runs[0]?.pid as number;
    expect(registry(ws.state).tasks[0]?.record.host).toBe('build');

    sshd.dropConnections();
    await new Promise((r) => setTimeout(r, 1000));
    first.keys('C-c');
    await first.waitFor(/Quit/);
    await readTheQuestion();
    first.keys('k'); // keep them running
    await first.waitFor(/\[exited 0\]/);
    expect(alive(pid), 'the run outlives voice-orch on the host').toBe(true);
    first.kill();

    const second = start(ws);
    await second.waitFor(/running\s+remote-slow\s+build:api/, 20_000);
    await second.waitFor(/completed\s+remote-slow/, 60_000);
    // Every line of the run's stream exactly once: one init, one result.
    const run = registry(ws.state).tasks[0]?.record.runs[0];
    const log = readFileSync(join(ws.state, 'tasks', run?.logFile ?? ''), 'utf8');
    expect(log.match(/"type":"system","subtype":"init"/g)).toHaveLength(1);
    expect(log.match(/"type":"result"/g)).toHaveLength(1);
    second.keys('C-c');
    await second.waitFor(/\[exited 0\]/);
  }, 180_000);

  it('cancel by key ends the run on the host', async () => {
    const ws = workspace();
    const s = start(ws);
    await s.waitFor(/No tasks yet/, 20_000);
    await newRemoteTask(s, 'remote-cancel', 'Slowly. scenario:slow speed:0.5');
    await s.waitFor(/running\s+remote-cancel\s+build:api/, 30_000);
    await until(
      () => existsSync(join(ws.state, 'tasks.json')) && registry(ws.state).tasks[0]?.record.runs[0]?.pid !== undefined,
      20_000,
      'the pid on disk',
    );
    const pid = registry(ws.state).tasks[0]?.record.runs[0]?.pid as number;
    s.keys('q');
    await s.waitFor(/Cancel task 1/);
    await readTheQuestion();
    s.keys('y');
    await s.waitFor(/cancelled\s+remote-cancel/, 30_000);
    await until(() => !alive(pid), 15_000, 'the run on the host to be gone');
    s.keys('C-c');
    await s.waitFor(/\[exited 0\]/);
  }, 120_000);
});
