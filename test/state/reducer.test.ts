import { describe, expect, it } from 'vitest';
import {
  createInitialState,
  reducer,
  TAIL_LOG_MAX,
  TAIL_MAX,
  TRANSCRIPT_MAX,
  NOTICES_MAX,
} from '../../src/state/reducer.js';
import type { AppState } from '../../src/state/types.js';
import type { Action } from '../../src/state/actions.js';
import type { LogPage, TaskOutputEntry } from '../../src/tasks/types.js';
import { entry, T0, task } from '../commands/fakes.js';

const run = (s: AppState, ...actions: Action[]): AppState => actions.reduce(reducer, s);

/** A page of the log holding `entries`, each at offset = its seq (run 1). */
export function pageOf(entries: TaskOutputEntry[], more: Partial<LogPage> = {}): LogPage {
  const es = entries.map((e) => ({ ...e, offset: e.seq }));
  const first = es[0]?.offset ?? 0;
  const last = es.at(-1)?.offset ?? -1;
  return {
    entries: es,
    start: { runNo: 1, offset: first },
    end: { runNo: 1, offset: last + 1 },
    atStart: true,
    atEnd: true,
    hasStderr: false,
    ...more,
  };
}

describe('reducer: tasks and selection', () => {
  const three = createInitialState({
    tasks: [task({ id: 1, name: 'a' }), task({ id: 3, name: 'c' }), task({ id: 2, name: 'b' })],
  });

  it('orders tasks by id and selects the first one', () => {
    expect(three.order).toEqual([1, 2, 3]);
    expect(three.selectedId).toBe(1);
  });

  it('keeps the selection inside the table at both ends', () => {
    let s = run(three, { type: 'select/move', delta: -1 });
    expect(s).toBe(three); // nothing changed: same object, no notification
    s = run(s, { type: 'select/move', delta: 1 }, { type: 'select/move', delta: 1 }, { type: 'select/move', delta: 1 });
    expect(s.selectedId).toBe(3);
    s = run(s, { type: 'select/move', delta: -5 });
    expect(s.selectedId).toBe(1);
  });

  it('does nothing on an empty table and selects the first task that arrives', () => {
    const empty = createInitialState();
    expect(run(empty, { type: 'select/move', delta: 1 })).toBe(empty);
    const s = run(empty, { type: 'task/upsert', task: task({ id: 7, name: 'x' }) });
    expect(s.selectedId).toBe(7);
  });

  it('ignores an older copy of a task record', () => {
    const newer = run(three, {
      type: 'task/upsert',
      task: task({ id: 1, name: 'a', status: 'completed', updatedAt: T0 + 10 }),
    });
    expect(
      run(newer, { type: 'task/upsert', task: task({ id: 1, name: 'a', status: 'running', updatedAt: T0 + 5 }) }),
    ).toBe(newer);
  });

  it('ignores selecting an unknown task and keeps a valid selection across a reset', () => {
    let s = run(three, { type: 'select/set', taskId: 99 });
    expect(s.selectedId).toBe(1);
    s = run(
      s,
      { type: 'select/set', taskId: 2 },
      { type: 'tasks/reset', tasks: [task({ id: 2, name: 'b' }), task({ id: 4, name: 'd' })] },
    );
    expect(s.selectedId).toBe(2);
    s = run(s, { type: 'tasks/reset', tasks: [task({ id: 4, name: 'd' })] });
    expect(s.selectedId).toBe(4);
  });
});

describe('reducer: bounded lists', () => {
  it('keeps only the newest TAIL_MAX output entries per task', () => {
    let s = createInitialState({ tasks: [task({ id: 1, name: 'a' })] });
    const entries = Array.from({ length: TAIL_MAX + 25 }, (_, i) => entry(i, 'text', `line ${i}`));
    s = run(s, { type: 'task/output', taskId: 1, entries });
    expect(s.tails[1]).toHaveLength(TAIL_MAX);
    expect(s.tails[1]![0]!.seq).toBe(25);
    expect(s.tails[1]!.at(-1)!.text).toBe(`line ${TAIL_MAX + 24}`);
  });

  it('keeps the open log at TAIL_LOG_MAX entries, dropping the oldest as batches arrive', () => {
    let s = createInitialState({ tasks: [task({ id: 1, name: 'a' })] });
    s = run(s, { type: 'view/tail', taskId: 1 });
    const old = Array.from({ length: TAIL_LOG_MAX - 2 }, (_, i) => entry(i, 'text', `old ${i}`));
    s = run(s, { type: 'tail/loaded', taskId: 1, page: pageOf(old) });
    s = run(s, {
      type: 'task/output',
      taskId: 1,
      entries: [0, 1, 2, 3, 4].map((i) => entry(TAIL_LOG_MAX + i, 'text', `new ${i}`, { offset: TAIL_LOG_MAX + i })),
    });
    expect(s.tailLog!.entries).toHaveLength(TAIL_LOG_MAX);
    expect(s.tailLog!.entries[0]!.seq).toBe(3);
    expect(s.tailLog!.entries.at(-1)!.text).toBe('new 4');
    expect(s.tails[1]!.map((e) => e.text)).toEqual(['new 0', 'new 1', 'new 2', 'new 3', 'new 4']);
  });

  it('bounds the transcript, the activity list and the notices', () => {
    let s = createInitialState();
    for (let i = 0; i < TRANSCRIPT_MAX + 10; i++) {
      s = reducer(s, {
        type: 'transcript/upsert',
        entry: { id: `e${i}`, role: 'user', text: `t${i}`, final: true, at: T0 },
      });
    }
    expect(s.transcript).toHaveLength(TRANSCRIPT_MAX);
    expect(s.transcript[0]!.id).toBe('e10');
    for (let i = 0; i < 3; i++) s = reducer(s, { type: 'activity/add', at: T0, text: `a${i}` });
    expect(s.transcript).toHaveLength(TRANSCRIPT_MAX);
    expect(s.transcript.at(-1)).toMatchObject({ id: 'activity-3', role: 'tool', text: 'a2' });
    for (let i = 0; i < NOTICES_MAX + 3; i++) s = reducer(s, { type: 'notice/add', text: `n${i}`, at: T0 });
    expect(s.notices.map((n) => n.text)).toEqual(Array.from({ length: NOTICES_MAX }, (_, i) => `n${i + 3}`));
  });
});

describe('reducer: transcript streaming', () => {
  it('updates a streaming entry in place by id', () => {
    let s = createInitialState();
    s = run(
      s,
      { type: 'transcript/upsert', entry: { id: 'u1', role: 'user', text: 'start a task', final: true, at: T0 } },
      { type: 'transcript/upsert', entry: { id: 'a1', role: 'assistant', text: 'Sure', final: false, at: T0 } },
      {
        type: 'transcript/upsert',
        entry: { id: 'a1', role: 'assistant', text: 'Sure, starting it', final: false, at: T0 },
      },
      {
        type: 'transcript/upsert',
        entry: { id: 'a1', role: 'assistant', text: 'Sure, starting it now.', final: true, at: T0 },
      },
    );
    expect(s.transcript.map((e) => [e.id, e.text, e.final])).toEqual([
      ['u1', 'start a task', true],
      ['a1', 'Sure, starting it now.', true],
    ]);
  });
});

describe('reducer: notices', () => {
  it('expire at their time and not before', () => {
    let s = createInitialState();
    s = run(
      s,
      { type: 'notice/add', text: 'short', at: T0, ttlMs: 1000 },
      { type: 'notice/add', text: 'long', at: T0, ttlMs: 5000 },
    );
    expect(run(s, { type: 'notice/expire', now: T0 + 999 })).toBe(s);
    s = run(s, { type: 'notice/expire', now: T0 + 1000 });
    expect(s.notices.map((n) => n.text)).toEqual(['long']);
    s = run(s, { type: 'notice/expire', now: T0 + 5000 });
    expect(s.notices).toEqual([]);
  });

  it('the same text again refreshes the notice instead of stacking it', () => {
    const s = run(
      createInitialState(),
      { type: 'notice/add', text: 'retrying', at: T0 },
      { type: 'notice/add', text: 'retrying', at: T0 + 2000 },
    );
    expect(s.notices).toHaveLength(1);
    expect(s.notices[0]!.expiresAt).toBe(T0 + 2000 + 5000);
  });
});

describe('reducer: tail view', () => {
  const base = createInitialState({ tasks: [task({ id: 1, name: 'a' })] });
  const log = [
    entry(1, 'text', 'hello'),
    entry(2, 'tool', '→ Bash: npm test'),
    entry(3, 'tool_result', 'FAIL', { isError: true }),
    entry(4, 'error', 'API error 529'),
    entry(5, 'text', 'done'),
  ];

  it('merges the log read from disk with live output that arrived meanwhile', () => {
    let s = run(base, { type: 'view/tail', taskId: 1 });
    expect(s.tailLog).toMatchObject({ taskId: 1, loading: true });
    s = run(s, {
      type: 'task/output',
      taskId: 1,
      entries: [entry(5, 'text', 'done', { offset: 5 }), entry(6, 'text', 'more', { offset: 6 })],
    });
    s = run(s, { type: 'tail/loaded', taskId: 1, page: pageOf(log) });
    expect(s.tailLog!.loading).toBe(false);
    expect(s.tailLog!.entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('cycles filters and clamps scrolling; scrolling up stops following, End follows again', () => {
    let s = run(base, { type: 'view/tail', taskId: 1 }, { type: 'tail/loaded', taskId: 1, page: pageOf(log) });
    s = run(s, { type: 'tail/scroll', delta: 100 });
    expect(s.view).toMatchObject({ scroll: 4, follow: false });
    s = run(s, { type: 'tail/scroll', delta: -2 });
    expect(s.view).toMatchObject({ scroll: 2, follow: false });
    s = run(s, { type: 'tail/follow' });
    expect(s.view).toMatchObject({ scroll: 0, follow: true });
    const filters: string[] = [];
    for (let i = 0; i < 4; i++) {
      s = run(s, { type: 'tail/filter' });
      filters.push(s.view.kind === 'tail' ? s.view.filter : '');
    }
    expect(filters).toEqual(['text', 'tools', 'errors', 'all']);
    s = run(s, { type: 'tail/filter', filter: 'errors' }, { type: 'tail/scroll', delta: 10 });
    expect(s.view).toMatchObject({ scroll: 1 }); // two error entries: the tool failure and the API error
  });

  it('keeps a scrolled view anchored while new output arrives', () => {
    let s = run(
      base,
      { type: 'view/tail', taskId: 1 },
      { type: 'tail/loaded', taskId: 1, page: pageOf(log) },
      { type: 'tail/scroll', delta: 2 },
    );
    s = run(s, { type: 'task/output', taskId: 1, entries: [entry(6, 'text', 'x'), entry(7, 'tool', 'y')] });
    expect(s.view).toMatchObject({ scroll: 4, follow: false });
  });

  it('a reset without the open task returns to the table', () => {
    let s = run(base, { type: 'view/tail', taskId: 1 });
    s = run(s, { type: 'tasks/reset', tasks: [task({ id: 2, name: 'b' })] });
    expect(s.view.kind).toBe('main');
    expect(s.tailLog).toBeNull();
  });

  it('Esc closes an overlay first, then goes back to the table', () => {
    let s = run(base, { type: 'view/tail', taskId: 1 }, { type: 'overlay/help' });
    s = run(s, { type: 'view/back' });
    expect(s.view.kind).toBe('tail');
    expect(s.overlay).toBeNull();
    s = run(s, { type: 'view/back' });
    expect(s.view.kind).toBe('main');
    expect(s.tailLog).toBeNull();
  });
});

describe('reducer: forms', () => {
  const open = (s: AppState): AppState =>
    run(s, {
      type: 'form/open',
      form: {
        kind: 'new-task',
        commandId: 'spawn_task',
        title: 'New task',
        focus: 0,
        fields: [
          { name: 'name', label: 'Name', value: '' },
          { name: 'project', label: 'Project', value: '' },
        ],
        projects: ['api', 'app', 'web'],
      },
    });

  it('types, deletes, strips control characters and completes the project with Tab', () => {
    let s = open(createInitialState());
    s = run(
      s,
      { type: 'form/key', key: { name: 'text', text: 'fix\x1b[Alogin!' } },
      { type: 'form/key', key: { name: 'backspace' } },
    );
    s = run(s, { type: 'form/key', key: { name: 'complete' } }); // name field: Tab moves on
    s = run(s, { type: 'form/key', key: { name: 'text', text: 'a' } }, { type: 'form/key', key: { name: 'complete' } });
    const form = s.overlay?.kind === 'form' ? s.overlay.form : undefined;
    expect(form?.fields.map((f) => f.value)).toEqual(['fix[Alogin', 'ap']); // common prefix of api/app
    s = run(s, { type: 'form/key', key: { name: 'text', text: 'i' } }, { type: 'form/key', key: { name: 'complete' } });
    const after = s.overlay?.kind === 'form' ? s.overlay.form : undefined;
    expect(after?.fields[1]!.value).toBe('api');
    expect(after?.focus).toBe(0); // complete name: Tab moved on (wraps)
  });
});
