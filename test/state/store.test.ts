import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStore } from '../../src/state/store.js';

const add = (s: number, a: number): number => s + a;

describe('createStore', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('coalesces a burst of dispatches into one notification per interval', () => {
    vi.useFakeTimers();
    const store = createStore(add, 0);
    const seen: number[] = [];
    store.subscribe(() => seen.push(store.getState()));
    for (let i = 0; i < 100; i++) store.dispatch(1);
    expect(store.getState()).toBe(100); // state is current at once
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(0);
    expect(seen).toEqual([100]);
    store.dispatch(1);
    vi.advanceTimersByTime(10);
    store.dispatch(1);
    expect(seen).toEqual([100]); // within 33 ms of the last notification
    vi.advanceTimersByTime(23);
    expect(seen).toEqual([100, 102]);
  });

  it('does not notify when the reducer returns the same state', () => {
    vi.useFakeTimers();
    const store = createStore(add, 0);
    const listener = vi.fn();
    store.subscribe(listener);
    store.dispatch(0);
    vi.advanceTimersByTime(100);
    expect(listener).not.toHaveBeenCalled();
  });

  it('notifies synchronously in sync mode, survives a throwing subscriber, and unsubscribes', () => {
    const store = createStore(add, 0, { sync: true });
    const seen: number[] = [];
    store.subscribe(() => {
      throw new Error('broken view');
    });
    const off = store.subscribe(() => seen.push(store.getState()));
    store.dispatch(2);
    store.dispatch(3);
    expect(seen).toEqual([2, 5]);
    off();
    store.dispatch(1);
    expect(seen).toEqual([2, 5]);
  });

  it('flush delivers a pending change at once', () => {
    vi.useFakeTimers();
    const store = createStore(add, 0);
    const listener = vi.fn();
    store.subscribe(listener);
    store.dispatch(1);
    store.flush();
    expect(listener).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(100);
    expect(listener).toHaveBeenCalledTimes(1);
  });
});
