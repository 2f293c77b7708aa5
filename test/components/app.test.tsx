import { REQUEST_HELP_IDS } from '../../src/commands/request-commands.js';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { helpRows } from '../../src/commands/keymap.js';
import { entry, T0, task } from '../commands/fakes.js';
import { KEY, mount, tick } from './harness.js';

afterEach(() => cleanup());

const four = () => [
  task({ id: 1, name: 'fix-login', activity: 'Edit src/auth.ts', turns: 3, costUsd: 0.05 }),
  task({
    id: 2,
    name: 'docs',
    status: 'completed',
    endedAt: T0 + 30_000,
    resultText: 'Wrote the docs.\nAdded examples.',
    filesTouched: ['/home/u/src/api/README.md'],
    turns: 7,
    costUsd: 0.31,
  }),
  task({
    id: 3,
    name: 'broken',
    status: 'failed',
    endedAt: T0 + 5_000,
    failure: { kind: 'crashed', message: 'crashed with exit code 3' },
  }),
  task({
    id: 4,
    name: 'waiting',
    status: 'queued',
    startedAt: undefined,
    queuedReason: 'waiting for task 1 in /home/u/src/api',
  }),
  task({ id: 5, name: 'stopped', status: 'cancelled', endedAt: T0 + 9_000 }),
];

const lineOf = (frame: string, re: RegExp) => frame.split('\n').find((l) => re.test(l)) ?? '';

describe('task table', () => {
  it('shows every status with its mark, the failure reason, the queue reason and the selection', async () => {
    const app = await mount({ tasks: four() });
    const f = app.frame();
    expect(lineOf(f, /fix-login/)).toMatch(
      /^› 1\s+\S running\s+fix-login\s+api\s+claude\s+1m05s\s+3\s+\$0\.05\s+Edit src\/auth\.ts/,
    );
    expect(lineOf(f, /docs/)).toMatch(/^ {2}2\s+✓ completed\s+docs\s+api\s+claude\s+30s\s+7\s+\$0\.31/);
    expect(lineOf(f, /broken/)).toMatch(/✗ failed .*crashed with exit code 3/);
    expect(lineOf(f, /waiting/)).toMatch(/… queued .*—.*waiting for task 1/);
    expect(lineOf(f, /stopped/)).toMatch(/⊘ cancelled/);
    await app.press(KEY.down, 'j');
    expect(lineOf(app.frame(), /docs/)).toMatch(/^› 2/);
    expect(lineOf(app.frame(), /fix-login/)).toMatch(/^ {2}1/);
  });

  it('says how to start when there are no tasks, and footer hints only offer what works', async () => {
    const app = await mount();
    expect(app.frame()).toContain('No tasks yet — press n to start one');
    expect(app.frame()).toContain('n new task');
    expect(app.frame()).not.toContain('q cancel');
  });

  it('leaves cancel out of the footer when the selected task is finished; ? says why', async () => {
    const app = await mount({ tasks: four(), columns: 120 });
    expect(app.frame()).toContain('q cancel');
    await app.press(KEY.down, KEY.down);
    expect(app.frame()).not.toContain('q cancel');
    await app.press('?');
    expect(app.frame()).toContain('now: task 2 is already completed');
  });

  it('a run of plain keys in one chunk is typing, not a series of commands (jj moves once, kqy only moves)', async () => {
    const app = await mount({ tasks: four() });
    await app.press('jj');
    expect(app.store.getState().selectedId).toBe(4);
    await app.press('kqy');
    expect(lineOf(app.frame(), /fix-login/)).toMatch(/^› 1/);
    expect(app.store.getState().overlay).toBeNull();
    expect(app.tasks.calls).toEqual([]);
  });

  it('handles several keys in one chunk (↓ then Enter opens the second row)', async () => {
    const app = await mount({ tasks: four() });
    app.tasks.logs.set(4, [entry(1, 'text', 'queued output')]);
    await app.press(KEY.down + KEY.enter);
    expect(app.frame()).toContain('Task 4 waiting · queued');
    expect(app.frame()).toContain('queued output');
  });
});

describe('narrow terminals', () => {
  it('80×24: drops turns and cost, keeps every line inside 80 columns and 24 rows', async () => {
    const app = await mount({ tasks: four(), columns: 80, rows: 24 });
    const lines = app.frame().split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    const header = lineOf(app.frame(), /status/);
    expect(header).toMatch(/#\s+status\s+name\s+project\s+time\s+latest activity/);
    expect(header).not.toContain('cost');
    expect(app.frame()).toContain('fix-login');
  });

  it('60 columns: drops the project too', async () => {
    const app = await mount({ tasks: four(), columns: 60, rows: 24 });
    expect(lineOf(app.frame(), /status/)).not.toContain('project');
    for (const l of app.frame().split('\n')) expect(l.length).toBeLessThanOrEqual(60);
  });

  it('the help overlay fits 80×24, wraps its rows and scrolls through every registry row', async () => {
    const app = await mount({ tasks: four(), columns: 80, rows: 24 });
    await app.press('?');
    let f = app.frame();
    expect(f.split('\n').length).toBeLessThanOrEqual(24);
    for (const l of f.split('\n')) expect(l.length).toBeLessThanOrEqual(80);
    expect(f).toContain('↓ more');
    // Wrapped, not cut: the first row's description goes on on the next line.
    expect(f).not.toContain('…');
    expect(lineOf(f, /cancel\s/)).toMatch(/^\s+q\s+cancel\s+voice\s+Cancel a queued/);
    // The request rows show only while a task waits for a decision (none does here).
    const rows = helpRows().filter((r) => !REQUEST_HELP_IDS.has(r.id));
    const seen = new Set<string>();
    const own = new Set<string>();
    for (let i = 0; i < rows.length; i++) {
      f = app.frame();
      for (const l of f.split('\n')) expect(l.length).toBeLessThanOrEqual(80);
      expect(f.split('\n').length).toBeLessThanOrEqual(24);
      for (const l of f.split('\n'))
        if (/\s(hide done|notice log)\s/.test(l))
          own.add(
            l
              .replace('›', ' ')
              .trim()
              .split(/\s{2,}/)
              .slice(0, 2)
              .join(' '),
          );
      for (const row of rows) if (new RegExp(`\\s${row.title.replace(/[-]/g, '\\-')}\\s`).test(f)) seen.add(row.title);
      await app.press(KEY.down);
    }
    expect([...seen].sort()).toEqual([...new Set(rows.map((r) => r.title))].sort());
    expect(app.frame()).toContain('↑ more');
    // h and N each have a row of their own.
    expect([...own].sort()).toEqual(['N notice log', 'h hide done']);
    await app.press(KEY.esc);
    expect(app.frame()).toContain('fix-login');
    expect(app.frame()).not.toContain('Keys and voice tools');
  });
});

describe('tail view', () => {
  const log = [
    entry(1, 'system', 'session started · claude-sonnet'),
    entry(2, 'text', 'Looking at the login code'),
    entry(3, 'tool', '→ Edit src/auth.ts'),
    entry(4, 'tool_result', 'permission denied', { isError: true }),
    entry(5, 'error', 'API error 529: overloaded'),
    entry(6, 'text', 'Fixed it'),
  ];

  it('reads the log once, appends live output, cycles filters with Tab', async () => {
    const app = await mount({ tasks: four() });
    app.tasks.logs.set(1, log);
    await app.press(KEY.enter);
    expect(app.tasks.calls).toEqual(['readLogPage 1']);
    expect(app.frame()).toContain('all output (6) · following');
    app.tasks.emit('output', 1, [entry(7, 'text', 'One more thing')]);
    app.store.dispatch({ type: 'task/output', taskId: 1, entries: [entry(7, 'text', 'One more thing')] });
    await tick();
    expect(app.frame()).toContain('One more thing');
    await app.press(KEY.tab);
    expect(app.frame()).toContain('assistant text (3)');
    expect(app.frame()).not.toContain('→ Edit src/auth.ts');
    await app.press(KEY.tab);
    expect(app.frame()).toContain('tool actions (2)');
    expect(app.frame()).toContain('→ Edit src/auth.ts');
    expect(app.frame()).not.toContain('Fixed it');
    await app.press(KEY.tab);
    expect(app.frame()).toContain('errors (2)');
    expect(app.frame()).toContain('API error 529');
    expect(app.frame()).not.toContain('Looking at the login code');
    await app.press(KEY.esc);
    expect(app.frame()).toContain('latest activity');
  });

  it('scrolls with ↑/PgUp, stops following, and End follows again', async () => {
    const app = await mount({ tasks: four(), rows: 12 });
    app.tasks.logs.set(
      1,
      Array.from({ length: 40 }, (_, i) => entry(i + 1, 'text', `line ${i + 1}`)),
    );
    await app.press(KEY.enter);
    expect(app.frame()).toContain('line 40');
    await app.press(KEY.up);
    expect(app.frame()).toContain('1 newer below');
    expect(app.frame()).not.toContain('line 40');
    expect(app.frame()).toContain('line 39');
    await app.press(KEY.pageUp);
    expect(app.frame()).toContain('11 newer below');
    expect(app.frame()).toContain('line 29');
    expect(app.frame()).not.toContain('line 30');
    await app.press(KEY.pageDown, KEY.down);
    expect(app.frame()).toContain('following');
    await app.press(KEY.pageUp, 'F');
    expect(app.frame()).toContain('following');
    expect(app.frame()).toContain('line 40');
  });
});

describe('result card', () => {
  it('r shows final text, status, cost, turns, files and time; Esc goes back', async () => {
    const app = await mount({ tasks: four() });
    await app.press(KEY.down, KEY.down, 'r');
    const f = app.frame();
    expect(f).toContain('Task 2 docs — completed');
    expect(f).toContain('time 30s · turns 7 · cost $0.31');
    expect(f).toContain('files touched: /home/u/src/api/README.md');
    expect(f).toContain('Wrote the docs.');
    expect(f).toContain('Added examples.');
    await app.press(KEY.esc, KEY.down, KEY.down, 'r');
    expect(app.frame()).toContain('Task 3 broken — failed: crashed with exit code 3');
  });
});

describe('new-task form', () => {
  it('fills, completes the project with Tab, keeps input on a validation error, then submits', async () => {
    const app = await mount({ tasks: four() });
    await app.press('n');
    expect(app.frame()).toContain('New task');
    await app.press('w', KEY.tab);
    expect(app.frame()).toMatch(/Project:\s+web▍/);
    await app.press(KEY.tab, KEY.tab, 'fix-signup', KEY.enter);
    expect(app.frame()).toContain('prompt is required');
    expect(app.frame()).toMatch(/Name\?\s+fix-signup/);
    expect(app.frame()).toMatch(/Project:\s+web/);
    expect(app.tasks.calls).toEqual([]);
    await app.press(KEY.up, 'Make signup work', KEY.enter);
    expect(app.tasks.calls).toEqual(['spawn fix-signup web']);
    expect(app.frame()).not.toContain('New task');
    expect(lineOf(app.frame(), /fix-signup/)).toMatch(/^› 6\s+\S running\s+fix-signup\s+web/);
  });

  it('a whole form typed in one chunk (text, Tab, Enter as tmux sends them) submits', async () => {
    const app = await mount({ tasks: four() });
    await app.press('n');
    await app.press('w\t\tMake signup work\tfix-signup\r');
    expect(app.tasks.calls).toEqual(['spawn fix-signup web']);
    expect(app.store.getState().overlay).toBeNull();
  });

  it('Esc cancels without spawning; typing q in a form is text, not a command', async () => {
    const app = await mount({ tasks: four() });
    await app.press('n', 'q?');
    expect(app.frame()).toMatch(/Project:\s+q\?▍/);
    expect(app.store.getState().overlay?.kind).toBe('form');
    await app.press(KEY.backspace);
    expect(app.frame()).toMatch(/Project:\s+q▍/);
    await app.press(KEY.esc);
    expect(app.frame()).not.toContain('New task');
    expect(app.tasks.calls).toEqual([]);
  });

  it('follow-up form names the task and sends the prompt', async () => {
    const app = await mount({ tasks: four() });
    await app.press(KEY.down, KEY.down, 'f');
    expect(app.frame()).toContain('Follow-up to task 2 docs');
    await app.press('Add a FAQ', KEY.enter);
    expect(app.tasks.calls).toEqual(['followUp 2 Add a FAQ']);
  });

  it(': sends a message to the assistant; with voice off the line opens and says why', async () => {
    const app = await mount({ tasks: four() });
    await app.press(':', 'status please', KEY.enter);
    expect(app.voice.sent).toEqual(['status please']);
    const off = await mount({ tasks: four(), voiceOff: 'no OPENAI_API_KEY' });
    await off.press(':');
    expect(off.frame()).toContain('Message to the assistant');
    expect(off.frame()).toContain('Cannot send now: voice is off: no OPENAI_API_KEY.');
  });
});

describe('confirm dialogs', () => {
  it('q asks before cancelling: n keeps the task, y cancels it', async () => {
    const app = await mount({ tasks: four() });
    await app.press('q');
    expect(app.frame()).toContain('Cancel task 1 "fix-login"?');
    expect(app.frame()).toContain('[y] yes, cancel it');
    app.later(200);
    await app.press('n');
    expect(app.frame()).not.toContain('Cancel task 1');
    expect(app.tasks.calls).toEqual([]);
    await app.press('q');
    app.later(200);
    await app.press('y');
    expect(app.tasks.calls).toEqual(['cancel 1']);
    expect(app.frame()).toContain('Task 1 fix-login cancelled');
    expect(app.frame()).toContain('→ cancel task 1: cancelled');
  });

  it('Ctrl+C with live tasks asks keep / cancel / stay', async () => {
    const app = await mount({ tasks: four() });
    await app.press(KEY.ctrlC);
    expect(app.frame()).toContain('2 tasks are still running. Quit?');
    expect(app.frame()).toContain('[k] keep them running');
    expect(app.frame()).toContain('[c] cancel them');
    expect(app.frame()).toContain('[Esc] stay');
    app.later(200);
    await app.press(KEY.esc);
    expect(app.quits).toEqual([]);
    await app.press(KEY.ctrlC);
    app.later(200);
    await app.press('c');
    expect(app.quits).toEqual(['cancel']);
  });
});

describe('push-to-talk keys', () => {
  it('Space taps the terminal source in toggle mode; Esc discards while talking', async () => {
    const app = await mount({ tasks: four(), ptt: { kind: 'toggle', key: 'Space', reason: 'no display' } });
    const off = (await import('../../src/state/bind.js')).bindPushToTalk(app.store, app.ptt);
    await app.press(' ');
    expect(app.ptt.keys).toEqual(['space']);
    expect(app.frame()).toContain('● talking');
    await app.press(KEY.esc);
    expect(app.ptt.keys).toEqual(['space', 'escape']);
    expect(app.frame()).toContain('Discarded: Esc');
    off();
  });

  it('Space does nothing in hold mode', async () => {
    const app = await mount({ tasks: four() });
    await app.press(' ');
    expect(app.ptt.keys).toEqual([]);
    expect(app.frame()).toContain('hold Right Ctrl to talk');
  });
});
