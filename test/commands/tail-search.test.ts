import { describe, expect, it } from 'vitest';
import { loadNewestPage, scrollTail } from '../../src/commands/tail-paging.js';
import { searchTail, tailSearchKey } from '../../src/commands/tail-search.js';
import { createInitialState, reducer } from '../../src/state/reducer.js';
import { createStore } from '../../src/state/store.js';
import { TAIL_LOG_MAX } from '../../src/state/tail-window.js';
import { entry, FakeTasks, task } from './fakes.js';

function setup(texts: (i: number) => string, count = 12_000) {
  const t = task({ id: 1, name: 'long', status: 'completed' });
  const tasks = new FakeTasks([t]);
  tasks.logs.set(
    1,
    Array.from({ length: count }, (_, i) => entry(i, i % 3 === 0 ? 'error' : 'text', texts(i))),
  );
  const store = createStore(reducer, createInitialState({ tasks: [t] }), { sync: true });
  const ctx = { tasks, store };
  const bottom = (): string | undefined => {
    const s = store.getState();
    if (s.view.kind !== 'tail' || !s.tailLog) return undefined;
    const shown = s.view.filter === 'errors' ? s.tailLog.entries.filter((e) => e.kind === 'error') : s.tailLog.entries;
    return shown[shown.length - 1 - s.view.scroll]?.text;
  };
  const view = () => store.getState().view as Extract<ReturnType<typeof store.getState>['view'], { kind: 'tail' }>;
  const type = (text: string) => {
    store.dispatch({ type: 'tail/search', op: { kind: 'open' } });
    for (const ch of text) tailSearchKey(ctx, ch, {});
  };
  return { tasks, store, ctx, bottom, view, type };
}

describe('log view search', () => {
  it('finds a match far outside the window by reading the log a page at a time, never holding it all', async () => {
    const { tasks, store, ctx, bottom, view, type } = setup((i) => (i === 42 ? 'the NEEDLE here' : `entry ${i}`));
    store.dispatch({ type: 'view/tail', taskId: 1 });
    await loadNewestPage(ctx, 1);
    expect(bottom()).toBe('entry 11999');
    type('needle');
    expect(view().search?.typing?.value).toBe('needle');
    tasks.calls = [];
    await searchTail(ctx, 'submit');
    expect(bottom()).toBe('the NEEDLE here');
    expect(view().search).toMatchObject({ query: 'needle' });
    expect(view().search?.typing).toBeUndefined();
    expect(view().follow).toBe(false);
    // Page by page back from the window's start, one page in memory at a time.
    expect(tasks.calls.length).toBeGreaterThan(20);
    expect(tasks.calls.every((c) => c.startsWith('readLogPage 1 before'))).toBe(true);
    expect(store.getState().tailLog!.entries.length).toBeLessThanOrEqual(TAIL_LOG_MAX);
    // Nothing older: says so and stays.
    await searchTail(ctx, 'older');
    expect(bottom()).toBe('the NEEDLE here');
    expect(view().search?.note).toBe('no older match');
    // Scrolling from the found place reads the pages around it.
    await scrollTail(ctx, -1);
    expect(bottom()).toBe('entry 43');
  });

  it('n goes to older matches, N to newer ones, across pages both ways; no wrap at either end', async () => {
    const { store, ctx, bottom, view, type } = setup((i) => (i % 1000 === 7 ? `hit ${i}` : `entry ${i}`));
    store.dispatch({ type: 'view/tail', taskId: 1 });
    await loadNewestPage(ctx, 1);
    type('HIT');
    await searchTail(ctx, 'submit');
    expect(bottom()).toBe('hit 11007');
    await searchTail(ctx, 'older');
    expect(bottom()).toBe('hit 10007');
    for (let i = 0; i < 9; i++) await searchTail(ctx, 'older');
    expect(bottom()).toBe('hit 1007');
    await searchTail(ctx, 'older');
    expect(bottom()).toBe('hit 7');
    await searchTail(ctx, 'older');
    expect(view().search?.note).toBe('no older match');
    await searchTail(ctx, 'newer');
    expect(bottom()).toBe('hit 1007');
    for (let i = 0; i < 10; i++) await searchTail(ctx, 'newer');
    expect(bottom()).toBe('hit 11007');
    await searchTail(ctx, 'newer');
    expect(view().search?.note).toBe('no newer match');
    expect(bottom()).toBe('hit 11007');
  });

  it('searches only what the filter shows; n before any search says how to start; Esc keeps the last query', async () => {
    const { store, ctx, bottom, view, type } = setup(
      (i) => `line ${i}${i === 11_998 || i === 11_997 ? ' target' : ''}`,
    );
    store.dispatch({ type: 'view/tail', taskId: 1 });
    await loadNewestPage(ctx, 1);
    await searchTail(ctx, 'older');
    expect(view().search?.note).toBe('no search yet: press / to search');
    store.dispatch({ type: 'tail/filter', filter: 'errors' });
    type('target');
    await searchTail(ctx, 'submit');
    // 11998 is not an error line (i % 3 !== 0); 11997 is.
    expect(bottom()).toBe('line 11997 target');
    type('other');
    tailSearchKey(ctx, '', { escape: true });
    expect(view().search).toEqual({ query: 'target' });
  });
});
