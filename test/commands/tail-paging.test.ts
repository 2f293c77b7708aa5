import { describe, expect, it } from 'vitest';
import { followTail, loadNewestPage, scrollTail } from '../../src/commands/tail-paging.js';
import { createInitialState, reducer } from '../../src/state/reducer.js';
import { createStore } from '../../src/state/store.js';
import { TAIL_LOG_MAX } from '../../src/state/tail-window.js';
import { entry, FakeTasks, task } from './fakes.js';

function setup(count: number) {
  const t = task({ id: 1, name: 'long', status: 'completed' });
  const tasks = new FakeTasks([t]);
  tasks.logs.set(
    1,
    Array.from({ length: count }, (_, i) => entry(i, i % 3 === 0 ? 'error' : 'text', `entry ${i}`)),
  );
  const store = createStore(reducer, createInitialState({ tasks: [t] }), { sync: true });
  const ctx = { tasks, store };
  const bottom = (): string | undefined => {
    const s = store.getState();
    if (s.view.kind !== 'tail' || !s.tailLog) return undefined;
    const shown = s.view.filter === 'errors' ? s.tailLog.entries.filter((e) => e.kind === 'error') : s.tailLog.entries;
    return shown[shown.length - 1 - s.view.scroll]?.text;
  };
  return { tasks, store, ctx, bottom };
}

describe('log view paging', () => {
  it('opens on the newest page, reads older pages as it scrolls up, and newer ones on the way back', async () => {
    const { tasks, store, ctx, bottom } = setup(12_000);
    store.dispatch({ type: 'view/tail', taskId: 1 });
    await loadNewestPage(ctx, 1);
    expect(tasks.calls).toEqual(['readLogPage 1']);
    expect(store.getState().tailLog!.entries).toHaveLength(500);
    expect(bottom()).toBe('entry 11999');
    for (let i = 0; i < 10; i++) await scrollTail(ctx, 1000);
    expect(bottom()).toBe('entry 1999');
    const log = store.getState().tailLog!;
    expect(log.entries.length).toBeLessThanOrEqual(TAIL_LOG_MAX);
    expect(log.atEnd).toBe(false);
    expect(store.getState().view).toMatchObject({ follow: false });
    // Up to the first entry, and no further.
    await scrollTail(ctx, 5000);
    expect(bottom()).toBe('entry 0');
    expect(store.getState().tailLog!.atStart).toBe(true);
    for (let i = 0; i < 12; i++) await scrollTail(ctx, -1000);
    expect(bottom()).toBe('entry 11999');
    expect(store.getState().tailLog!.atEnd).toBe(true);
    expect(store.getState().view).toMatchObject({ scroll: 0, follow: true });
    // The window is always one run of consecutive entries.
    const nums = store.getState().tailLog!.entries.map((e) => Number(e.text.split(' ')[1]));
    nums.forEach((n, i) => i > 0 && expect(n).toBe(nums[i - 1]! + 1));
  });

  it('End reads the newest page again when the window left the end; live output then follows', async () => {
    const { tasks, store, ctx, bottom } = setup(12_000);
    store.dispatch({ type: 'view/tail', taskId: 1 });
    await loadNewestPage(ctx, 1);
    for (let i = 0; i < 8; i++) await scrollTail(ctx, 1000);
    expect(store.getState().tailLog!.atEnd).toBe(false);
    // Output that arrives while the window is elsewhere stays on disk for now.
    store.dispatch({
      type: 'task/output',
      taskId: 1,
      entries: [entry(12_000, 'text', 'entry 12000', { offset: 12_000 })],
    });
    tasks.logs.get(1)!.push(entry(12_000, 'text', 'entry 12000'));
    expect(store.getState().tailLog!.entries.some((e) => e.text === 'entry 12000')).toBe(false);
    tasks.calls = [];
    await followTail(ctx);
    expect(tasks.calls).toEqual(['readLogPage 1']);
    expect(bottom()).toBe('entry 12000');
    expect(store.getState().view).toMatchObject({ scroll: 0, follow: true });
    store.dispatch({
      type: 'task/output',
      taskId: 1,
      entries: [entry(12_001, 'text', 'entry 12001', { offset: 12_001 })],
    });
    expect(bottom()).toBe('entry 12001');
  });

  it('with a filter, scrolling up reads as many pages as it takes to find older matches', async () => {
    const { store, ctx, bottom } = setup(3_000);
    store.dispatch({ type: 'view/tail', taskId: 1 });
    await loadNewestPage(ctx, 1);
    store.dispatch({ type: 'tail/filter', filter: 'errors' });
    expect(bottom()).toBe('entry 2997');
    await scrollTail(ctx, 300);
    expect(bottom()).toBe('entry 2097');
  });

  it('a page read from an edge the window no longer has is dropped (no gap)', async () => {
    const { store, ctx } = setup(2_000);
    store.dispatch({ type: 'view/tail', taskId: 1 });
    await loadNewestPage(ctx, 1);
    const before = store.getState().tailLog!;
    store.dispatch({
      type: 'tail/paged',
      taskId: 1,
      direction: 'older',
      from: { runNo: 1, offset: 3 },
      page: {
        entries: [entry(0, 'text', 'entry 0', { offset: 0 })],
        start: { runNo: 1, offset: 0 },
        end: { runNo: 1, offset: 1 },
        atStart: true,
        atEnd: false,
        hasStderr: false,
      },
    });
    expect(store.getState().tailLog!.entries).toEqual(before.entries);
    expect(store.getState().tailLog!.atStart).toBe(false);
  });
});
