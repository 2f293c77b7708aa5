/**
 * End to end in tmux with the built binary: a task waits for a decision (fake-claude asks through
 * the bridge like the recorded CLI), its row says "needs you" with the command, `a` lets it run and
 * `d` denies it with a typed reason; a question is answered with `2`.
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TmuxSession } from '../helpers/tmux-session.js';
import { CLI, FAKE_CLAUDE, tmuxSessions } from '../helpers/e2e-binary.js';
import { startTaskByForm } from '../helpers/new-task-form.js';

const sessions = tmuxSessions();

function start(): { s: TmuxSession; state: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vo-e2e-perm-'));
  mkdirSync(join(dir, 'projects', 'api'), { recursive: true });
  const state = join(dir, 'state');
  const s = new TmuxSession(120, 36);
  sessions.push(s);
  s.start(
    `node ${CLI} --no-audio --state-dir ${state} --claude-path ${FAKE_CLAUDE}`,
    { OPENAI_API_KEY: '' },
    join(dir, 'projects'),
  );
  return { s, state };
}

function spawnTask(s: TmuxSession, name: string, prompt: string): Promise<void> {
  return startTaskByForm(s, 'api', prompt, name);
}

function audit(state: string): { decision: string; source?: string; input: string; message?: string }[] {
  return readFileSync(join(state, 'permissions', 'audit.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { decision: string; source?: string; input: string; message?: string });
}

describe('answering a waiting task in tmux', () => {
  it('a lets a waiting command run; d denies the next one', async () => {
    const { s, state } = start();
    await s.waitFor(/No tasks yet/, 20_000);
    await spawnTask(s, 'toucher', 'scenario:bash-touch-prompt-tool');
    // The table cuts the reason to its column (the agent column takes room at this width).
    await s.waitFor(/needs you\s+toucher.*wants to run `env touch APPRO/, 20_000);
    await s.waitFor(/1 task needs you/);
    await s.waitFor(/Task 1 needs you — a allow once/);
    s.keys('a');
    await s.waitFor(/completed\s+toucher/, 20_000);
    await spawnTask(s, 'denied', 'scenario:bash-touch-prompt-tool');
    await s.waitFor(/needs you\s+denied/, 20_000);
    // A waiting task sorts to the top: k selects it wherever the selection was.
    s.keys('k');
    s.keys('d');
    // d opens a line for the reason, which reaches the agent and the audit log.
    await s.waitFor(/Deny task 2 denied/);
    s.literal('use the release script');
    s.keys('Enter');
    await s.waitFor(/completed\s+denied/, 20_000);
    expect(
      audit(state)
        .filter((a) => a.decision !== 'asked')
        .map((a) => [a.decision, a.source]),
    ).toEqual([
      ['allow', 'key'],
      ['deny', 'key'],
    ]);
    expect(audit(state).at(-1)).toMatchObject({ message: 'The user denied this request: use the release script' });
  });

  it('2 answers a question with its second option', async () => {
    const { s, state } = start();
    await s.waitFor(/No tasks yet/, 20_000);
    await spawnTask(s, 'asker', 'scenario:ask-prompt-tool');
    await s.waitFor(/needs you\s+asker.*asks: Which database\?/, 20_000);
    await s.waitFor(/2\. SQLite/);
    s.keys('2');
    await s.waitFor(/completed\s+asker/, 20_000);
    expect(audit(state).at(-1)).toMatchObject({ decision: 'allow', source: 'key', input: 'Which database?' });
  });
});
