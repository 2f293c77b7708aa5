import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import stringWidth from 'string-width';
import { mainLayout } from '../../src/components/layout.js';
import type { TaskRecord } from '../../src/tasks/types.js';
import { T0, task } from '../commands/fakes.js';
import { KEY, mount } from './harness.js';

afterEach(() => cleanup());

/** One running task among ten finished ones, the oldest of which was interrupted. */
const busyHistory = (): TaskRecord[] => [
  ...Array.from({ length: 10 }, (_, i) =>
    task({
      id: i + 1,
      name: i === 3 ? '日本語のタスク名' : `done-${i + 1}`,
      status: i === 0 ? 'interrupted' : 'completed',
      activity: i === 3 ? '絵文字 🎉 を追加' : 'finished',
      endedAt: T0 + i * 1_000,
      costUsd: 0.1,
    }),
  ),
  task({ id: 11, name: 'live-one', activity: 'Edit src/x.ts', costUsd: 0.05 }),
];

const SIZES: [number, number][] = [
  [80, 24],
  [100, 30],
  [160, 45],
];

describe.each(SIZES)('main view at %i×%i', (columns, rows) => {
  it('keeps the running task and the selection in view, every line inside the terminal', async () => {
    const app = await mount({ tasks: busyHistory(), columns, rows });
    // Select the oldest finished task: the last row.
    await app.press(...Array<string>(10).fill(KEY.down));
    const f = app.frame();
    const lines = f.split('\n');
    expect(lines.length).toBeLessThanOrEqual(rows);
    for (const l of lines) expect(stringWidth(l)).toBeLessThanOrEqual(columns);
    expect(f).toContain('live-one');
    expect(f).toMatch(/^› 1\s+! interrupted\s/m);
    expect(f).toContain('1 running · 10 done · tasks $1.05 · voice $0.00');
  });

  it('measures wide characters as the terminal draws them: columns stay aligned', async () => {
    const app = await mount({ tasks: busyHistory(), columns, rows });
    const lines = app.frame().split('\n');
    const wide = lines.find((l) => l.includes('日本語'))!;
    const plain = lines.find((l) => l.includes('done-5'))!;
    expect(wide).toBeDefined();
    // The time column starts at the same terminal column on both rows.
    const col = (l: string, needle: RegExp) => stringWidth(l.slice(0, l.search(needle)));
    expect(col(wide, / \d+s /)).toBe(col(plain, / \d+s /));
  });
});

describe('hiding finished tasks', () => {
  it('h hides them and says so in the summary; h again shows them', async () => {
    const app = await mount({ tasks: busyHistory(), columns: 80, rows: 24 });
    await app.press('h');
    expect(app.frame()).not.toContain('done-5');
    expect(app.frame()).toContain('10 done (hidden, h shows)');
    expect(app.frame()).toMatch(/^› 11\s+\S running\s+live-one/m);
    await app.press('h');
    expect(app.frame()).toContain('done-5');
  });
});

describe('main layout', () => {
  it('gives the conversation pane up before any live task', () => {
    // 8 live tasks in 12 lines: the table takes what they need.
    const l = mainLayout(12, 20, 8);
    expect(l.table).toBeGreaterThanOrEqual(8 + 1 + 1 + 1);
    expect(l.summary + l.table + l.rule + l.transcript).toBe(12);
  });

  it('leaves the conversation its share when only finished tasks would push it out', () => {
    const l = mainLayout(19, 40, 1);
    expect(l.transcript).toBeGreaterThanOrEqual(5);
    expect(l.summary + l.table + l.rule + l.transcript).toBe(19);
  });
});
