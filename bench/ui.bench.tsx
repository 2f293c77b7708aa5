/**
 * UI benchmark (`npm run bench:ui`), one JSON object per metric:
 * - cold start of the built binary to its first frame, in a private tmux server (5 runs), beside the
 *   first frame of a minimal Ink app (bench/minimal-ink.mjs) in the same run, and their ratio;
 * - under load: 20 fixture tasks each printing 2,000 lines/s for 30 s, with the real TaskManager,
 *   store, bindings and <App/> rendering into an in-memory terminal: event-loop delay p50/p99,
 *   frames per second written, peak RSS, and lines lost on disk.
 * Env: UI_BENCH_SECONDS (default 30), UI_BENCH_TASKS (20), UI_BENCH_RATE (2000); for finding where time
 * goes: UI_BENCH_PROBE=engine|store (no rendering), UI_BENCH_NO_TAIL=1, UI_BENCH_SKIP_COLD=1, UI_BENCH_SKIP_LOAD=1,
 * UI_BENCH_STORE_MS / UI_BENCH_FPS (store coalescing and Ink's frame cap), UI_BENCH_DUMP=1 (last frame).
 * Run with NODE_ENV=production (the npm script does) to measure React's production build, as shipped.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import React from 'react';
import { render } from 'ink';
import { TaskManager } from '../src/tasks/task-manager.js';
import { createDispatcher } from '../src/commands/index.js';
import type { CommandContext } from '../src/commands/types.js';
import { bindTaskManager, bindNoticeExpiry, createAppStore } from '../src/state/index.js';
import { App } from '../src/components/App.js';
import { SCREEN_MAX_FPS } from '../src/components/render-options.js';
import { FrameTerminal, KeyStdin, percentile } from './ink-terminal.js';

const ROOT = new URL('..', import.meta.url).pathname;
const CLI = join(ROOT, 'dist', 'cli.js');
const MINIMAL_INK = join(ROOT, 'bench', 'minimal-ink.mjs');
const FAKE_AGENT = join(ROOT, 'test', 'fixtures', 'fake-agent.mjs');
const SECONDS = Number(process.env.UI_BENCH_SECONDS ?? 30);
const TASKS = Number(process.env.UI_BENCH_TASKS ?? 20);
const RATE = Number(process.env.UI_BENCH_RATE ?? 2000);

function emit(metric: string, value: number, extra: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ bench: 'ui', metric, value: Math.round(value * 100) / 100, ...extra })}\n`);
}

/** Milliseconds from starting `command` in a fresh tmux pane to `ready` on its screen (NaN after 20 s). */
async function firstFrameMs(command: (dir: string) => string, ready: RegExp, i: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'vo-bench-ui-'));
  const sock = `vo-bench-${process.pid}-${i}`;
  const tmux = (...args: string[]) =>
    execFileSync('tmux', ['-L', sock, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  const t0 = performance.now();
  tmux('new-session', '-d', '-s', 'app', '-x', '120', '-y', '40', '-c', dir, `${command(dir)}; sleep 60`);
  let ms = NaN;
  for (;;) {
    const screen = tmux('capture-pane', '-p', '-t', 'app');
    if (ready.test(screen)) {
      ms = performance.now() - t0;
      break;
    }
    if (performance.now() - t0 > 20_000) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  tmux('kill-server');
  return ms;
}

async function coldStart(): Promise<void> {
  const runs: number[] = [];
  const minimal: number[] = [];
  for (let i = 0; i < 5; i++) {
    // The same run measures a minimal Ink app (one line of text) as the yardstick, alternating
    // with voice-orch so both see the same machine load.
    minimal.push(await firstFrameMs(() => `node ${MINIMAL_INK}`, /minimal ink ready/, 100 + i));
    runs.push(
      await firstFrameMs(
        (dir) =>
          `env -u CI -u CONTINUOUS_INTEGRATION -u OPENAI_API_KEY node ${CLI} --no-audio --state-dir ${join(dir, 'state')}`,
        /No tasks yet/,
        i,
      ),
    );
  }
  const sorted = [...runs].sort((a, b) => a - b);
  emit('cold_start_first_frame_ms_p50', percentile(sorted, 50), { runs: runs.map(Math.round), target: 600 });
  emit('cold_start_first_frame_ms_max', sorted.at(-1)!, { target: 600 });
  const minSorted = [...minimal].sort((a, b) => a - b);
  emit('minimal_ink_first_frame_ms_p50', percentile(minSorted, 50), { runs: minimal.map(Math.round) });
  emit('cold_start_ratio_to_minimal_ink', percentile(sorted, 50) / percentile(minSorted, 50), { target: 1.5 });
}

async function underLoad(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vo-bench-load-'));
  const projects = join(dir, 'projects');
  for (let i = 1; i <= TASKS; i++) mkdirSync(join(projects, `p${i}`), { recursive: true });
  const linesPerTask = RATE * SECONDS;
  const tasks = new TaskManager({
    stateDir: join(dir, 'state'),
    roots: [projects],
    maxConcurrent: TASKS,
    backend: 'command',
    commandArgv: [
      process.execPath,
      FAKE_AGENT,
      '--lines',
      String(linesPerTask),
      '--rate',
      String(RATE),
      '--format',
      'json',
    ],
  });
  await tasks.start();
  const store = createAppStore({ model: 'gpt-realtime', intervalMs: Number(process.env.UI_BENCH_STORE_MS ?? 33) });
  const ctx: CommandContext = { tasks, store, quit: () => {} };
  const commands = createDispatcher(ctx);
  const unbinds = [bindTaskManager(store, tasks), bindNoticeExpiry(store)];
  const term = new FrameTerminal();
  term.keepTail = Boolean(process.env.UI_BENCH_DUMP);
  // UI_BENCH_PROBE=engine|store measures the task engine alone or with the store, without rendering.
  const probe = process.env.UI_BENCH_PROBE;
  if (probe === 'engine') for (const u of unbinds.splice(0)) u();
  const ink = probe
    ? { unmount() {} }
    : render(<App store={store} commands={commands} />, {
        stdout: term as unknown as NodeJS.WriteStream,
        stdin: new KeyStdin() as unknown as NodeJS.ReadStream,
        exitOnCtrlC: false,
        patchConsole: false,
        maxFps: Number(process.env.UI_BENCH_FPS ?? SCREEN_MAX_FPS),
      });

  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const rssTimer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const framesBefore = term.frames;
  const t0 = performance.now();

  for (let i = 1; i <= TASKS; i++) {
    const r = await tasks.spawn({ name: `load-${i}`, prompt: 'print lines', projectDir: `p${i}`, backend: 'command' });
    if (!r.ok) throw new Error(r.message);
  }
  // Switch views half-way so the tail view renders under load too (UI_BENCH_NO_TAIL=1 skips it).
  setTimeout(
    () => {
      if (process.env.UI_BENCH_NO_TAIL) return;
      const first = tasks.list()[0];
      if (first) store.dispatch({ type: 'select/set', taskId: first.id });
      void commands.press('get_task_status').catch(() => {});
    },
    (SECONDS * 1000) / 2,
  );

  await new Promise<void>((resolve) => {
    const check = setInterval(() => {
      if (tasks.list().every((t) => t.status !== 'running' && t.status !== 'queued')) {
        clearInterval(check);
        resolve();
      }
    }, 200);
  });
  const wallS = (performance.now() - t0) / 1000;
  delay.disable();
  clearInterval(rssTimer);
  const frames = term.frames - framesBefore;
  if (process.env.UI_BENCH_DUMP)
    process.stderr.write(`${term.last}\nbytes/frame ${Math.round(term.bytes / term.frames)}\n`);
  ink.unmount();
  for (const u of unbinds) u();
  await tasks.shutdown('cancel');

  let onDisk = 0;
  const logDir = join(dir, 'state', 'tasks');
  for (const f of readdirSync(logDir).filter((n) => n.endsWith('.ndjson'))) {
    const buf = readFileSync(join(logDir, f));
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) onDisk++;
  }
  const expected = TASKS * linesPerTask;
  const statuses = tasks.list().map((t) => t.status);
  emit('event_loop_delay_p50_ms', delay.percentile(50) / 1e6, { tasks: TASKS, rate: RATE, seconds: SECONDS });
  emit('event_loop_delay_p99_ms', delay.percentile(99) / 1e6, { target: 30 });
  emit('frames_per_s', frames / wallS, { frames, wall_s: Math.round(wallS * 10) / 10 });
  emit('peak_rss_mb', peakRss / 2 ** 20, { target: 300, rss_before_mb: Math.round(rssBefore / 2 ** 20) });
  emit('lines_lost_on_disk', expected - onDisk, {
    expected,
    on_disk: onDisk,
    completed: statuses.filter((s) => s === 'completed').length,
  });
}

if (!process.env.UI_BENCH_SKIP_COLD) await coldStart();
if (!process.env.UI_BENCH_SKIP_LOAD) await underLoad();
process.exit(0);
