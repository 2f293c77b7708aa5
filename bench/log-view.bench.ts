// Log view benchmark: `node --import tsx bench/log-view.bench.ts` (npm run bench:log).
// Prints one JSON object: {"bench":"log-view","metric":"rss_growth_mb","value":…,"unit":"MB"}.
//
// An 88 MB stream-json log of a finished task; the log view is opened the way the Enter key
// does it (the real command, state and task engine), scrolled 12,000 entries up, back down and
// to the end. The metric is the growth of this process's peak RSS over its RSS before opening
// (after the same walk over an 8 MB log, so compiling the code is not counted).
// BENCH_LOG_MB changes the log size.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TaskManager } from '../src/tasks/task-manager.js';
import type { TaskRecord } from '../src/tasks/types.js';
import { gcFn, openLogView, writeBigLog } from '../test/tasks/log-view.fixture.js';

const here = dirname(fileURLToPath(import.meta.url));
const FAKE_AGENT = resolve(here, '../test/fixtures/fake-agent.mjs');
const LOG_MB = Number(process.env.BENCH_LOG_MB ?? 88);

/** Opens the log view, scrolls 12,000 entries up, back down, and follows the end again. */
async function viewAround(view: ReturnType<typeof openLogView>): Promise<void> {
  await view.open();
  for (let i = 0; i < 12; i++) await view.scroll(1000);
  for (let i = 0; i < 12; i++) await view.scroll(-1000);
  await view.follow();
}

const root = mkdtempSync(join(tmpdir(), 'vo-bench-log-'));
const m = new TaskManager({
  stateDir: join(root, '.state'),
  roots: [root],
  backend: 'command',
  commandArgv: [process.execPath, FAKE_AGENT, '--lines', '0'],
});
// The engine's timers and children do not keep the process alive; the benchmark does.
const keepAlive = setInterval(() => undefined, 1000);
try {
  await m.start();
  const finished = new Promise<TaskRecord>((res) => m.once('finished', res));
  const r = await m.spawn({ name: 'huge', prompt: 'x', projectDir: root });
  if (!r.ok) throw new Error(r.message);
  const task = await finished;
  writeBigLog(m.logPath(task.id), LOG_MB);
  // Warm up on a small log first: compiling the decoder and the view code is not the log's cost
  // (in the app that code has already run for live output before anyone opens a log).
  const r2 = await m.spawn({ name: 'small', prompt: 'x', projectDir: root });
  if (!r2.ok) throw new Error(r2.message);
  const small = await new Promise<TaskRecord>((res) => m.once('finished', res));
  writeBigLog(m.logPath(small.id), 8);
  await viewAround(openLogView(m, small));
  const gc = gcFn();
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((res) => setTimeout(res, 10));
  }
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  await viewAround(openLogView(m, task));
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  const value = Math.round(((peak - base) / (1024 * 1024)) * 10) / 10;
  process.stdout.write(
    `${JSON.stringify({ bench: 'log-view', metric: 'rss_growth_mb', value, unit: 'MB', log_mb: LOG_MB })}\n`,
  );
} finally {
  clearInterval(keepAlive);
  await m.shutdown('keep');
  rmSync(root, { recursive: true, force: true });
}
