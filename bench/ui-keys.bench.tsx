/**
 * Key-press-to-frame benchmark (`npm run bench:ui-keys`), one JSON object per metric.
 * UI_KEYS_TASKS fixture tasks (default 20) each print UI_KEYS_RATE lines/s (default 2,000) through
 * the real TaskManager, store, bindings and <App/> rendering into an in-memory terminal; every
 * UI_KEYS_GAP_MS (default 100) the bench presses ↓ or ↑ on a fake TTY stdin and times the press to
 * the first frame written after the selection changed in the store (the frame that shows it).
 * UI_KEYS_PRESSES (default 100). Run with NODE_ENV=production (the npm script does).
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
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
const FAKE_AGENT = join(ROOT, 'test', 'fixtures', 'fake-agent.mjs');
const TASKS = Number(process.env.UI_KEYS_TASKS ?? 20);
const RATE = Number(process.env.UI_KEYS_RATE ?? 2000);
const PRESSES = Number(process.env.UI_KEYS_PRESSES ?? 100);
const GAP_MS = Number(process.env.UI_KEYS_GAP_MS ?? 100);

const round = (v: number) => Math.round(v * 100) / 100;

const dir = mkdtempSync(join(tmpdir(), 'vo-bench-keys-'));
const projects = join(dir, 'projects');
for (let i = 1; i <= TASKS; i++) mkdirSync(join(projects, `p${i}`), { recursive: true });
// Enough lines that every task still runs when the last key is pressed.
const seconds = Math.ceil((PRESSES * GAP_MS) / 1000) + 10;
const tasks = new TaskManager({
  stateDir: join(dir, 'state'),
  roots: [projects],
  maxConcurrent: TASKS,
  backend: 'command',
  commandArgv: [
    process.execPath,
    FAKE_AGENT,
    '--lines',
    String(RATE * seconds),
    '--rate',
    String(RATE),
    '--format',
    'json',
  ],
});
await tasks.start();
// The product's store batching unless UI_KEYS_STORE_MS says otherwise (for comparing choices).
const storeMs = process.env.UI_KEYS_STORE_MS ? Number(process.env.UI_KEYS_STORE_MS) : undefined;
const store = createAppStore({ model: 'gpt-realtime', ...(storeMs === undefined ? {} : { intervalMs: storeMs }) });
const ctx: CommandContext = { tasks, store, quit: () => {} };
const commands = createDispatcher(ctx);
const unbinds = [bindTaskManager(store, tasks), bindNoticeExpiry(store)];
const term = new FrameTerminal();
const stdin = new KeyStdin();
const ink = render(<App store={store} commands={commands} />, {
  stdout: term as unknown as NodeJS.WriteStream,
  stdin: stdin as unknown as NodeJS.ReadStream,
  exitOnCtrlC: false,
  patchConsole: false,
  maxFps: SCREEN_MAX_FPS,
});

for (let i = 1; i <= TASKS; i++) {
  const r = await tasks.spawn({ name: `load-${i}`, prompt: 'print lines', projectDir: `p${i}`, backend: 'command' });
  if (!r.ok) throw new Error(r.message);
}
// Let every task start producing output before the first key.
await new Promise((r) => setTimeout(r, 1500));
// A middle row, so ↓ then ↑ both move the selection.
const middle = tasks.list()[Math.floor(TASKS / 2)];
if (middle) store.dispatch({ type: 'select/set', taskId: middle.id });
await new Promise((r) => setTimeout(r, 200));

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
// CPU time of this process per wall second and frames written: what the load costs, a figure
// that holds up better than latency when other work shares the cores.
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
const frames0 = term.frames;
const times: number[] = [];
let missed = 0;
for (let i = 0; i < PRESSES; i++) {
  const before = store.getState().selectedId;
  const down = i % 2 === 0;
  const ms = await new Promise<number>((resolve) => {
    const t0 = performance.now();
    const timeout = setTimeout(() => resolve(NaN), 2000);
    term.onFrame = () => {
      if (store.getState().selectedId === before) return;
      clearTimeout(timeout);
      resolve(performance.now() - t0);
    };
    stdin.press(down ? '\u001b[B' : '\u001b[A');
  });
  term.onFrame = () => {};
  if (Number.isNaN(ms)) missed++;
  else times.push(ms);
  await new Promise((r) => setTimeout(r, GAP_MS));
}
delay.disable();
const cpu = process.cpuUsage(cpu0);
const wallS = (performance.now() - wall0) / 1000;
const frames = term.frames - frames0;
ink.unmount();
for (const u of unbinds) u();
await tasks.shutdown('cancel');

const sorted = [...times].sort((a, b) => a - b);
const out = (metric: string, fields: Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify({ bench: 'ui-keys', metric, ...fields })}\n`);
out('key_to_frame_ms', {
  p50: round(percentile(sorted, 50)),
  p99: round(percentile(sorted, 99)),
  max: round(sorted.at(-1) ?? NaN),
  presses: PRESSES,
  missed,
  tasks: TASKS,
  rate: RATE,
  target_p99: 50,
});
out('event_loop_delay_ms', {
  p50: round(delay.percentile(50) / 1e6),
  p99: round(delay.percentile(99) / 1e6),
  tasks: TASKS,
  target_p99: 30,
});
out('main_thread_cpu_ms_per_s', { value: round((cpu.user + cpu.system) / 1000 / wallS), tasks: TASKS });
out('frames_per_s', { value: round(frames / wallS), frames, wall_s: round(wallS) });
process.exit(0);
