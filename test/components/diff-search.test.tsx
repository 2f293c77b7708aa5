// `/` search in the diff view, driven by keys through the whole App.
import { afterEach, describe, expect, it } from 'vitest';
import type { ReactElement } from 'react';
import { highlight } from '../../src/components/SearchLine.js';
import { KEY, mount } from './harness.js';

type Mounted = Awaited<ReturnType<typeof mount>>;
let app: Mounted | undefined;
afterEach(() => {
  app?.unmount();
  app = undefined;
});

/** A diff of 90 lines: "needle" on lines 20, 50 and 80 (1-based), "Quit" on line 40. */
function diffLines(): string[] {
  const lines = ['diff --git a/src/a.ts b/src/a.ts', '--- a/src/a.ts', '+++ b/src/a.ts'];
  for (let i = 4; i <= 90; i++) {
    if (i % 30 === 20) lines.push(`+const needle${i} = ${i};`);
    else if (i === 40) lines.push('+// Quit here');
    else lines.push(` line ${i}`);
  }
  return lines;
}

async function openDiff(): Promise<Mounted> {
  app = await mount({ rows: 30 });
  app.store.dispatch({ type: 'diff/open', taskId: 1, title: 'Task 1 demo', lines: diffLines() });
  await app.press('');
  expect(app.frame()).toContain('lines 1–');
  return app;
}

/** The first line of the view, read from the title ("lines 20–47 of 90"). */
function topLine(frame: string): number {
  const m = /lines (\d+)–\d+ of 90/.exec(frame);
  if (!m) throw new Error(`no diff title in:\n${frame}`);
  return Number(m[1]);
}

describe('diff view search', () => {
  it('/ opens a query line; Enter moves the view to the first line holding the text', async () => {
    const a = await openDiff();
    await a.press('/');
    expect(a.frame()).toContain('Enter search');
    await a.press('needle');
    expect(a.frame()).toContain('/needle');
    await a.press(KEY.enter);
    expect(topLine(a.frame())).toBe(20);
    expect(a.frame()).toContain('match 1 of 3');
    expect(a.frame()).not.toContain('Enter search');
  });

  it('n and N go to the next and previous match, wrapping around', async () => {
    const a = await openDiff();
    await a.press('/', 'NEEDLE', KEY.enter);
    expect(topLine(a.frame())).toBe(20);
    await a.press('n');
    expect(topLine(a.frame())).toBe(50);
    expect(a.frame()).toContain('match 2 of 3');
    await a.press('n');
    expect(topLine(a.frame())).toBe(80);
    await a.press('n');
    expect(topLine(a.frame())).toBe(20);
    expect(a.frame()).toContain('wrapped to the top');
    await a.press('N');
    expect(topLine(a.frame())).toBe(80);
    expect(a.frame()).toContain('wrapped to the bottom');
    await a.press('N');
    expect(topLine(a.frame())).toBe(50);
  });

  it('keys typed into the query line are text, not diff commands (q, G, n do not act)', async () => {
    const a = await openDiff();
    await a.press('/', 'q', 'G', 'n');
    expect(a.frame()).toContain('/qGn');
    expect(topLine(a.frame())).toBe(1);
    await a.press(KEY.backspace, KEY.backspace, KEY.backspace, 'Quit', KEY.enter);
    expect(topLine(a.frame())).toBe(40);
  });

  it('Esc on the query line closes only the line; the diff stays where it was', async () => {
    const a = await openDiff();
    await a.press('/', 'needle', KEY.esc);
    expect(a.frame()).not.toContain('/needle');
    expect(topLine(a.frame())).toBe(1);
    await a.press(KEY.esc);
    expect(a.store.getState().overlay).toBeNull();
  });

  it('a query with no match says so and leaves the view; n before any search says how to start', async () => {
    const a = await openDiff();
    await a.press('n');
    expect(topLine(a.frame())).toBe(1);
    expect(a.store.getState().overlay).toMatchObject({ search: { note: 'no search yet: press / to search' } });
    await a.press('j', 'j', '/', 'haystack', KEY.enter);
    expect(topLine(a.frame())).toBe(3);
    expect(a.frame()).toContain('/haystack: no match');
  });

  it('/ again offers the last query, and Enter finds it again', async () => {
    const a = await openDiff();
    await a.press('/', 'needle', KEY.enter, 'n', '/');
    expect(a.frame()).toContain('/needle');
    await a.press(KEY.enter);
    expect(topLine(a.frame())).toBe(50);
  });

  it('every occurrence of the query in a line is marked in reverse video, whatever its case', () => {
    const parts = highlight('+Needle and needle.', 'needle') as ReactElement<{ inverse?: boolean; children: string }>[];
    expect(parts.map((p) => (typeof p === 'string' ? p : `[${p.props.children}]`)).join('')).toBe(
      '+[Needle] and [needle].',
    );
    expect(parts.filter((p) => typeof p !== 'string').every((p) => p.props.inverse)).toBe(true);
    expect(highlight('no match here', 'needle')).toBe('no match here');
  });
});
