import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogPager, type LogRange, type PageLimits } from '../../src/tasks/log-pager.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vo-pager-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Every non-empty line shows one entry: its text (and whether it was cut). */
const pager = (maxLineBytes = 1024 * 1024) =>
  new LogPager((l) => (l.text === '' ? [] : [{ text: l.text, truncated: l.truncated }]), maxLineBytes);
const limits = (maxEntries: number): PageLimits => ({ maxEntries, maxChars: 1e9, maxScanBytes: 1e12 });

function write(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

/** All lines of `range`, read as pages of `n` entries backwards from the end. */
async function backwards(p: LogPager<{ text: string }>, range: LogRange, n: number) {
  const pages: { offset: number; text: string }[][] = [];
  let pos = range.end;
  for (;;) {
    const r = await p.before(range, pos, p.budget(limits(n)));
    pages.unshift(r.lines.map((l) => ({ offset: l.offset, text: l.entries.map((e) => e.text).join('|') })));
    if (r.reachedEdge) break;
    expect(r.from).toBeLessThan(pos);
    pos = r.from;
  }
  return pages.flat();
}

/** All lines of `range`, read as pages of `n` entries forwards from the start. */
async function forwards(p: LogPager<{ text: string }>, range: LogRange, n: number) {
  const out: { offset: number; text: string }[] = [];
  let pos = range.start;
  for (;;) {
    const r = await p.after(range, pos, p.budget(limits(n)));
    out.push(...r.lines.map((l) => ({ offset: l.offset, text: l.entries.map((e) => e.text).join('|') })));
    if (r.reachedEdge) break;
    expect(r.to).toBeGreaterThan(pos);
    pos = r.to;
  }
  return out;
}

describe('LogPager', () => {
  it('pages backwards and forwards give the same lines with their offsets (CRLF, empty lines, no final newline)', async () => {
    const content = 'one\r\ntwo\n\nthree\r\n\r\nfour\nfive';
    const path = write('a.log', content);
    const range = { path, start: 0, end: Buffer.byteLength(content) };
    const expected = [
      { offset: 0, text: 'one' },
      { offset: 5, text: 'two' },
      { offset: 10, text: 'three' },
      { offset: 19, text: 'four' },
      { offset: 24, text: 'five' },
    ];
    for (const n of [1, 2, 3, 10]) {
      expect(await backwards(pager(), range, n)).toEqual(expected);
      expect(await forwards(pager(), range, n)).toEqual(expected);
    }
  });

  it('the newest page holds the newest lines and says where it starts', async () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i}`);
    const content = `${lines.join('\n')}\n`;
    const path = write('b.log', content);
    const p = pager();
    const r = await p.before({ path, start: 0, end: content.length }, content.length, p.budget(limits(10)));
    expect(r.lines.map((l) => l.entries[0]!.text)).toEqual(lines.slice(90));
    expect(r.from).toBe(content.indexOf('line 90'));
    expect(r.to).toBe(content.length);
    expect(r.reachedEdge).toBe(false);
  });

  it('a range inside a file (one run of several) is read only within its bounds', async () => {
    const content = 'run1 a\nrun1 b\nrun2 a\nrun2 b\n';
    const path = write('c.log', content);
    const start = content.indexOf('run2');
    const range = { path, start, end: content.length };
    expect((await backwards(pager(), range, 1)).map((l) => l.text)).toEqual(['run2 a', 'run2 b']);
    const first = { path, start: 0, end: start };
    expect((await forwards(pager(), first, 1)).map((l) => l.text)).toEqual(['run1 a', 'run1 b']);
  });

  it('lines longer than the read size and the line cap: found by offset, cut like the live path', async () => {
    const huge = 'h'.repeat(600 * 1024);
    const content = `before\n${huge}\nafter\n`;
    const path = write('d.log', content);
    const range = { path, start: 0, end: content.length };
    const p = pager(1000);
    const back = await backwards(p, range, 1);
    expect(back.map((l) => l.offset)).toEqual([0, 7, 7 + huge.length + 1]);
    expect(back[1]!.text).toHaveLength(1000);
    expect(await forwards(p, range, 1)).toEqual(back);
    const r = await p.before(range, content.length, p.budget(limits(5)));
    expect(r.lines[1]!.entries[0]).toEqual({ text: 'h'.repeat(1000), truncated: true });
  });

  it('a growing log: the unfinished last line is left out (it arrives later, whole)', async () => {
    const content = 'done 1\ndone 2\nhalf of a li';
    const path = write('e.log', content);
    const range = { path, start: 0, end: content.length, growing: true };
    const p = pager();
    const newest = await p.before(range, content.length, p.budget(limits(10)));
    expect(newest.lines.map((l) => l.entries[0]!.text)).toEqual(['done 1', 'done 2']);
    expect(newest.to).toBe(content.indexOf('half'));
    const after = await p.after(range, 0, p.budget(limits(10)));
    expect(after.lines.map((l) => l.entries[0]!.text)).toEqual(['done 1', 'done 2']);
    expect(after.to).toBe(content.indexOf('half'));
    expect(after.reachedEdge).toBe(true);
  });

  it('lines that show nothing are skipped, and the scan budget stops a page that finds nothing', async () => {
    const content = `${'\n'.repeat(5000)}shown\n${'\n'.repeat(5000)}`;
    const path = write('f.log', content);
    const range = { path, start: 0, end: content.length };
    const p = pager();
    const all = await p.before(range, content.length, p.budget(limits(10)));
    expect(all.lines.map((l) => l.entries[0]!.text)).toEqual(['shown']);
    expect(all.reachedEdge).toBe(true);
    const short = await p.after(range, 0, p.budget({ maxEntries: 10, maxChars: 1e9, maxScanBytes: 100 }));
    expect(short.lines).toEqual([]);
    expect(short.reachedEdge).toBe(false);
    expect(short.to).toBeGreaterThan(0);
  });

  it('a missing log is an empty range', async () => {
    const p = pager();
    const r = await p.before({ path: join(dir, 'nope.log'), start: 0, end: 0 }, 0, p.budget(limits(5)));
    expect(r).toEqual({ lines: [], from: 0, to: 0, reachedEdge: true });
  });
});
