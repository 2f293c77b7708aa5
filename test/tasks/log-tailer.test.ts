import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LogTailer } from '../../src/tasks/log-tailer.js';
import type { SplitLine } from '../../src/tasks/line-splitter.js';

const temps: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'vo-tail-'));
  temps.push(d);
  return d;
};
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

const until = async (fn: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 10));
  }
};

function collect(path: string, startOffset = 0, extra: Partial<ConstructorParameters<typeof LogTailer>[0]> = {}) {
  const lines: SplitLine[] = [];
  const offsets: number[] = [];
  const t = new LogTailer({
    path,
    startOffset,
    pollMs: 30,
    onLines: (l, end) => {
      lines.push(...l);
      offsets.push(end);
    },
    ...extra,
  });
  return { t, lines, offsets };
}

describe('LogTailer', () => {
  it('follows appends (file created later), joins lines split across writes, tracks the line-end offset', async () => {
    const path = join(tempDir(), 'log');
    const { t, lines, offsets } = collect(path);
    t.start();
    await new Promise((r) => setTimeout(r, 50));
    writeFileSync(path, 'one\ntw');
    await until(() => lines.length === 1);
    expect(t.offset).toBe(4);
    expect(t.position).toBe(6);
    appendFileSync(path, 'o\nthree\n');
    await until(() => lines.length === 3);
    expect(lines.map((l) => l.text)).toEqual(['one', 'two', 'three']);
    expect(offsets.at(-1)).toBe(14);
    appendFileSync(path, 'no newline at the end');
    await t.finish();
    expect(lines.at(-1)?.text).toBe('no newline at the end');
    expect(t.offset).toBe(35);
  });

  it('starts at an offset (a restart resumes after the last complete line)', async () => {
    const path = join(tempDir(), 'log');
    writeFileSync(path, 'old\nnew\n');
    const { t, lines } = collect(path, 4);
    t.start();
    await until(() => lines.length === 1);
    expect(lines[0]?.text).toBe('new');
    await t.stop();
    appendFileSync(path, 'after stop\n');
    await new Promise((r) => setTimeout(r, 100));
    expect(lines).toHaveLength(1);
    expect(t.offset).toBe(8);
  });

  it('caps a huge line in bounded chunks and reports it truncated; read errors go to onError', async () => {
    const path = join(tempDir(), 'log');
    writeFileSync(path, `${'z'.repeat(300_000)}\nsmall\n`);
    const { t, lines } = collect(path, 0, { maxLineBytes: 1000, chunkBytes: 4096 });
    await t.finish();
    expect(lines.map((l) => [l.text.length, l.truncated, l.bytes])).toEqual([
      [1000, true, 300_000],
      [5, false, 5],
    ]);
    const errors: Error[] = [];
    const dirAsFile = new LogTailer({
      path: join(path, '..'),
      startOffset: 0,
      onLines: () => undefined,
      onError: (e) => errors.push(e),
    });
    await dirAsFile.finish();
    expect(errors[0]?.message).toMatch(/EISDIR/);
  });

  it('a chunk that cannot be processed is an onError, and the shared slice queue keeps serving other tailers', async () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.log');
    const good = join(dir, 'good.log');
    writeFileSync(bad, 'a\n');
    writeFileSync(good, '');
    const errors: Error[] = [];
    const b = collect(bad, 0, { onError: (e) => errors.push(e) });
    // Stands for a failure inside the splitter (e.g. a string over V8's length limit).
    (b.t as unknown as { splitter: { push: () => never } }).splitter.push = () => {
      throw new Error('splitter broke');
    };
    b.t.start();
    await until(() => errors.length > 0);
    expect(errors[0]?.message).toBe('splitter broke');
    await b.t.stop();
    const g = collect(good);
    g.t.start();
    appendFileSync(good, 'still\nworks\n');
    await until(() => g.lines.length === 2);
    expect(g.lines.map((l) => l.text)).toEqual(['still', 'works']);
    await g.t.stop();
  });
});
