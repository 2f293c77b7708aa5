/**
 * Throughput of the task engine's stdout path: LineSplitter (bytes → lines) and
 * parseStreamJsonLine (line → events), for recorded Claude stream-json lines and for plain
 * 100-byte text lines. Prints one JSON line per figure; run with
 * `node --import tsx bench/stream-parse.bench.ts`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineSplitter } from '../src/tasks/line-splitter.js';
import { parseStreamJsonLine } from '../src/tasks/stream-json.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../test/fixtures/claude-cli');
const CHUNK = 64 * 1024;
const TARGET_BYTES = 64 * 1024 * 1024;

function recordedLines(): string[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.ndjson'))
    .sort()
    .flatMap((f) => readFileSync(join(FIXTURES, f), 'utf8').split('\n'))
    .filter((l) => l !== '');
}

function rawLines(): string[] {
  // 100 bytes each including the newline: a build log, with some non-ASCII and an ANSI colour.
  const out: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const head = `[${String(i).padStart(4, '0')}] \x1b[32mok\x1b[0m compiled módulo ${i % 7} `;
    out.push(head + 'x'.repeat(99 - Buffer.byteLength(head)));
  }
  return out;
}

/** The sample lines repeated to about TARGET_BYTES, cut into 64 KiB chunks. */
function chunksOf(lines: string[]): { chunks: Buffer[]; lines: number } {
  const one = Buffer.from(lines.join('\n') + '\n');
  const reps = Math.max(1, Math.round(TARGET_BYTES / one.length));
  const all = Buffer.concat(Array.from({ length: reps }, () => one));
  const chunks: Buffer[] = [];
  for (let i = 0; i < all.length; i += CHUNK) chunks.push(all.subarray(i, i + CHUNK));
  return { chunks, lines: reps * lines.length };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function benchSplit(chunks: Buffer[], expected: number): number {
  const rates: number[] = [];
  for (let run = 0; run < 5; run++) {
    const t0 = performance.now();
    const s = new LineSplitter();
    let n = 0;
    for (const c of chunks) n += s.push(c).length;
    n += s.end().length;
    const dt = (performance.now() - t0) / 1000;
    if (n !== expected) throw new Error(`split ${n} lines, expected ${expected}`);
    rates.push(n / dt);
  }
  return median(rates);
}

function benchParse(lines: string[], minLines: number): number {
  const rates: number[] = [];
  for (let run = 0; run < 5; run++) {
    let n = 0;
    let events = 0;
    const t0 = performance.now();
    while (n < minLines) {
      for (const l of lines) events += parseStreamJsonLine(l, false, '/home/dev/projects/x').length;
      n += lines.length;
    }
    const dt = (performance.now() - t0) / 1000;
    if (events < n) throw new Error('parser produced fewer events than lines');
    rates.push(n / dt);
  }
  return median(rates);
}

function print(metric: string, input: string, value: number, extra: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ bench: 'tasks', metric, value: Math.round(value), input, ...extra }));
}

const recorded = recordedLines();
const raw = rawLines();
const rec = chunksOf(recorded);
const txt = chunksOf(raw);
const avgRecorded = Math.round(Buffer.byteLength(recorded.join('\n')) / recorded.length);

print('split_lines_per_s', 'recorded_stream_json', benchSplit(rec.chunks, rec.lines), { avg_line_bytes: avgRecorded });
print('split_lines_per_s', 'raw_100_byte_text', benchSplit(txt.chunks, txt.lines), { avg_line_bytes: 100 });
print('parse_lines_per_s', 'recorded_stream_json', benchParse(recorded, 200_000), { avg_line_bytes: avgRecorded });
print('parse_lines_per_s', 'raw_100_byte_text', benchParse(raw, 2_000_000), { avg_line_bytes: 100 });
