// The log view over a 100 MB log: it pages from disk by offset and holds a bounded window, so
// opening it, scrolling far up and back down and following again grows live memory by a few MB
// (reading the whole log into memory grew it by far more than the log's size).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TAIL_LOG_MAX } from '../../src/state/tail-window.js';
import { lineNo, openLogView, peakLiveGrowth, STATUS_EVERY, writeBigLog } from './log-view.fixture.js';
import { agentArgv, finished, makeWorld, type World } from './task-manager.fixture.js';

let w: World;
beforeEach(() => {
  w = makeWorld();
});
afterEach(async () => {
  await w.cleanup();
});

/** The text line `k` text lines before line `n` (status lines show nothing and are skipped). */
function textLineBefore(n: number, k: number): number {
  let x = n;
  for (let i = 0; i < k; i++) {
    x--;
    if (x % STATUS_EVERY === 0) x--;
  }
  return x;
}

describe('log view of a huge log', () => {
  it('reads the newest page, scrolls far up and back, and stays within 16 MB of memory growth', async () => {
    const m = w.make({ backend: 'command', commandArgv: agentArgv('--lines', '0') });
    await m.start();
    const r = await m.spawn({ name: 'huge', prompt: 'x', projectDir: w.dir('huge') });
    if (!r.ok) throw new Error(r.message);
    const task = await finished(m, r.value.id);
    const last = writeBigLog(m.logPath(task.id), 100);
    const view = openLogView(m, task);
    const seen: number[] = [];
    const growth = await peakLiveGrowth(async () => {
      await view.open();
      seen.push(lineNo(view.bottom()!.text));
      // Far beyond one window: older pages are read and the newest ones cut.
      for (let i = 0; i < 12; i++) {
        await view.scroll(1000);
        seen.push(lineNo(view.bottom()!.text));
      }
      expect(view.store.getState().tailLog!.atEnd).toBe(false);
      for (let i = 0; i < 12; i++) {
        await view.scroll(-1000);
        seen.push(lineNo(view.bottom()!.text));
      }
      await view.scroll(1000);
      await view.follow();
    });
    expect(seen[0]).toBe(last);
    for (let i = 1; i <= 12; i++) expect(seen[i]).toBe(textLineBefore(last, 1000 * i));
    for (let i = 1; i <= 12; i++) expect(seen[12 + i]).toBe(textLineBefore(last, 1000 * (12 - i)));
    const s = view.store.getState();
    expect(s.view).toMatchObject({ kind: 'tail', scroll: 0, follow: true });
    const log = s.tailLog!;
    expect(log.atEnd).toBe(true);
    expect(log.entries.length).toBeLessThanOrEqual(TAIL_LOG_MAX);
    // The window is one run of consecutive text lines ending at the newest.
    const nums = log.entries.map((e) => lineNo(e.text));
    expect(nums.at(-1)).toBe(last);
    for (let i = 1; i < nums.length; i++) expect(nums[i - 1]).toBe(textLineBefore(nums[i]!, 1));
    console.log(`log view: peak live memory growth ${(growth / 1048576).toFixed(1)} MB`);
    expect(growth).toBeLessThan(16 * 1024 * 1024);
  }, 120_000);
});
