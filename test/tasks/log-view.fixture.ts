// A big stream-json log and the log view driven over it through the real command/state path:
// shared by test/tasks/log-view.test.ts and bench/log-view.bench.ts.
import { closeSync, openSync, writeSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { followTail, loadNewestPage, scrollTail } from '../../src/commands/tail-paging.js';
import { createInitialState, reducer } from '../../src/state/reducer.js';
import { createStore } from '../../src/state/store.js';
import type { TaskManagerPort, TaskRecord } from '../../src/tasks/types.js';

/** Every STATUS_EVERY-th line is a bookkeeping line that shows nothing; the others show "line N …". */
export const STATUS_EVERY = 7;

/**
 * Appends about `mb` MiB of stream-json lines to `path` (assistant texts of ~450 bytes numbered
 * from 1, and status lines that render nothing), written in 4 MiB blocks. Returns the number
 * of the last text line.
 */
export function writeBigLog(path: string, mb: number): number {
  const target = mb * 1024 * 1024;
  const pad = 'x'.repeat(400);
  const fd = openSync(path, 'a');
  let written = 0;
  let n = 0;
  let lastText = 0;
  try {
    while (written < target) {
      const parts: string[] = [];
      let size = 0;
      while (size < 4 * 1024 * 1024) {
        n++;
        const line =
          n % STATUS_EVERY === 0
            ? `{"type":"system","subtype":"status","n":${n}}\n`
            : `{"type":"assistant","message":{"role":"assistant","content":[{"type":"text","text":"line ${n} ${pad}"}]}}\n`;
        if (n % STATUS_EVERY !== 0) lastText = n;
        parts.push(line);
        size += line.length;
      }
      const buf = Buffer.from(parts.join(''));
      writeSync(fd, buf);
      written += buf.length;
    }
  } finally {
    closeSync(fd);
  }
  return lastText;
}

/** The line number an entry of {@link writeBigLog} shows. */
export function lineNo(text: string): number {
  return Number(/^line (\d+) /.exec(text)?.[1] ?? NaN);
}

/** A full garbage collection (exposed at run time when node was not started with --expose-gc). */
export function gcFn(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** The view's store over a real task engine, opened on `task` the way the Enter key does. */
export function openLogView(tasks: TaskManagerPort, task: TaskRecord) {
  const store = createStore(reducer, createInitialState({ tasks: [task] }), { sync: true });
  const ctx = { tasks, store };
  return {
    store,
    async open(): Promise<void> {
      store.dispatch({ type: 'view/tail', taskId: task.id });
      await loadNewestPage(ctx, task.id);
    },
    scroll: (delta: number) => scrollTail(ctx, delta),
    follow: () => followTail(ctx),
    /** The entry at the bottom edge of the view. */
    bottom() {
      const s = store.getState();
      const log = s.tailLog;
      if (!log || s.view.kind !== 'tail') return undefined;
      return log.entries[log.entries.length - 1 - s.view.scroll];
    },
  };
}

/** Samples live memory (heap + external, after a full GC) every `ms` while `work` runs; returns the peak growth in bytes. */
export async function peakLiveGrowth(work: () => Promise<void>, ms = 25): Promise<number> {
  const gc = gcFn();
  const live = (): number => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  // Freed buffers are released by finalizers after a GC: settle before taking the baseline.
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
  const base = live();
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, live());
  }, ms);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, live());
  if (process.env.DEBUG_LOG_VIEW) console.log({ base, peak, end: live() });
  return peak - base;
}
