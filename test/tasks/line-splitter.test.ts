import { describe, expect, it } from 'vitest';
import { LineSplitter, type SplitLine } from '../../src/tasks/line-splitter.js';

function feed(splitter: LineSplitter, chunks: (Buffer | string)[]): SplitLine[] {
  const out: SplitLine[] = [];
  for (const c of chunks) out.push(...splitter.push(typeof c === 'string' ? Buffer.from(c) : c));
  out.push(...splitter.end());
  return out;
}

/** Every way of cutting `buf` into 2 chunks, plus 1-byte chunks. */
function allSplits(buf: Buffer): Buffer[][] {
  const ways: Buffer[][] = [];
  for (let i = 0; i <= buf.length; i++) ways.push([buf.subarray(0, i), buf.subarray(i)]);
  ways.push([...buf].map((b) => Buffer.from([b])));
  return ways;
}

describe('LineSplitter', () => {
  it('splits on \\n and keeps empty lines', () => {
    expect(feed(new LineSplitter(), ['a\n\nbc\n'])).toEqual([
      { text: 'a', truncated: false, bytes: 1 },
      { text: '', truncated: false, bytes: 0 },
      { text: 'bc', truncated: false, bytes: 2 },
    ]);
  });

  it('emits a final line without newline only at end()', () => {
    const s = new LineSplitter();
    expect(s.push(Buffer.from('one\ntw'))).toEqual([{ text: 'one', truncated: false, bytes: 3 }]);
    expect(s.push(Buffer.from('o'))).toEqual([]);
    expect(s.end()).toEqual([{ text: 'two', truncated: false, bytes: 3 }]);
    expect(s.end()).toEqual([]);
  });

  it('drops \\r of CRLF, also when \\r and \\n arrive in different chunks', () => {
    const input = Buffer.from('a\r\nbb\r\n\r\nc\rd\n');
    const expected = [
      { text: 'a', truncated: false, bytes: 1 },
      { text: 'bb', truncated: false, bytes: 2 },
      { text: '', truncated: false, bytes: 0 },
      { text: 'c\rd', truncated: false, bytes: 3 },
    ];
    for (const chunks of allSplits(input)) expect(feed(new LineSplitter(), chunks)).toEqual(expected);
  });

  it('gives each line its file position when started at an offset (CRLF, cut lines, any chunking)', () => {
    const input = Buffer.from('a\r\nbbbbbbbbbbbb\n\r\nccc\r\nlast');
    const expected = [100, 103, 116, 118, 123];
    for (const chunks of allSplits(input)) {
      const lines = feed(new LineSplitter({ maxLineBytes: 4, startOffset: 100 }), chunks);
      expect(lines.map((l) => l.offset)).toEqual(expected);
      expect(lines.map((l) => input[(l.offset as number) - 100 - 1] ?? 0x0a)).toEqual(Array(5).fill(0x0a));
    }
    expect(feed(new LineSplitter(), ['a\nb\n']).every((l) => l.offset === undefined)).toBe(true);
  });

  it('decodes multi-byte UTF-8 split at every byte boundary', () => {
    const text = 'héllo — 日本語 🎉 done';
    const input = Buffer.from(`${text}\n${text}`);
    const len = Buffer.byteLength(text);
    for (const chunks of allSplits(input)) {
      expect(feed(new LineSplitter(), chunks)).toEqual([
        { text, truncated: false, bytes: len },
        { text, truncated: false, bytes: len },
      ]);
    }
  });

  it('caps a long line at maxLineBytes and counts all of its bytes', () => {
    const s = new LineSplitter({ maxLineBytes: 10 });
    const lines = feed(s, ['0123456789ABCDEF\nshort\n']);
    expect(lines).toEqual([
      { text: '0123456789', truncated: true, bytes: 16 },
      { text: 'short', truncated: false, bytes: 5 },
    ]);
    // Same across chunks.
    for (const chunks of allSplits(Buffer.from('0123456789ABCDEF\r\nshort\n'))) {
      expect(feed(new LineSplitter({ maxLineBytes: 10 }), chunks)).toEqual(lines);
    }
  });

  it('a line of exactly the cap is not truncated, also with CRLF', () => {
    for (const chunks of allSplits(Buffer.from('0123456789\r\n0123456789\n'))) {
      expect(feed(new LineSplitter({ maxLineBytes: 10 }), chunks)).toEqual([
        { text: '0123456789', truncated: false, bytes: 10 },
        { text: '0123456789', truncated: false, bytes: 10 },
      ]);
    }
  });

  it('does not cut a multi-byte character at the cap', () => {
    // "ab" + "日" (3 bytes) + "c": a 4-byte cap falls inside 日.
    for (const chunks of allSplits(Buffer.from('ab日c\n'))) {
      expect(feed(new LineSplitter({ maxLineBytes: 4 }), chunks)).toEqual([{ text: 'ab', truncated: true, bytes: 6 }]);
    }
    expect(feed(new LineSplitter({ maxLineBytes: 5 }), ['ab日c\n'])).toEqual([
      { text: 'ab日', truncated: true, bytes: 6 },
    ]);
  });

  it('a 50 MB line without newline in 64 KiB chunks keeps at most the cap buffered and yields one truncated line', () => {
    const cap = 1024 * 1024;
    const s = new LineSplitter({ maxLineBytes: cap });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const total = 50 * 1024 * 1024;
    let maxBuffered = 0;
    const lines: SplitLine[] = [];
    for (let sent = 0; sent < total; sent += chunk.length) {
      lines.push(...s.push(chunk));
      maxBuffered = Math.max(maxBuffered, s.bufferedBytes);
    }
    expect(lines).toEqual([]);
    expect(maxBuffered).toBe(cap);
    lines.push(...s.push(Buffer.from('tail\nnext\n')));
    expect(s.bufferedBytes).toBe(0);
    expect(lines).toHaveLength(2);
    expect(lines[0]?.truncated).toBe(true);
    expect(lines[0]?.bytes).toBe(total + 4);
    expect(lines[0]?.text.length).toBe(cap);
    expect(lines[0]?.text).toBe('a'.repeat(cap));
    expect(lines[1]).toEqual({ text: 'next', truncated: false, bytes: 4 });
  });

  it('a 50 MB line ending at end() is also one truncated line', () => {
    const s = new LineSplitter({ maxLineBytes: 1000 });
    const chunk = Buffer.alloc(64 * 1024, 0x62);
    for (let i = 0; i < 800; i++) expect(s.push(chunk)).toEqual([]);
    expect(s.bufferedBytes).toBeLessThanOrEqual(1000);
    const [line, ...rest] = s.end();
    expect(rest).toEqual([]);
    expect(line).toEqual({ text: 'b'.repeat(1000), truncated: true, bytes: 800 * 64 * 1024 });
  });

  it('does not keep references to input chunks (partial lines are copied)', () => {
    const s = new LineSplitter();
    const chunk = Buffer.from('partial');
    s.push(chunk);
    chunk.fill(0x7a);
    expect(s.end()).toEqual([{ text: 'partial', truncated: false, bytes: 7 }]);
  });

  it('binary junk becomes replacement characters, never an exception, and newlines still split', () => {
    const junk = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x0a, 0xc3, 0x0a, 0xe2, 0x82]);
    const lines = feed(new LineSplitter(), [junk]);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toEqual({ text: '\ufffd\ufffd\u0000\ufffd', truncated: false, bytes: 4 });
    expect(lines[1]).toEqual({ text: '\ufffd', truncated: false, bytes: 1 });
    expect(lines[2]?.bytes).toBe(2);
    expect(lines[2]?.text).toMatch(/^\ufffd+$/);
  });

  it('passes ANSI escapes through untouched (display strips them later)', () => {
    expect(feed(new LineSplitter(), ['\x1b[31mred\x1b[0m\n'])).toEqual([
      { text: '\x1b[31mred\x1b[0m', truncated: false, bytes: 12 },
    ]);
  });

  it('handles many lines in one chunk and a chunk that is only newlines', () => {
    const n = 10_000;
    const body = Array.from({ length: n }, (_, i) => `line ${i}`).join('\n') + '\n';
    const lines = feed(new LineSplitter(), [body]);
    expect(lines).toHaveLength(n);
    expect(lines[9999]?.text).toBe('line 9999');
    expect(feed(new LineSplitter(), ['\n\n\n']).map((l) => l.text)).toEqual(['', '', '']);
  });

  it('ignores empty chunks and bad options', () => {
    const s = new LineSplitter({ maxLineBytes: -5 });
    expect(s.push(Buffer.alloc(0))).toEqual([]);
    expect(feed(s, ['x'.repeat(2000) + '\n'])[0]?.truncated).toBe(false);
  });
});
