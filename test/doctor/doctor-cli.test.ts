// `voice-orch doctor` as a user runs it: the built binary in a subprocess, a stand-in claude on
// PATH, the fake Realtime and OpenAI-compatible servers on loopback, a real lock holder process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeRealtimeServer } from '../helpers/fake-realtime-server.js';
import { FakeOpenAiServer } from '../helpers/fake-openai-server.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const CLAUDE_DIR = fileURLToPath(new URL('../fixtures/doctor-claude', import.meta.url));
const LOCK_HOLDER = fileURLToPath(new URL('../helpers/state-lock-holder.mjs', import.meta.url));

interface Finding {
  name: string;
  ok: boolean;
  severity: 'ok' | 'warning' | 'error';
  detail: string;
}

let dir: string;
let realtime: FakeRealtimeServer;
let openai: FakeOpenAiServer;
let openaiUrl: string;
/** A folder holding only `node` (the stand-in claude runs with it), never a real claude. */
let nodeDir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vo-doctor-'));
  nodeDir = join(dir, 'node-bin');
  mkdirSync(nodeDir);
  symlinkSync(process.execPath, join(nodeDir, 'node'));
  realtime = await FakeRealtimeServer.start({ apiKey: 'sk-test-good-key' });
  openai = new FakeOpenAiServer();
  openaiUrl = await openai.start();
});
afterAll(async () => {
  await realtime.close();
  await openai.close();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
async function doctor(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; findings: Finding[]; stdout: string; stderr: string }> {
  const home = join(dir, `run-${++n}`);
  mkdirSync(home);
  const r = await execa(process.execPath, [CLI, 'doctor', '--no-audio', '--json', ...args], {
    reject: false,
    extendEnv: false,
    cwd: home,
    env: {
      PATH: `${CLAUDE_DIR}:${nodeDir}`,
      HOME: home,
      XDG_CONFIG_HOME: join(home, 'config'),
      XDG_STATE_HOME: join(home, 'state'),
      OPENAI_API_KEY: 'sk-test-good-key',
      VOICE_ORCH_REALTIME_URL: realtime.url,
      ...env,
    },
  });
  const stdout = String(r.stdout);
  const findings = stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Finding);
  return { code: r.exitCode ?? -1, findings, stdout, stderr: String(r.stderr) };
}

const byName = (fs: Finding[], name: string): Finding => {
  const f = fs.find((x) => x.name === name);
  if (!f) throw new Error(`no finding ${name} in ${JSON.stringify(fs)}`);
  return f;
};

describe('voice-orch doctor', () => {
  it('passes with a working claude, a state directory and a Realtime key the server accepts', async () => {
    const r = await doctor([]);
    expect(r.code).toBe(0);
    for (const f of r.findings) expect(Object.keys(f)).toEqual(['name', 'ok', 'severity', 'detail']);
    expect(r.findings.map((f) => f.name)).toEqual([
      'node',
      'config',
      'agent-cli',
      'roots',
      'state-dir',
      'voice-key',
      'endpoint:realtime',
    ]);
    expect(r.findings.every((f) => f.ok && f.severity === 'ok')).toBe(true);
    expect(byName(r.findings, 'agent-cli').detail).toMatch(
      /2\.1\.329 \(Claude Code\)\) supports the flags voice-orch uses and starts headless \(first event after/,
    );
    expect(r.stdout).not.toContain('sk-test-good-key');
  });

  it('says the agent CLI is missing and exits 1', async () => {
    const r = await doctor([], { PATH: nodeDir });
    expect(r.code).toBe(1);
    const f = byName(r.findings, 'agent-cli');
    expect(f.severity).toBe('error');
    expect(f.detail).toContain('`claude` was not found on PATH');
    expect(f.detail).toContain('npm i -g @anthropic-ai/claude-code');
  });

  it('names a flag the agent CLI does not support, and a CLI that fails', async () => {
    const old = await doctor([], { DOCTOR_CLAUDE_DROP: '--max-budget-usd' });
    expect(old.code).toBe(1);
    expect(byName(old.findings, 'agent-cli').detail).toMatch(/does not list --max-budget-usd in --help/);
    const broken = await doctor([], { DOCTOR_CLAUDE_FAIL: '1' });
    expect(broken.code).toBe(1);
    expect(byName(broken.findings, 'agent-cli').detail).toMatch(/--version exited with 3: error: something is broken/);
  });

  it('reports a rejected Realtime key without printing it', async () => {
    const r = await doctor([], { OPENAI_API_KEY: 'sk-wrong-key-1234' });
    expect(r.code).toBe(1);
    const f = byName(r.findings, 'voice-key');
    expect(f.severity).toBe('error');
    expect(f.detail).toContain('rejected the key in OPENAI_API_KEY');
    expect(r.stdout).not.toContain('sk-wrong-key-1234');
    expect(r.stdout).not.toContain('1234');
  });

  it('warns without a key and exits 0 with warnings only', async () => {
    const r = await doctor([], { OPENAI_API_KEY: '' });
    expect(r.code).toBe(0);
    expect(byName(r.findings, 'voice-key')).toMatchObject({ ok: false, severity: 'warning' });
    expect(byName(r.findings, 'voice-key').detail).toContain('keyboard-only');
  });

  it('reports an unreachable Realtime endpoint as an error', async () => {
    const r = await doctor(['--realtime-url', 'ws://127.0.0.1:9/v1/realtime']);
    expect(r.code).toBe(1);
    expect(byName(r.findings, 'endpoint:realtime')).toMatchObject({ severity: 'error' });
    expect(byName(r.findings, 'endpoint:realtime').detail).toContain('is unreachable');
  });

  it('reports a root that does not exist', async () => {
    const r = await doctor(['--root', join(dir, 'no-such-project')]);
    expect(r.code).toBe(1);
    const bad = r.findings.filter((f) => f.name === 'roots' && f.severity === 'error');
    expect(bad).toHaveLength(1);
    expect(bad[0]!.detail).toContain('no-such-project does not exist');
  });

  it('reports a state directory locked by a running instance', async () => {
    const stateDir = join(dir, 'locked-state');
    mkdirSync(stateDir, { mode: 0o700 });
    const holder = execa(process.execPath, ['--import', 'tsx', LOCK_HOLDER, stateDir], { reject: false });
    try {
      await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
      const r = await doctor(['--state-dir', stateDir]);
      expect(r.code).toBe(1);
      const f = byName(r.findings, 'state-dir');
      expect(f.severity).toBe('error');
      expect(f.detail).toContain(`already running with this state dir (pid ${holder.pid})`);
    } finally {
      holder.kill('SIGTERM');
      await holder;
    }
  });

  it('reports a state directory that cannot be written', async () => {
    const r = await doctor(['--state-dir', '/proc/voice-orch-state']);
    expect(r.code).toBe(1);
    expect(byName(r.findings, 'state-dir').detail).toContain('cannot use the state directory');
  });

  it('checks each cascade endpoint: listed models pass', async () => {
    const good = await doctor([
      '--voice-engine',
      'cascade',
      '--stt-url',
      openaiUrl,
      '--llm-url',
      openaiUrl,
      '--tts-url',
      openaiUrl,
    ]);
    const names = good.findings.map((f) => f.name);
    // --no-audio: no speech is ever requested, so the speech endpoint is not checked.
    expect(names.filter((x) => x.startsWith('endpoint:'))).toEqual(['endpoint:speech-to-text', 'endpoint:chat']);
    expect(good.code).toBe(0);
    expect(byName(good.findings, 'endpoint:chat').detail).toContain('lists gpt-4.1-mini');
  });

  it('reports a cascade key the endpoint rejects, without printing it', async () => {
    const bad = await doctor(
      ['--voice-engine', 'cascade', '--stt-url', openaiUrl, '--llm-url', openaiUrl, '--llm-model', 'no-such-model'],
      { OPENAI_API_KEY: 'wrong-key' },
    );
    expect(bad.code).toBe(1);
    expect(byName(bad.findings, 'endpoint:speech-to-text').detail).toContain('rejected the API key (401)');
    expect(bad.stdout).not.toContain('wrong-key');
  });

  it('reports a cascade model the endpoint does not list, and an endpoint that is not there', async () => {
    const unknown = await doctor([
      '--voice-engine',
      'cascade',
      '--stt-url',
      openaiUrl,
      '--llm-url',
      openaiUrl,
      '--llm-model',
      'no-such-model',
    ]);
    expect(unknown.code).toBe(1);
    expect(byName(unknown.findings, 'endpoint:chat').detail).toMatch(
      /does not list model "no-such-model"; choose one with --llm-model/,
    );

    const closed = await doctor([
      '--voice-engine',
      'cascade',
      '--stt-url',
      openaiUrl,
      '--llm-url',
      'http://127.0.0.1:9/v1',
    ]);
    expect(closed.code).toBe(1);
    expect(byName(closed.findings, 'endpoint:chat').detail).toMatch(
      /^chat \(http:\/\/127\.0\.0\.1:9\/v1\) is unreachable/,
    );
  });

  it('prints one line per check with what to do, and a closing sentence', async () => {
    const home = join(dir, 'text-run');
    mkdirSync(home);
    const r = await execa(process.execPath, [CLI, 'doctor', '--no-audio'], {
      reject: false,
      extendEnv: false,
      cwd: home,
      env: { PATH: nodeDir, HOME: home, XDG_STATE_HOME: join(home, 'state'), XDG_CONFIG_HOME: home },
    });
    expect(r.exitCode).toBe(1);
    expect(String(r.stdout)).toMatch(/^FAIL {2}agent-cli {14}`claude` was not found on PATH/m);
    expect(String(r.stdout)).toMatch(/^warn {2}voice-key {14}OPENAI_API_KEY is not set/m);
    expect(String(r.stdout)).toMatch(/1 error, 1 warning: fix the errors above before starting voice-orch\.$/);
  });
});
