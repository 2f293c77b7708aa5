import { describe, expect, it } from 'vitest';
import { countMatches, findLineBack } from '../../src/state/diff-search.js';
import { createInitialState, reducer } from '../../src/state/reducer.js';

const lines = ['alpha', 'Beta', 'gamma', 'beta two', 'delta'];

describe('diff search helpers', () => {
  it('findLineBack looks backwards from a line, wrapping to the end, case-insensitive', () => {
    expect(findLineBack(lines, 'BETA', 4)).toBe(3);
    expect(findLineBack(lines, 'beta', 2)).toBe(1);
    expect(findLineBack(lines, 'beta', 0)).toBe(3);
    expect(findLineBack(lines, 'beta', -1)).toBe(3);
    expect(findLineBack(lines, 'zeta', 4)).toBeUndefined();
    expect(findLineBack([], 'beta', 0)).toBeUndefined();
    expect(findLineBack(lines, '', 0)).toBeUndefined();
  });

  it('countMatches counts lines, not occurrences', () => {
    expect(countMatches(['a a', 'b', 'A'], 'a')).toBe(2);
    expect(countMatches(lines, '')).toBe(0);
  });

  it('searching an empty diff finds nothing and does not throw', () => {
    let s = createInitialState({ tasks: [], model: 'm', pttMode: { kind: 'hold', key: 'x' } });
    s = reducer(s, { type: 'diff/open', taskId: 1, title: 't', lines: [] });
    s = reducer(s, { type: 'diff/search', op: { kind: 'open' } });
    s = reducer(s, { type: 'diff/search', op: { kind: 'edit', edit: { name: 'text', text: 'x' } } });
    s = reducer(s, { type: 'diff/search', op: { kind: 'submit' } });
    expect(s.overlay).toMatchObject({ scroll: 0, search: { query: 'x', note: 'no match' } });
    s = reducer(s, { type: 'diff/search', op: { kind: 'step', dir: -1 } });
    expect(s.overlay).toMatchObject({ scroll: 0, search: { note: 'no match' } });
  });

  it('opening another diff starts without a search; search actions without a diff change nothing', () => {
    let s = createInitialState({ tasks: [], model: 'm', pttMode: { kind: 'hold', key: 'x' } });
    expect(reducer(s, { type: 'diff/search', op: { kind: 'open' } })).toBe(s);
    s = reducer(s, { type: 'diff/open', taskId: 1, title: 't', lines });
    s = reducer(s, { type: 'diff/search', op: { kind: 'open' } });
    s = reducer(s, { type: 'diff/open', taskId: 2, title: 't', lines });
    expect(s.overlay).not.toHaveProperty('search');
  });
});
