// Task engine benchmark: `node --import tsx bench/tasks.bench.ts` (npm run bench:tasks).
// Prints one JSON object per metric: {"bench":"tasks","metric":…,"value":…,"unit":…}; the ingest
// metrics are named by workload (text_lines_per_s, stream_json_lines_per_s, stream_json_lines_event_loop_delay_p99_ms…).
//
// 1. Ingest, twice (100-byte text lines, then 100-byte stream-json lines): 10 concurrent tasks × 100,000 lines of 100 bytes (command backend running the
//    fixture agent as fast as it can). Every line must be in the log files (counted at the end)
//    and parsed by the manager (counted via the output sequence numbers). Wall-clock lines/s,
//    CPU seconds of this process, peak RSS, event-loop delay p50/p99.
// 2. A 50 MB line without a newline: RSS growth of this process while ingesting it.
// Set BENCH_TASKS / BENCH_LINES to change the ingest size.
import { createReadStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { TaskManager as TaskManagerClass } from '../src/tasks/task-manager.js';
import type { TaskRecord } from '../src/tasks/types.js';

// BENCH_TASK_MANAGER=/abs/path/to/compiled/tasks/task-manager.js measures a tsc build instead of
// the sources through tsx (tsx's keepNames wraps every closure creation in a `__name` call).
const { TaskManager } = (await import(process.env.BENCH_TASK_MANAGER || '../src/tasks/task-manager.js')) as {
  TaskManager: typeof TaskManagerClass;
};
type TaskManager = TaskManagerClass;

const here = dirname(fileURLToPath(import.meta.url));
const FAKE_AGENT = resolve(here, '../test/fixtures/fake-agent.mjs');

const TASKS = Number(process.env.BENCH_TASKS ?? 10);
const LINES = Number(process.env.BENCH_LINES ?? 100_000);
const LINE_BYTES = 100;

function emit(metric: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(
    `${JSON.stringify({ bench: 'tasks', metric, value: Math.round(value * 1000) / 1000, unit, ...extra })}\n`,
  );
}

async function countLines(path: string): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const buf = chunk as Buffer;
    let i = -1;
    while ((i = buf.indexOf(10, i + 1)) !== -1) n++;
  }
  return n;
}

function waitAll(m: TaskManager, ids: number[]): Promise<TaskRecord[]> {
  return new Promise((res) => {
    const done = new Map<number, TaskRecord>();
    const check = (t: TaskRecord): void => {
      if (!ids.includes(t.id)) return;
      done.set(t.id, t);
      if (done.size === ids.length) {
        m.off('finished', check);
        res(ids.map((id) => done.get(id) as TaskRecord));
      }
    };
    m.on('finished', check);
  });
}

/** One small task first, so module loading and JIT warm-up are not measured as ingest stalls. */
async function warmUp(root: string): Promise<void> {
  const dir = join(root, 'warm-up');
  mkdirSync(dir, { recursive: true });
  const m = new TaskManager({
    stateDir: join(root, 'state-warm-up'),
    roots: [root],
    backend: 'command',
    commandArgv: [process.execPath, FAKE_AGENT, '--lines', '2000', '--format', 'json'],
  });
  await m.start();
  // The manager's timers and the detached agent do not hold the process open.
  const keepAlive = setInterval(() => {}, 1000);
  const r = await m.spawn({ name: 'warm-up', prompt: 'x', projectDir: dir });
  if (!r.ok) throw new Error(r.message);
  await waitAll(m, [r.value.id]);
  clearInterval(keepAlive);
  await m.shutdown('keep');
}

async function ingest(root: string, format: 'text' | 'json'): Promise<void> {
  const m = new TaskManager({
    stateDir: join(root, `state-ingest-${format}`),
    roots: [root],
    backend: 'command',
    commandArgv: [
      process.execPath,
      FAKE_AGENT,
      '--lines',
      String(LINES),
      '--line-bytes',
      String(LINE_BYTES),
      '--format',
      format,
    ],
    maxConcurrent: TASKS,
  });
  await m.start();
  let parsed = 0;
  m.on('output', (_id, entries) => {
    parsed += entries.length;
  });
  // Every metric of this run starts with its workload's name: text_lines_… (what the previous
  // product ingested) or stream_json_lines_… (every line goes through JSON.parse), e.g.
  // text_lines_per_s and stream_json_lines_per_s.
  const workload = format === 'text' ? 'text_lines' : 'stream_json_lines';
  const emitW = (metric: string, value: number, unit: string, extra: Record<string, unknown> = {}) =>
    emit(metric === 'lines_per_s' ? `${workload}_per_s` : `${workload}_${metric}`, value, unit, { workload, ...extra });
  const keepAlive = setInterval(() => {}, 1000);
  let peakRss = process.memoryUsage().rss;
  const rssTimer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 20);
  const h = monitorEventLoopDelay({ resolution: 5 });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  h.enable();
  const ids: number[] = [];
  for (let i = 0; i < TASKS; i++) {
    const dir = join(root, `${format}-p${i}`);
    mkdirSync(dir, { recursive: true });
    const r = await m.spawn({ name: `bench ${i}`, prompt: 'x', projectDir: dir });
    if (!r.ok) throw new Error(r.message);
    ids.push(r.value.id);
  }
  const finished = await waitAll(m, ids);
  const wall = (performance.now() - t0) / 1000;
  h.disable();
  const cpu = process.cpuUsage(cpu0);
  clearInterval(rssTimer);
  clearInterval(keepAlive);
  let onDisk = 0;
  for (const id of ids) onDisk += await countLines(m.logPath(id));
  const ingested = m.ingestedLines;
  const expected = TASKS * LINES;
  const bad = finished.filter((t) => t.status !== 'completed').length;
  emitW('lines_total_on_disk', onDisk, 'lines', { expected });
  emitW('lines_parsed', ingested, 'lines', { expected, delivered_in_events: parsed });
  emitW('tasks_not_completed', bad, 'tasks');
  emitW('lines_per_s', expected / wall, 'lines/s', { target: 480_000 });
  emitW('wall_s', wall, 's');
  emitW('cpu_seconds', (cpu.user + cpu.system) / 1e6, 's', { user: cpu.user / 1e6, system: cpu.system / 1e6 });
  emitW('peak_rss_mb', peakRss / 2 ** 20, 'MiB');
  emitW('event_loop_delay_p50_ms', h.percentile(50) / 1e6, 'ms');
  emitW('event_loop_delay_p99_ms', h.percentile(99) / 1e6, 'ms', { target: 30 });
  emitW('event_loop_delay_max_ms', h.max / 1e6, 'ms');
  await m.shutdown('keep');
}

async function hugeLine(root: string): Promise<void> {
  const dir = join(root, 'huge');
  mkdirSync(dir, { recursive: true });
  const m = new TaskManager({
    stateDir: join(root, 'state-huge'),
    roots: [root],
    backend: 'command',
    commandArgv: [process.execPath, FAKE_AGENT, '--no-newline-bytes', String(50 * 1024 * 1024)],
  });
  await m.start();
  const keepAlive = setInterval(() => {}, 1000);
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const rssTimer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  const r = await m.spawn({ name: 'huge', prompt: 'x', projectDir: dir });
  if (!r.ok) throw new Error(r.message);
  const [t] = await waitAll(m, [r.value.id]);
  peak = Math.max(peak, process.memoryUsage().rss);
  clearInterval(rssTimer);
  clearInterval(keepAlive);
  const tail = m.tail(r.value.id);
  emit('huge_line_entries', tail.length, 'entries', {
    truncated: tail.filter((e) => e.truncated).length,
    status: t?.status,
  });
  emit('rss_growth_mb', (peak - base) / 2 ** 20, 'MiB', { target: 64 });
  await m.shutdown('keep');
}

const root = mkdtempSync(join(tmpdir(), 'vo-bench-tasks-'));
try {
  await warmUp(root);
  // The comparison workload (plain text lines, as the previous product ingested), then stream-json lines.
  await ingest(root, 'text');
  await ingest(root, 'json');
  await hugeLine(root);
} finally {
  rmSync(root, { recursive: true, force: true });
}
