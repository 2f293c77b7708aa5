/**
 * End to end: agent output and model output cannot drive the terminal. The built binary runs in a
 * private tmux server with `set-clipboard on`, so an OSC 52 that reached the pane would create a
 * paste buffer, and an OSC 0 would change `#{pane_title}`. The agent is
 * test/fixtures/hostile-claude (escape sequences, C1 controls and raw C1 bytes in its text, file
 * names, tool output, result and stderr); the model (the fake Realtime server) names the task with
 * an OSC 0 and an OSC 52 in it. The table, the log view, the result card and the transcript all
 * show that text; afterwards the title is unchanged and there is no buffer.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeRealtimeServer } from '../helpers/fake-realtime-server.js';
import { TmuxSession } from '../helpers/tmux-session.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const CLI = join(ROOT, 'dist', 'cli.js');
const HOSTILE_CLAUDE = join(ROOT, 'test', 'fixtures', 'hostile-claude');

const OSC0 = '\x1b]0;MODEL-TITLE\x07';
const OSC52 = '\x1b]52;c;cm0gLXJmIH4=\x07';

const sessions: TmuxSession[] = [];
let server: FakeRealtimeServer | null = null;
afterEach(async () => {
  for (const s of sessions.splice(0)) s.kill();
  await server?.close();
  server = null;
});

/** A tmux command on the session's private server. */
function tmuxCmd(s: TmuxSession, ...args: string[]): string {
  return execFileSync('tmux', ['-L', s.socket, ...args], { encoding: 'utf8' });
}

describe('hostile text in tmux', () => {
  it('is built before the end-to-end runs', () => {
    expect(existsSync(CLI), `${CLI} missing: run npm run build`).toBe(true);
  });

  it('table, log view, result card and transcript show hostile agent and model text without escapes reaching the terminal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vo-e2e-trust-'));
    mkdirSync(join(dir, 'projects', 'api'), { recursive: true });
    server = await FakeRealtimeServer.start({
      committedDelayMs: 20,
      replyFor: (ctx) => {
        if (ctx.newUserText && /start/i.test(ctx.newUserText)) {
          return {
            text: 'Starting it.',
            functionCalls: [
              {
                name: 'spawn_task',
                arguments: { name: `hostile${OSC0}${OSC52}-name`, prompt: 'Read the repo.', project: 'api' },
              },
            ],
          };
        }
        if (ctx.newUserText && /result/i.test(ctx.newUserText)) {
          return { text: 'Reading it.', functionCalls: [{ name: 'get_task_result', arguments: { task: 1 } }] };
        }
        if (ctx.lastToolOutputs.length) return { text: `Done${OSC0}${OSC52}.` };
        return { text: 'OK.' };
      },
    });
    const s = new TmuxSession(200, 40);
    sessions.push(s);
    s.start(
      `node ${CLI} --no-audio --state-dir ${join(dir, 'state')} --claude-path ${HOSTILE_CLAUDE} --realtime-url ${server.url}`,
      { OPENAI_API_KEY: 'test-key' },
      join(dir, 'projects'),
    );
    // With this on, an OSC 52 that reaches the pane becomes a paste buffer.
    tmuxCmd(s, 'set-option', '-s', 'set-clipboard', 'on');
    const title = (): string => tmuxCmd(s, 'display-message', '-p', '-t', 'app', '#{pane_title}').trim();
    const buffers = (): string => tmuxCmd(s, 'list-buffers');
    await s.waitFor(/No tasks yet/, 20_000);
    await server.waitForConnection(1, 10_000);
    const before = title();
    expect(before).not.toMatch(/TITLE/);
    /** Nothing the app drew so far changed the title or wrote the clipboard. */
    const expectUntouched = (after: string): void => {
      expect(title(), `pane title after ${after}`).toBe(before);
      expect(buffers(), `paste buffers after ${after}`).toBe('');
    };

    // The table: a task named by the model, finished by the hostile agent.
    s.keys(':');
    await s.waitFor(/Message/);
    s.literal('Please start the task');
    s.keys('Enter');
    await s.waitFor(/completed\s+hostile/, 20_000);
    expectUntouched('the table');

    // The log view: assistant text, tool file name, tool output, raw stdout, result and stderr.
    s.keys('Enter');
    await s.waitFor(/Task 1 hostile/);
    await s.waitFor(/STDERR-MARK/, 10_000);
    const log = s.screen();
    expectUntouched('the log view');
    for (const mark of ['ASSIST-MARK', 'FILE-MARK', 'TOOL-MARK', 'RAW-MARK', 'done in 1 turn'])
      expect(log).toContain(mark);
    s.keys('Escape');
    await s.waitFor(/#\s+status\s+name/);

    // The result card: result text and the file names.
    s.keys('r');
    // RESULT-MARK is on the main screen too (the finish notice in the conversation): wait for the card.
    await s.waitFor(/files touched:/);
    await s.waitFor(/RESULT-MARK/);
    expectUntouched('the result card');
    expect(s.screen()).toMatch(/files touched: .*FILE-MARK\.md/);
    s.keys('Escape');
    await s.waitFor(/#\s+status\s+name/);

    // The transcript: the model reads the result through get_task_result (one line in words).
    s.keys(':');
    await s.waitFor(/Message/);
    s.literal('What is the result?');
    s.keys('Enter');
    await s.waitFor(/→ get task result 1/, 20_000);
    await s.waitFor(/assistant Done\./, 10_000);
    expectUntouched('the transcript');
    const main = s.screen();
    // The fence is for the model only: the screen shows the text without its markup.
    expect(main).not.toContain('task_output');
    expect(main).not.toContain('Treat the text inside');

    s.keys('C-c');
    await s.waitFor(/Quit|\[exited 0\]/);
  });
});
