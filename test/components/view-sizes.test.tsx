import { describe, expect, it } from 'vitest';
import { cellWidth } from '../../src/components/format.js';
import { entry, task } from '../commands/fakes.js';
import { KEY, mount, tick } from './harness.js';

const SIZES: [number, number][] = [
  [80, 24],
  [100, 30],
  [160, 45],
];

function tasks() {
  const done = Array.from({ length: 10 }, (_, i) =>
    task({
      id: i + 2,
      name: `done-${i + 2}`,
      status: i === 3 ? 'interrupted' : 'completed',
      resultText: 'ok',
      endedAt: 1_000 + i,
    }),
  );
  return [task({ id: 1, name: '修正-ログイン', status: 'running' }), ...done];
}

/** Every line inside the terminal, measured as the terminal draws it (wide characters count two). */
function fits(frame: string, columns: number, rows: number, what: string) {
  const lines = frame.split('\n');
  expect(lines.length, what).toBeLessThanOrEqual(rows);
  for (const l of lines) expect(cellWidth(l), `${what}: ${l}`).toBeLessThanOrEqual(columns);
}

describe.each(SIZES)('every view at %i×%i', (columns, rows) => {
  it('table, log view, result card, help and diff fit; the running task and whole status words stay in view', async () => {
    const app = await mount({ tasks: tasks(), columns, rows });
    app.tasks.logs.set(
      1,
      Array.from({ length: 200 }, (_, i) => entry(i, 'text', `行 ${i} — ${'wide 漢字 '.repeat(i % 5)}`)),
    );
    let f = app.frame();
    fits(f, columns, rows, 'table');
    expect(f).toContain('修正-ログイン');
    expect(f).toMatch(/running/);
    // A status word is whole or not there at all: never "interrupt…".
    expect(f).not.toMatch(/interrupt…|interrupte(?!d)/);
    await app.press(KEY.enter);
    f = app.frame();
    fits(f, columns, rows, 'log view');
    expect(f).toContain('行 199');
    await app.press('/', 'w', 'i', 'd', 'e', KEY.enter);
    await tick(50);
    fits(app.frame(), columns, rows, 'log view searching');
    await app.press(KEY.esc);
    app.store.dispatch({ type: 'select/set', taskId: 2 });
    await tick();
    await app.press('r');
    f = app.frame();
    fits(f, columns, rows, 'result card');
    expect(f).toContain('Task 2 done-2');
    await app.press(KEY.esc, '?');
    fits(app.frame(), columns, rows, 'help');
    await app.press(KEY.esc);
    app.store.dispatch({ type: 'diff/open', taskId: 2, title: 'Task 2 changes', lines: ['+漢字 added', '-old'] });
    await tick();
    fits(app.frame(), columns, rows, 'diff');
  });
});
