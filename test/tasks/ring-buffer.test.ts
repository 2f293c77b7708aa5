import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../../src/tasks/ring-buffer.js';

describe('RingBuffer', () => {
  it('keeps items oldest first until full', () => {
    const r = new RingBuffer<number>(3);
    expect(r.size).toBe(0);
    expect(r.toArray()).toEqual([]);
    r.push(1);
    r.push(2);
    expect(r.size).toBe(2);
    expect(r.toArray()).toEqual([1, 2]);
  });

  it('overwrites the oldest when full, across many wraps', () => {
    const r = new RingBuffer<number>(4);
    for (let i = 1; i <= 1003; i++) r.push(i);
    expect(r.size).toBe(4);
    expect(r.capacity).toBe(4);
    expect(r.toArray()).toEqual([1000, 1001, 1002, 1003]);
  });

  it('last(n) returns the newest n, oldest first, clamped', () => {
    const r = new RingBuffer<string>(5);
    for (const s of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) r.push(s);
    expect(r.last(2)).toEqual(['f', 'g']);
    expect(r.last(0)).toEqual([]);
    expect(r.last(-3)).toEqual([]);
    expect(r.last(99)).toEqual(['c', 'd', 'e', 'f', 'g']);
    expect(r.last(2.7)).toEqual(['f', 'g']);
  });

  it('clear empties it and it refills correctly', () => {
    const r = new RingBuffer<number>(2);
    r.push(1);
    r.push(2);
    r.push(3);
    r.clear();
    expect(r.size).toBe(0);
    expect(r.toArray()).toEqual([]);
    r.push(4);
    expect(r.toArray()).toEqual([4]);
  });

  it('toArray returns a copy', () => {
    const r = new RingBuffer<number>(2);
    r.push(1);
    const a = r.toArray();
    a.push(99);
    expect(r.toArray()).toEqual([1]);
  });

  it('a capacity below 1 becomes 1 instead of throwing', () => {
    const r = new RingBuffer<number>(0);
    r.push(1);
    r.push(2);
    expect(r.toArray()).toEqual([2]);
    expect(new RingBuffer<number>(Number.NaN).capacity).toBe(1);
  });
});
