/**
 * End to end in tmux with the built binary: a multi-select question answered by keys. fake-claude
 * asks the recorded AskUserQuestion through the bridge, made multi-select (the word `multiselect`
 * in the prompt; the recordings hold none); `1`–`9` tick and untick options on screen, Enter sends
 * the picks, and the agent receives them joined in option order, keyed by the question's text.
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TmuxSession } from '../helpers/tmux-session.js';
import { CLI, FAKE_CLAUDE, tmuxSessions } from '../helpers/e2e-binary.js';
import { startTaskByForm } from '../helpers/new-task-form.js';

const sessions = tmuxSessions();

describe('a multi-select question in tmux', () => {
  it('1–9 toggle options, Enter sends the picks to the agent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vo-e2e-multi-'));
    mkdirSync(join(dir, 'projects', 'api'), { recursive: true });
    const answers = join(dir, 'answers.jsonl');
    const s = new TmuxSession(120, 36);
    sessions.push(s);
    s.start(
      `node ${CLI} --no-audio --state-dir ${join(dir, 'state')} --claude-path ${FAKE_CLAUDE}`,
      { OPENAI_API_KEY: '', FAKE_CLAUDE_ANSWERS_FILE: answers },
      join(dir, 'projects'),
    );
    await s.waitFor(/No tasks yet/, 20_000);
    await startTaskByForm(s, 'api', 'scenario:ask-prompt-tool multiselect', 'picker');
    await s.waitFor(/needs you\s+picker.*asks: Which database\?/, 20_000);
    await s.waitFor(/\[ \] 1\. Postgres/);
    await s.waitFor(/\[ \] 2\. SQLite/);
    await s.waitFor(/1–2 pick · d deny/);
    s.keys('2');
    await s.waitFor(/\[x\] 2\. SQLite/);
    await s.waitFor(/Enter send 1 picked/);
    s.keys('1');
    await s.waitFor(/\[x\] 1\. Postgres/);
    s.keys('2');
    await s.waitFor(/\[ \] 2\. SQLite/);
    s.keys('2');
    await s.waitFor(/Enter send 2 picked/);
    // Still waiting: picking alone sends nothing.
    expect(s.screen()).toMatch(/needs you\s+picker/);
    s.keys('Enter');
    await s.waitFor(/completed\s+picker/, 20_000);
    const sent = readFileSync(answers, 'utf8').trim().split('\n');
    expect(sent).toHaveLength(1);
    const answer = JSON.parse(sent[0] as string) as { behavior: string; updatedInput: Record<string, unknown> };
    expect(answer.behavior).toBe('allow');
    expect(answer.updatedInput.answers).toEqual({ 'Which database?': 'Postgres, SQLite' });
    expect((answer.updatedInput.questions as { multiSelect: boolean }[])[0]?.multiSelect).toBe(true);
  }, 90_000);
});
