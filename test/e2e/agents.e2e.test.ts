/**
 * End to end: Codex and Gemini tasks in the built binary (dist/cli.js) in a private tmux server,
 * driven by keys. The agents are test/helpers/fake-codex and fake-gemini, which behave like the
 * real launchers and replay genuine recorded streams from test/fixtures/codex-cli and gemini-cli;
 * test/fixtures/fake-claude plays the Claude task beside them.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TmuxSession } from '../helpers/tmux-session.js';
import { CLI, FAKE_CLAUDE, ROOT, tmuxSessions } from '../helpers/e2e-binary.js';

const FAKE_CODEX = join(ROOT, 'test', 'helpers', 'fake-codex');
const FAKE_GEMINI = join(ROOT, 'test', 'helpers', 'fake-gemini');

interface World {
  dir: string;
  state: string;
  argvFile: string;
  pidsFile: string;
}

function world(): World {
  const dir = mkdtempSync(join(tmpdir(), 'vo-e2e-agents-'));
  for (const p of ['api', 'site', 'docs']) mkdirSync(join(dir, 'projects', p), { recursive: true });
  return { dir, state: join(dir, 'state'), argvFile: join(dir, 'argv.jsonl'), pidsFile: join(dir, 'pids.jsonl') };
}

function start(s: TmuxSession, w: World, env: Record<string, string> = {}): void {
  s.start(
    `node ${CLI} --no-audio --state-dir ${w.state} --claude-path ${FAKE_CLAUDE} ` +
      `--codex-path ${FAKE_CODEX} --gemini-path ${FAKE_GEMINI}`,
    { OPENAI_API_KEY: '', FAKE_AGENT_ARGV_FILE: w.argvFile, FAKE_AGENT_PIDS_FILE: w.pidsFile, ...env },
    join(w.dir, 'projects'),
  );
}

function jsonLines<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers kill 0; it counts as gone only once reaped.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A confirm dialog refuses answers within 150 ms of the key that opened it. */
const readTheQuestion = () => new Promise((r) => setTimeout(r, 400));

/** Fills the `n` form: name, project, prompt, then Tab past model, permissions and budget to Agent. */
async function spawnByForm(s: TmuxSession, name: string, project: string, prompt: string, agent: string) {
  s.keys('n');
  await s.waitFor(/New task/);
  s.literal(project);
  await s.waitFor(new RegExp(`Project:\\s+${project}\\b`));
  s.keys('Tab');
  s.literal(prompt);
  s.keys('Tab');
  s.literal(name);
  for (let i = 0; i < 4; i++) s.keys('Tab');
  s.literal(agent);
  await s.waitFor(new RegExp(`Agent\\?\\s+${agent}\\b`));
  s.keys('Enter');
  await s.waitFor(/#\s+status\s+name/);
}

/** Opens the follow-up form of task `id`, moving the selection (one row at most) until it is that task. */
async function openFollowUp(s: TmuxSession, id: number): Promise<void> {
  for (const move of [undefined, 'Up', 'Down', 'Down']) {
    if (move) s.keys(move);
    s.keys('f');
    const screen = await s.waitFor(/Follow-up to task \d+/);
    if (new RegExp(`Follow-up to task ${id}\\b`).test(screen)) return;
    s.keys('Escape');
    await s.waitFor(/#\s+status\s+name/);
  }
  throw new Error(`could not select task ${id}`);
}

/** Moves the selection to task `id` (the follow-up form's title names the selected task). */
async function selectTask(s: TmuxSession, id: number): Promise<void> {
  for (let tries = 0; tries < 4; tries++) {
    s.keys('f');
    const screen = await s.waitFor(/Follow-up to task \d+/);
    const current = Number(/Follow-up to task (\d+)/.exec(screen)?.[1]);
    s.keys('Escape');
    await s.waitFor(/#\s+status\s+name/);
    if (current === id) return;
    for (let k = 0; k < Math.abs(current - id); k++) s.keys(current > id ? 'Up' : 'Down');
  }
  throw new Error(`could not select task ${id}`);
}

const sessions = tmuxSessions();

function tmux(): TmuxSession {
  const s = new TmuxSession(140, 40);
  sessions.push(s);
  return s;
}

describe('codex and gemini tasks in tmux', () => {
  it('the Agent field starts each agent, the table shows it, the result card reads, a follow-up resumes its session', async () => {
    expect(existsSync(CLI), `${CLI} missing: run npm run build`).toBe(true);
    const w = world();
    const s = tmux();
    start(s, w);
    await s.waitFor(/No tasks yet/, 20_000);

    await spawnByForm(s, 'cx-notes', 'api', 'Say hello. scenario:plain', 'codex');
    await s.waitFor(/1\s+\S+\s+completed\s+cx-notes\s+api\s+codex/, 20_000);
    await spawnByForm(s, 'gm-notes', 'site', 'Say hello. scenario:plain', 'gemini');
    await s.waitFor(/2\s+\S+\s+completed\s+gm-notes\s+site\s+gemini/, 20_000);
    // Their cost is an estimate from tokens and prices, marked with "~" (codex: 14,981 tokens in).
    expect(s.screen()).toMatch(/cx-notes\s+api\s+codex\b.*~\$0\.02/);

    // The table's activity says what the run spent in tokens; the result card of the gemini task
    // (selected: the newest) shows its recorded answer.
    await s.waitFor(/gm-notes\s+site\s+gemini\b.*tokens in/, 20_000);
    s.keys('r');
    await s.waitFor(/Hello from the fake Gemini API/);
    s.keys('Escape');
    await s.waitFor(/#\s+status\s+name/);

    // Follow-ups: each resumes its own agent's session id from its first run.
    const argvOf = () => jsonLines<string[]>(w.argvFile);
    await openFollowUp(s, 2);
    s.literal('And again.');
    s.keys('Enter');
    await waitUntil(() => argvOf().length === 3, 20_000, 'the gemini follow-up to start');
    await s.waitFor(/2\s+\S+\s+completed\s+gm-notes/, 20_000);

    await openFollowUp(s, 1);
    s.literal('And again.');
    s.keys('Enter');
    await waitUntil(() => argvOf().length === 4, 20_000, 'the codex follow-up to start');
    await s.waitFor(/1\s+\S+\s+completed\s+cx-notes/, 20_000);

    const [codexFirst, geminiFirst, geminiResume, codexResume] = argvOf();
    expect(codexFirst?.[0]).toBe('exec');
    expect(geminiFirst?.some((a) => a.startsWith('--prompt='))).toBe(true);
    const codexThread = JSON.parse(
      readFileSync(join(ROOT, 'test/fixtures/codex-cli/plain.jsonl'), 'utf8').split('\n')[0]!,
    ) as { thread_id: string };
    const geminiSession = JSON.parse(
      readFileSync(join(ROOT, 'test/fixtures/gemini-cli/plain.jsonl'), 'utf8').split('\n')[0]!,
    ) as { session_id: string };
    expect(codexResume?.slice(0, 2)).toEqual(['exec', 'resume']);
    expect(codexResume?.slice(-2)).toEqual([codexThread.thread_id, 'And again.']);
    expect(geminiResume).toContain(`--resume=${geminiSession.session_id}`);
    expect(geminiResume?.at(-1)).toBe('--prompt=And again.');

    s.keys('C-c');
    await s.waitFor(/\[exited 0\]/);
  }, 90_000);

  it('cancel ends a codex task and a gemini task beside a claude task, leaving no process of theirs', async () => {
    const w = world();
    const s = tmux();
    start(s, w);
    await s.waitFor(/No tasks yet/, 20_000);

    await spawnByForm(s, 'cl-slow', 'docs', 'Take your time. scenario:slow', 'claude');
    await s.waitFor(/1\s+\S+\s+running\s+cl-slow\s+docs\s+claude/, 20_000);
    await spawnByForm(s, 'cx-sleep', 'api', 'Sleep. scenario:shell-sleep-sigterm-sleep', 'codex');
    await s.waitFor(/2\s+\S+\s+running\s+cx-sleep\s+api\s+codex/, 20_000);
    await spawnByForm(s, 'gm-sleep', 'site', 'Sleep. scenario:shell-sleep-sigterm-group-sleep', 'gemini');
    await s.waitFor(/3\s+\S+\s+running\s+gm-sleep\s+site\s+gemini/, 20_000);
    // launcher, child and tool command of each fake agent
    await waitUntil(() => jsonLines(w.pidsFile).length === 6, 20_000, 'both agents and their commands');
    const agentPids = jsonLines<{ pid: number }>(w.pidsFile).map((p) => p.pid);
    expect(agentPids.every(pidAlive)).toBe(true);

    for (const [row, name] of [
      [3, 'gm-sleep'],
      [2, 'cx-sleep'],
    ] as const) {
      s.keys('q');
      await s.waitFor(new RegExp(`Cancel task ${row}`));
      await readTheQuestion();
      s.keys('y');
      await s.waitFor(new RegExp(`${row}\\s+\\S+\\s+cancelled\\s+${name}`), 20_000);
      s.keys('Up');
    }
    await waitUntil(() => !agentPids.some(pidAlive), 15_000, 'every agent process to be gone');
    // The claude task beside them is untouched.
    expect(s.screen()).toMatch(/1\s+\S+\s+(running|completed)\s+cl-slow/);

    s.keys('C-c');
    await s.waitFor(/Quit|\[exited 0\]/);
    if (/Quit/.test(s.screen())) {
      await readTheQuestion();
      s.keys('c');
    }
  }, 90_000);

  it('running codex and gemini tasks outlive a quit with "keep" and are re-adopted and finish after a restart', async () => {
    const w = world();
    const first = tmux();
    start(first, w, { FAKE_AGENT_LINE_MS: '1500' });
    await first.waitFor(/No tasks yet/, 20_000);
    await spawnByForm(first, 'cx-long', 'api', 'Tell me a long story. scenario:slow', 'codex');
    await first.waitFor(/1\s+\S+\s+running\s+cx-long\s+api\s+codex/, 20_000);
    await spawnByForm(first, 'gm-long', 'site', 'Tell me a long story. scenario:slow', 'gemini');
    await first.waitFor(/2\s+\S+\s+running\s+gm-long\s+site\s+gemini/, 20_000);
    await waitUntil(() => jsonLines(w.pidsFile).length === 4, 20_000, 'both agents to start');
    const launchers = jsonLines<{ role: string; agent: string; pid: number }>(w.pidsFile).filter(
      (p) => p.role === 'launcher',
    );

    first.keys('C-c');
    await first.waitFor(/Quit/);
    await readTheQuestion();
    first.keys('k'); // keep them running
    await first.waitFor(/\[exited 0\]/);
    // The codex run (4 lines) may end by itself before the quit on a busy machine; gemini's 20 cannot.
    expect(
      launchers.filter((p) => p.agent === 'gemini').every((p) => pidAlive(p.pid)),
      'the gemini agent outlives the UI',
    ).toBe(true);
    first.kill();

    const second = tmux();
    start(second, w);
    // The gemini task (20 chunks) is still running and re-adopted; the codex one (4 lines) may have
    // ended meanwhile and is finalised from its log.
    await second.waitFor(/running\s+gm-long\s+site\s+gemini/, 20_000);
    await second.waitFor(/completed\s+cx-long\s+api\s+codex/, 40_000);
    await second.waitFor(/completed\s+gm-long\s+site\s+gemini/, 40_000);
    expect(launchers.some((p) => pidAlive(p.pid))).toBe(false);
    second.keys('C-c');
    await second.waitFor(/\[exited 0\]/);
  }, 120_000);

  it('claude, codex and gemini tasks kept over a restart are re-adopted, cancelled there, and followed up in their own sessions', async () => {
    const w = world();
    const claudeHome = join(w.dir, 'claude-config');
    const env = { CLAUDE_CONFIG_DIR: claudeHome };
    const first = tmux();
    start(first, w, env);
    await first.waitFor(/No tasks yet/, 20_000);
    // Recordings that ended by SIGTERM: each agent replays them and then works on until a signal.
    await spawnByForm(first, 'cl-wait', 'docs', 'Take your time. scenario:slow-sigterm', 'claude');
    await first.waitFor(/1\s+\S+\s+running\s+cl-wait\s+docs\s+claude/, 20_000);
    await spawnByForm(first, 'cx-wait', 'api', 'Work on. scenario:slow-sigterm', 'codex');
    await first.waitFor(/2\s+\S+\s+running\s+cx-wait\s+api\s+codex/, 20_000);
    await spawnByForm(first, 'gm-wait', 'site', 'Work on. scenario:slow-sigterm-group', 'gemini');
    await first.waitFor(/3\s+\S+\s+running\s+gm-wait\s+site\s+gemini/, 20_000);
    await waitUntil(() => jsonLines(w.pidsFile).length === 4, 20_000, 'both fake agents to start');
    const agentPids = jsonLines<{ pid: number }>(w.pidsFile).map((p) => p.pid);

    first.keys('C-c');
    await first.waitFor(/Quit/);
    await readTheQuestion();
    first.keys('k'); // keep them running
    await first.waitFor(/\[exited 0\]/);
    expect(agentPids.every(pidAlive), 'the agents outlive the UI').toBe(true);
    first.kill();

    const s = tmux();
    start(s, w, env);
    // Re-adopted: all three still running under the new voice-orch.
    for (const row of [/1\s+\S+\s+running\s+cl-wait/, /2\s+\S+\s+running\s+cx-wait/, /3\s+\S+\s+running\s+gm-wait/]) {
      await s.waitFor(row, 20_000);
    }

    // Cancelled from the new voice-orch: each re-adopted process ends with what it started.
    for (const [id, name] of [
      [3, 'gm-wait'],
      [2, 'cx-wait'],
      [1, 'cl-wait'],
    ] as const) {
      await selectTask(s, id);
      s.keys('q');
      await s.waitFor(new RegExp(`Cancel task ${id}`));
      await readTheQuestion();
      s.keys('y');
      await s.waitFor(new RegExp(`${id}\\s+\\S+\\s+cancelled\\s+${name}`), 20_000);
    }
    await waitUntil(() => !agentPids.some(pidAlive), 15_000, 'every agent process to be gone');

    // Follow-ups after the restart resume each agent's own session from before it.
    const argvBefore = jsonLines<string[]>(w.argvFile).length;
    for (const [id, name] of [
      [1, 'cl-wait'],
      [2, 'cx-wait'],
      [3, 'gm-wait'],
    ] as const) {
      await selectTask(s, id);
      s.keys('f');
      await s.waitFor(new RegExp(`Follow-up to task ${id}\\b`));
      s.literal('And again.');
      s.keys('Enter');
      await s.waitFor(new RegExp(`${id}\\s+\\S+\\s+completed\\s+${name}`), 30_000);
    }
    const resumed = jsonLines<string[]>(w.argvFile).slice(argvBefore);
    const firstLine = (file: string) =>
      JSON.parse(readFileSync(join(ROOT, 'test/fixtures', file), 'utf8').split('\n')[0]!) as Record<string, string>;
    expect(resumed[0]?.slice(0, 2)).toEqual(['exec', 'resume']);
    expect(resumed[0]?.slice(-2)).toEqual([firstLine('codex-cli/slow-sigterm.jsonl').thread_id, 'And again.']);
    expect(resumed[1]).toContain(`--resume=${firstLine('gemini-cli/slow-sigterm-group.jsonl').session_id}`);
    // fake-claude fails a --resume of a session it does not have; this one holds both prompts.
    const claudeSessions = join(claudeHome, 'fake-claude-sessions');
    const held = readdirSync(claudeSessions).map((f) => readFileSync(join(claudeSessions, f), 'utf8'));
    expect(held).toEqual(['Take your time. scenario:slow-sigterm\nAnd again.\n']);

    s.keys('C-c');
    await s.waitFor(/\[exited 0\]/);
  }, 180_000);
});
