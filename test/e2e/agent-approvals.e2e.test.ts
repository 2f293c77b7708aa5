/**
 * End to end in tmux with the built binary: Codex and Gemini tasks set to ask (`agentApprovals`)
 * run under the approval host (dist/approval-host.js) with fake agents replaying the recorded
 * `codex app-server` and `gemini --acp` exchanges. The row says "needs you" with the command; `a`
 * lets it run; a request that waits while voice-orch quits with "keep" is there after the restart
 * and `d` declines it; both tasks complete.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TmuxSession } from '../helpers/tmux-session.js';
import { CLI, FAKE_CLAUDE, ROOT, tmuxSessions } from '../helpers/e2e-binary.js';

const FAKE_CODEX = join(ROOT, 'test', 'helpers', 'fake-codex');
const FAKE_GEMINI = join(ROOT, 'test', 'helpers', 'fake-gemini');

const sessions = tmuxSessions();

interface World {
  dir: string;
  state: string;
  config: string;
}

function world(): World {
  const dir = mkdtempSync(join(tmpdir(), 'vo-e2e-approvals-'));
  for (const p of ['api', 'site']) mkdirSync(join(dir, 'projects', p), { recursive: true });
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ agentApprovals: { codex: 'ask', gemini: 'ask' } }));
  return { dir, state: join(dir, 'state'), config };
}

function start(w: World): TmuxSession {
  const s = new TmuxSession(140, 40);
  sessions.push(s);
  s.start(
    `node ${CLI} --no-audio --config ${w.config} --state-dir ${w.state} --claude-path ${FAKE_CLAUDE} ` +
      `--codex-path ${FAKE_CODEX} --gemini-path ${FAKE_GEMINI}`,
    { OPENAI_API_KEY: '', FAKE_AGENT_RPC_FILE: join(w.dir, 'rpc.jsonl') },
    join(w.dir, 'projects'),
  );
  return s;
}

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

function audit(state: string): { decision: string; source?: string }[] {
  return readFileSync(join(state, 'permissions', 'audit.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { decision: string; source?: string });
}

/** A confirm dialog refuses answers within 150 ms of the key that opened it. */
const readTheQuestion = () => new Promise((r) => setTimeout(r, 400));

describe('codex and gemini tasks that ask, in tmux', () => {
  it('a allows a codex command; a gemini request waits across a restart and d declines it', async () => {
    const w = world();
    const s = start(w);
    await s.waitFor(/No tasks yet/, 20_000);

    await spawnByForm(s, 'cx-ask', 'api', 'Escalate. scenario:appserver-command-approval-accept', 'codex');
    await s.waitFor(/needs you\s+cx-ask.*wants to run `touch ESCALATED/, 20_000);
    s.keys('a');
    await s.waitFor(/completed\s+cx-ask\s+api\s+codex/, 20_000);

    await spawnByForm(s, 'gm-ask', 'site', 'Touch. scenario:acp-shell-touch-allow', 'gemini');
    await s.waitFor(/needs you\s+gm-ask.*wants to run `touch TOUCHED/, 30_000);
    s.keys('C-c');
    await s.waitFor(/Quit/);
    await readTheQuestion();
    s.keys('k'); // keep it running
    await s.waitFor(/\[exited 0\]/);
    s.kill();

    const again = start(w);
    await again.waitFor(/needs you\s+gm-ask.*wants to run `touch TOUCHED/, 30_000);
    // Right after the start the request is back from pending.json, but its host reconnects within
    // a second; until then an answer is refused ("not connected right now") and is given again.
    for (let i = 0; i < 20 && !/completed\s+gm-ask/.test(again.screen()); i++) {
      // d opens a line for an optional reason; Enter on it sends the deny.
      if (/Deny task \d/.test(again.screen())) again.keys('Enter');
      else {
        again.keys('k');
        again.keys('d');
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    await again.waitFor(/completed\s+gm-ask\s+site\s+gemini/, 30_000);
    expect(
      audit(w.state)
        .filter((a) => a.decision === 'allow' || a.decision === 'deny')
        .map((a) => [a.decision, a.source]),
    ).toEqual([
      ['allow', 'key'],
      ['deny', 'key'],
    ]);
    again.keys('C-c');
    await again.waitFor(/\[exited 0\]/);
  }, 120_000);
});
