// Trust boundaries of the task engine, with real agent processes (test/fixtures/fake-claude parses
// argv like the genuine CLI and runs `--settings` hooks; fake-agent.mjs prints its facts): a prompt
// never becomes options, agents do not inherit voice-orch's secrets, a queued task's folder is
// checked again at launch, one writer per folder tree, and the bypass refusal names a real setting.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configFileSchema, loadSettings } from '../../src/config/config.js';
import {
  agentArgv,
  FAKE_CLAUDE,
  factLines,
  finished,
  makeWorld,
  nextEvent,
  type World,
} from './task-manager.fixture.js';

let w: World;
beforeEach(() => {
  w = makeWorld();
});
afterEach(async () => {
  await w.cleanup();
});

/** A prompt that, read as options, installs a SessionStart hook that writes `pwned.txt` in the project. */
const HOSTILE = '--settings={"hooks":{"SessionStart":[{"hooks":[{"type":"command","command":"id > pwned.txt"}]}]}}';

describe('a prompt never becomes options of the agent', () => {
  it('fake-claude runs a --settings hook when it is given as an option (the attack the argv must prevent)', () => {
    const dir = w.dir('attack');
    const base = ['--output-format', 'stream-json', '--verbose', '--permission-mode', 'acceptEdits'];
    // The argv voice-orch used to build: `-p` is a boolean flag, so the prompt is read as an option.
    const before = spawnSync(FAKE_CLAUDE, ['-p', HOSTILE, ...base], { cwd: dir, encoding: 'utf8', env: w.env });
    expect(before.status).toBe(1);
    expect(before.stderr).toMatch(/Input must be provided/);
    expect(existsSync(join(dir, 'pwned.txt'))).toBe(true);
  });

  it('spawn and follow-up pass a prompt starting with --settings= as one literal prompt after --; no hook runs', async () => {
    const m = w.make({ env: { ...w.env, FAKE_CLAUDE_ECHO_ARGS: '1' } });
    await m.start();
    const dir = w.dir('victim');
    const r = await m.spawn({ name: 'hostile', prompt: HOSTILE, projectDir: dir, maxTurns: 2 });
    if (!r.ok) throw new Error(r.message);
    const first = await finished(m, r.value.id);
    expect(first.status).toBe('completed');
    expect(first.claudeSessionId).toBeTruthy();

    const f = await m.followUp(r.value.id, HOSTILE);
    if (!f.ok) throw new Error(f.message);
    const done = await finished(m, r.value.id);
    expect(done.runs.map((x) => x.status)).toEqual(['completed', 'completed']);

    const facts = factLines(m, r.value.id, 'fake_args');
    expect(facts).toHaveLength(2);
    for (const fact of facts) {
      expect(fact.prompt).toBe(HOSTILE);
      const args = fact.args as string[];
      expect(args.slice(-3)).toEqual(['-p', '--', HOSTILE]);
      expect(args.filter((a) => a === HOSTILE)).toHaveLength(1);
    }
    expect((facts[1]?.args as string[]).slice(0, 7)).toEqual([
      '--output-format',
      'stream-json',
      '--verbose',
      '--permission-mode',
      'acceptEdits',
      '--resume',
      first.claudeSessionId,
    ]);
    expect(existsSync(join(dir, 'pwned.txt'))).toBe(false);
  });

  it('the command backend refuses to pass a prompt starting with "-" where it would be an option', async () => {
    const m = w.make({ backend: 'command', commandArgv: [process.execPath, join(w.root, 'x.js'), '{prompt}'] });
    await m.start();
    const r = await m.spawn({ name: 'cmd', prompt: HOSTILE, projectDir: w.dir('cmd') });
    if (!r.ok) throw new Error(r.message);
    const t = await finished(m, r.value.id);
    expect(t.status).toBe('failed');
    expect(t.failure?.message).toMatch(/Put -- before \{prompt\}/);
    expect(t.runs[0]?.pid).toBeUndefined();
  });
});

describe("agents do not inherit voice-orch's secrets", () => {
  it('OPENAI_API_KEY and VOICE_ORCH_* are withheld; agentEnv from config.json drops and passes', async () => {
    const cfg = join(w.root, 'config.json');
    writeFileSync(cfg, JSON.stringify({ agentEnv: { drop: ['MY_ENDPOINT_*'], pass: ['VOICE_ORCH_SHARED'] } }));
    const loaded = loadSettings(['--config', cfg], { HOME: w.env.HOME }, w.root);
    if (!loaded.ok) throw new Error(loaded.message);
    const m = w.make({
      agentEnv: loaded.settings.agentEnv,
      env: {
        ...w.env,
        FAKE_CLAUDE_ECHO_ARGS: '1',
        OPENAI_API_KEY: 'sk-test-do-not-leak',
        VOICE_ORCH_MODEL: 'gpt-realtime',
        VOICE_ORCH_STATE_DIR: w.stateDir,
        VOICE_ORCH_SHARED: 'shared on purpose',
        MY_ENDPOINT_KEY: 'k',
        VO_TEST_MARK: 'kept',
      },
    });
    await m.start();
    const r = await m.spawn({ name: 'env', prompt: 'scenario:plain', projectDir: w.dir('env') });
    if (!r.ok) throw new Error(r.message);
    const t = await finished(m, r.value.id);
    const [facts] = factLines(m, t.id, 'fake_args');
    const names = facts?.envNames as string[];
    expect(names).toContain('PATH');
    expect(names).toContain('VO_TEST_MARK');
    expect(names).toContain('VOICE_ORCH_SHARED');
    expect(names).not.toContain('OPENAI_API_KEY');
    expect(names).not.toContain('VOICE_ORCH_MODEL');
    expect(names).not.toContain('VOICE_ORCH_STATE_DIR');
    expect(names).not.toContain('MY_ENDPOINT_KEY');
  });

  it('the command backend gets the same environment (a real process prints it)', async () => {
    const m = w.make({
      backend: 'command',
      commandArgv: agentArgv('--echo-args'),
      env: { ...w.env, OPENAI_API_KEY: 'sk-test-do-not-leak', VOICE_ORCH_ROOTS: w.root },
    });
    await m.start();
    const r = await m.spawn({ name: 'cmd env', prompt: 'x', projectDir: w.dir('cmd-env') });
    if (!r.ok) throw new Error(r.message);
    const t = await finished(m, r.value.id);
    const names = factLines(m, t.id, 'fake_args')[0]?.envNames as string[];
    expect(names).toContain('PATH');
    // The task marker is the one variable voice-orch adds itself.
    expect(names.filter((n) => n === 'OPENAI_API_KEY' || n.startsWith('VOICE_ORCH_'))).toEqual(['VOICE_ORCH_TASK']);
  });
});

describe('a queued task is checked again when it starts', () => {
  it('a folder swapped for a link to outside the roots while queued fails the task; nothing runs there', async () => {
    const m = w.make({ env: { ...w.env, FAKE_CLAUDE_SPEED: '1', FAKE_CLAUDE_ECHO_ARGS: '1' } });
    await m.start();
    const dir = w.dir('proj');
    const a = await m.spawn({ name: 'first', prompt: 'scenario:slow', projectDir: dir });
    if (!a.ok) throw new Error(a.message);
    const b = await m.spawn({ name: 'second', prompt: 'scenario:plain', projectDir: 'proj' });
    if (!b.ok) throw new Error(b.message);
    expect(b.value.status).toBe('queued');

    const outside = join(w.root, '..', `${w.root.split('/').pop()}-outside`);
    mkdirSync(outside, { recursive: true });
    renameSync(dir, `${dir}.moved`);
    symlinkSync(outside, dir);
    try {
      await m.cancel(a.value.id);
      const t = await finished(m, b.value.id);
      expect(t.status).toBe('failed');
      expect(t.failure?.kind).toBe('could_not_start');
      expect(t.failure?.message).toMatch(/now leads to .*outside the allowed project folders/);
      expect(t.runs[0]?.pid).toBeUndefined();
      expect(factLines(m, b.value.id, 'fake_args')).toEqual([]);
    } finally {
      spawnSync('rm', ['-rf', '--', outside]);
    }
  });
});

describe('one writer per folder tree', () => {
  it('a task in a folder waits for one in its parent; sibling folders sharing a name prefix do not', async () => {
    const m = w.make({ env: { ...w.env, FAKE_CLAUDE_SPEED: '1' } });
    await m.start();
    const parent = w.dir('app');
    const child = w.dir('app/web');
    const sibling = w.dir('application');
    const a = await m.spawn({ name: 'parent', prompt: 'scenario:slow', projectDir: parent });
    if (!a.ok) throw new Error(a.message);
    expect(a.value.status).toBe('running');
    const b = await m.spawn({ name: 'child', prompt: 'scenario:plain', projectDir: child });
    if (!b.ok) throw new Error(b.message);
    expect(b.value.status).toBe('queued');
    expect(b.value.queuedReason).toBe(`waiting for task ${a.value.id} (parent) in ${parent}`);
    const c = await m.spawn({ name: 'sibling', prompt: 'scenario:slow', projectDir: sibling });
    if (!c.ok) throw new Error(c.message);
    expect(c.value.status).toBe('running');
    await m.cancel(c.value.id);
    const started = nextEvent(m, 'updated', (t) => t.id === b.value.id && t.status === 'running');
    await m.cancel(a.value.id);
    await started;
    expect((await finished(m, b.value.id)).status).toBe('completed');
  });

  it("with sameDirPolicy 'refuse' a parent folder of a live task is refused, naming the task", async () => {
    const m = w.make({ env: { ...w.env, FAKE_CLAUDE_SPEED: '1' }, sameDirPolicy: 'refuse' });
    await m.start();
    const child = w.dir('svc/api');
    const a = await m.spawn({ name: 'api work', prompt: 'scenario:slow', projectDir: child });
    if (!a.ok) throw new Error(a.message);
    const b = await m.spawn({ name: 'whole svc', prompt: 'scenario:plain', projectDir: w.dir('svc') });
    expect(b).toEqual({ ok: false, message: expect.stringMatching(/^Task 1 \(api work\) is still running in /) });
  });
});

describe('the bypassPermissions refusal', () => {
  it('names a setting the config accepts, and that setting allows it', async () => {
    const m = w.make();
    await m.start();
    const dir = w.dir('bypass');
    const refused = await m.spawn({
      name: 'b',
      prompt: 'scenario:plain',
      projectDir: dir,
      permissionMode: 'bypassPermissions',
    });
    if (refused.ok) throw new Error('bypassPermissions was not refused');
    const keys = Object.keys(configFileSchema.shape).filter((k) => new RegExp(`\\b${k}\\b`).test(refused.message));
    expect(keys).toEqual(['permissionMode']);

    const cfg = join(w.root, 'bypass.json');
    writeFileSync(cfg, JSON.stringify({ permissionMode: 'bypassPermissions' }));
    const fromFile = loadSettings(['--config', cfg], { HOME: w.env.HOME }, w.root);
    expect(fromFile.ok && fromFile.settings.allowBypassPermissions).toBe(true);
    const flag = /--[a-z-]+(?= bypassPermissions)/.exec(refused.message)?.[0] as string;
    const fromFlag = loadSettings([flag, 'bypassPermissions'], { HOME: w.env.HOME }, w.root);
    expect(fromFlag.ok && fromFlag.settings.allowBypassPermissions).toBe(true);
    if (!fromFile.ok) return;
    const allowed = w.make({
      allowBypassPermissions: fromFile.settings.allowBypassPermissions,
      stateDir: join(w.root, '.s-bypass'),
    });
    await allowed.start();
    const r = await allowed.spawn({
      name: 'b',
      prompt: 'scenario:plain',
      projectDir: dir,
      permissionMode: 'bypassPermissions',
    });
    expect(r.ok).toBe(true);
  });
});
