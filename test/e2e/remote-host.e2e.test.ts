/**
 * End to end against a real sshd on loopback: the built binary in tmux, a host named "build" in
 * config.json reached through an ssh_config alias, the claude stand-in run "on the host". A task on
 * the host survives a dropped connection and a restart of voice-orch; cancel ends it on the host;
 * its permission request is answered by `a`; a worktree task there shows its diff with `v` and is
 * merged on the host with `M`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

function workspace(extra: Record<string, unknown> = {}): { dir: string; state: string; config: string; home: string } {
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
  writeFileSync(config, JSON.stringify({ hosts, ...extra }));
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

  it('a permission request from the task on the host waits in the table and a lets it go on', async () => {
    const ws = workspace();
    const s = start(ws);
    await s.waitFor(/No tasks yet/, 20_000);
    await newRemoteTask(s, 'remote-ask', 'scenario:bash-touch-prompt-tool');
    await s.waitFor(/needs you\s+remote-ask.*wants to run `env touch APPRO/, 60_000);
    await s.waitFor(/Task 1 needs you — a allow once/);
    // The bridge ran on the host: copied into the host's state folder.
    expect(readdirSync(join(ws.dir, 'remote-state', '.bridge')).some((f) => f.endsWith('.mjs'))).toBe(true);
    s.keys('a');
    await s.waitFor(/completed\s+remote-ask/, 60_000);
    const audit = readFileSync(join(ws.state, 'permissions', 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { decision: string; source?: string });
    expect(audit.filter((a) => a.decision !== 'asked').map((a) => [a.decision, a.source])).toEqual([['allow', 'key']]);
    s.keys('C-c');
    await s.waitFor(/\[exited 0\]/);
  }, 180_000);

  it('a worktree task on the host: v shows its diff from git there, M merges it there', async () => {
    const ws = workspace({ isolation: 'worktree' });
    const repo = join(ws.dir, 'projects', 'api');
    const git = (...args: string[]): string =>
      execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        encoding: 'utf8',
      });
    git('init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'README.md'), 'hello\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'first');
    const s = start(ws);
    await s.waitFor(/No tasks yet/, 20_000);
    await newRemoteTask(s, 'notes', 'Add notes. write:NOTES.md');
    // The project column names the project on the host, not the worktree folder (build:1-notes).
    await s.waitFor(/completed\s+⎇ notes\s+build:api\s/, 90_000);
    const branch = 'voice-orch/1-notes';
    expect(git('branch', '--list', branch)).toContain(branch);
    expect(existsSync(join(repo, 'NOTES.md'))).toBe(false);
    s.keys('v');
    const diff = await s.waitFor(/NOTES\.md[\s\S]*\+Add notes/, 30_000);
    expect(diff).toContain(branch);
    s.keys('Escape');
    await s.waitFor(/completed\s+⎇ notes/);
    s.keys('M');
    await s.waitFor(/Merge task 1 "notes"\?/);
    await readTheQuestion();
    s.keys('y');
    await s.waitFor(/fast-forwarded main to voice-orch\/1-notes/, 60_000);
    expect(readFileSync(join(repo, 'NOTES.md'), 'utf8')).toContain('write:NOTES.md');
    expect(git('status', '--porcelain')).toBe('');
    s.keys('C-c');
    await s.waitFor(/\[exited 0\]/);
  }, 240_000);
});
