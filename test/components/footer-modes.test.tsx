import { describe, expect, it } from 'vitest';
import { entry, task } from '../commands/fakes.js';
import { KEY, mount, tick } from './harness.js';

/** The last line of the screen: the footer. */
const footerOf = (frame: string) => frame.split('\n').at(-1)!;

function tasks() {
  return [
    task({ id: 1, name: 'fix-login', status: 'running' }),
    task({ id: 2, name: 'docs', status: 'completed', resultText: 'Done.', endedAt: 1_000 }),
    task({ id: 3, name: 'ask', status: 'running' }),
  ];
}

describe('the footer at 80 columns, in every mode', () => {
  it('is one line that fits, lists only keys that work now, and keeps ? help', async () => {
    const app = await mount({ tasks: tasks(), columns: 80, rows: 24 });
    app.tasks.logs.set(1, [entry(1, 'text', 'working on it')]);
    const check = (mode: string, { help = true } = {}) => {
      const f = app.frame();
      expect(f.split('\n').length, mode).toBeLessThanOrEqual(24);
      const footer = footerOf(f);
      expect(footer.length, `${mode}: ${footer}`).toBeLessThanOrEqual(79);
      // No reasons in parentheses: unavailable keys are not shown at all.
      expect(footer, mode).not.toMatch(/\(/);
      if (help) expect(footer, mode).toMatch(/\? help$/);
      return footer;
    };
    // The table, a running task selected: cancel applies, so it is offered.
    expect(check('table, running task')).toContain('q cancel');
    // A finished task selected: cancel does nothing, so it is not offered.
    app.store.dispatch({ type: 'select/set', taskId: 2 });
    await tick();
    const done = check('table, finished task');
    expect(done).not.toContain('q cancel');
    expect(done).toContain('r result');
    // A task waiting for a decision: its answer keys come first.
    app.store.dispatch({
      type: 'requests/set',
      requests: [
        {
          id: 'r1',
          taskId: 3,
          toolName: 'Bash',
          reason: 'wants to run `npm test`',
          detail: 'npm test',
          options: [],
          multiSelect: false,
          askedAt: 0,
        },
      ],
    });
    app.store.dispatch({ type: 'select/set', taskId: 3 });
    await tick();
    expect(check('table, waiting task')).toMatch(/a allow/);
    app.store.dispatch({ type: 'requests/set', requests: [] });
    // The log view.
    app.store.dispatch({ type: 'select/set', taskId: 1 });
    await tick();
    await app.press(KEY.enter);
    const log = check('log view');
    expect(log).toContain('/ search');
    expect(log).toContain('Tab filter');
    // Its query line open: typing, no footer change beyond fitting.
    await app.press('/');
    check('log view, query line');
    await app.press(KEY.esc, KEY.esc);
    // The result card.
    app.store.dispatch({ type: 'select/set', taskId: 2 });
    await tick();
    await app.press('r');
    expect(app.frame()).toContain('Done.');
    check('result card');
    await app.press(KEY.esc);
    // The diff view has its own key line inside the view.
    app.store.dispatch({ type: 'diff/open', taskId: 2, title: 'Task 2 changes', lines: ['+a', '-b'] });
    await tick();
    check('diff view', { help: false });
    await app.press(KEY.esc);
    // Forms and the help overlay need every line: no footer.
    await app.press('n');
    expect(app.frame()).not.toMatch(/\? help$/);
    for (const l of app.frame().split('\n')) expect(l.length).toBeLessThanOrEqual(80);
  });
});
