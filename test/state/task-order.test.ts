import { describe, expect, it } from 'vitest';
import { createInitialState, reducer } from '../../src/state/reducer.js';
import {
  attentionRank,
  compareByAttention,
  summaryText,
  tableTasks,
  tableWindow,
  taskSummary,
} from '../../src/state/task-order.js';
import type { TaskRecord, TaskStatus } from '../../src/tasks/types.js';
import type { RequestView } from '../../src/state/types.js';
import { T0, task } from '../commands/fakes.js';

const mixed = (): TaskRecord[] => [
  task({ id: 1, name: 'old-done', status: 'completed', endedAt: T0 + 1_000, costUsd: 0.2 }),
  task({ id: 2, name: 'queued', status: 'queued', startedAt: undefined }),
  task({ id: 3, name: 'new-done', status: 'failed', endedAt: T0 + 9_000, costUsd: 0.05 }),
  task({ id: 4, name: 'run-a', status: 'running', costUsd: 0.1 }),
  task({ id: 5, name: 'mid-done', status: 'cancelled', endedAt: T0 + 5_000 }),
  task({ id: 6, name: 'run-b', status: 'running' }),
];

describe('attention order', () => {
  it('puts running before queued before finished, finished newest first', () => {
    const s = createInitialState({ tasks: mixed() });
    expect(tableTasks(s).map((t) => t.name)).toEqual(['run-a', 'run-b', 'queued', 'new-done', 'mid-done', 'old-done']);
  });

  it('ranks a task waiting for a decision above everything', () => {
    expect(attentionRank('waiting')).toBeLessThan(attentionRank('running'));
    const waiting = task({ id: 9, name: 'asks', status: 'waiting' as TaskStatus });
    const running = task({ id: 1, name: 'runs' });
    expect([running, waiting].sort(compareByAttention).map((t) => t.name)).toEqual(['asks', 'runs']);
  });

  it('a running task with a pending request sorts first and counts as waiting', () => {
    let s = createInitialState({ tasks: mixed() });
    const request: RequestView = {
      id: 'r1',
      taskId: 6,
      toolName: 'Bash',
      reason: 'wants to run `npm test`',
      detail: 'npm test',
      options: [],
      multiSelect: false,
      askedAt: T0,
    };
    s = reducer(s, { type: 'requests/set', requests: [request] });
    expect(tableTasks(s).map((t) => t.name)).toEqual(['run-b', 'run-a', 'queued', 'new-done', 'mid-done', 'old-done']);
    expect(taskSummary(s)).toMatchObject({ running: 1, waiting: 1, queued: 1, done: 3 });
  });

  it('moves the selection through the rows in table order', () => {
    let s = createInitialState({ tasks: mixed() });
    expect(s.selectedId).toBe(4);
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) {
      s = reducer(s, { type: 'select/move', delta: 1 });
      seen.push(s.selectedId!);
    }
    expect(seen).toEqual([6, 2, 3, 5, 1]);
  });

  it('h hides finished tasks and shows them again; a hidden selection moves to a visible row', () => {
    let s = createInitialState({ tasks: mixed() });
    s = reducer(s, { type: 'select/set', taskId: 5 });
    s = reducer(s, { type: 'tasks/toggle-finished' });
    expect(tableTasks(s).map((t) => t.id)).toEqual([4, 6, 2]);
    expect(s.selectedId).toBe(4);
    s = reducer(s, { type: 'select/move', delta: 10 });
    expect(s.selectedId).toBe(2);
    s = reducer(s, { type: 'tasks/toggle-finished' });
    expect(tableTasks(s)).toHaveLength(6);
  });
});

describe('summary line', () => {
  it('counts by status and totals task and voice cost apart', () => {
    let s = createInitialState({ tasks: mixed() });
    s = reducer(s, { type: 'cost', cost: { sessionUsd: 0.12, lastTurnUsd: 0.01 } });
    expect(summaryText(taskSummary(s))).toBe('2 running · 1 queued · 3 done · tasks $0.35 · voice $0.12');
    s = reducer(s, { type: 'tasks/toggle-finished' });
    expect(summaryText(taskSummary(s))).toContain('3 done (hidden, h shows)');
  });

  it('says when there are no tasks', () => {
    expect(summaryText(taskSummary(createInitialState()))).toBe('no tasks · tasks $0.00 · voice $0.00');
  });
});

describe('table window', () => {
  it('shows everything when it fits', () => {
    expect(tableWindow(3, 1, 2, 5)).toEqual([0, 1, 2]);
  });

  it('keeps the attention rows and the selection when finished rows do not fit', () => {
    // 2 live rows, 10 finished, 5 lines, the selection far down.
    const rows = tableWindow(12, 2, 10, 5);
    expect(rows.slice(0, 2)).toEqual([0, 1]);
    expect(rows).toContain(10);
    expect(rows).toHaveLength(5);
  });

  it('with more live rows than lines, windows around the selection', () => {
    const rows = tableWindow(20, 20, 15, 4);
    expect(rows).toContain(15);
    expect(rows).toHaveLength(4);
  });
});
