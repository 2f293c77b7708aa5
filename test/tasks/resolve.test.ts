import { describe, expect, it } from 'vitest';
import { editDistance, parseTaskId, resolveTaskRef } from '../../src/tasks/resolve.js';
import type { TaskRecord, TaskStatus } from '../../src/tasks/types.js';

function task(id: number, name: string, status: TaskStatus = 'completed'): TaskRecord {
  return {
    id,
    name,
    status,
    projectDir: '/p',
    backend: 'claude',
    prompt: 'x',
    permissionMode: 'acceptEdits',
    createdAt: id * 1000,
    updatedAt: id * 1000,
    stalled: false,
    activity: '',
    turns: 0,
    costUsd: 0,
    filesTouched: [],
    runs: [],
  };
}

const TASKS = [
  task(1, 'refactor database layer'),
  task(2, 'auth fix', 'running'),
  task(3, 'update README'),
  task(5, 'auth tests'),
  task(7, 'Add CI pipeline', 'queued'),
  task(12, 'migrate to vitest'),
];

function ok(text: string, tasks = TASKS) {
  const r = resolveTaskRef(text, tasks);
  if (!r.ok) throw new Error(`expected a match for ${JSON.stringify(text)}, got: ${r.message}`);
  return { id: r.task.id, how: r.how };
}

describe('parseTaskId', () => {
  it.each([
    ['3', 3],
    ['#3', 3],
    ['task 3', 3],
    ['Task #3', 3],
    ['task number 3', 3],
    ['number 12', 12],
    ['three', 3],
    ['task three', 3],
    ['the task twelve', 12],
    ['twenty-one', 21],
    ['task twenty one', 21],
    ['task to', 2],
    ['number for', 4],
    ['task 3.', 3],
    ['Task 3?', 3],
  ])('%j → %d', (text, id) => {
    expect(parseTaskId(text)).toBe(id);
  });

  it.each(['auth', 'to', 'for', 'task', '', 'twenty twenty', 'three auth'])('%j is not an id', (text) => {
    expect(parseTaskId(text)).toBeUndefined();
  });
});

describe('resolveTaskRef', () => {
  it('ids in several spoken and typed forms', () => {
    for (const t of ['5', '#5', 'task 5', 'task number five', 'five']) expect(ok(t)).toEqual({ id: 5, how: 'id' });
    expect(ok('task twelve')).toEqual({ id: 12, how: 'id' });
  });

  it('exact names, case- and punctuation-insensitive, with filler words', () => {
    expect(ok('Auth Fix')).toEqual({ id: 2, how: 'exact' });
    expect(ok('auth-fix')).toEqual({ id: 2, how: 'exact' });
    expect(ok('the auth tests task')).toEqual({ id: 5, how: 'exact' });
    expect(ok('task called update readme')).toEqual({ id: 3, how: 'exact' });
  });

  it('unique prefix and unique substring', () => {
    expect(ok('refactor')).toEqual({ id: 1, how: 'prefix' });
    expect(ok('migrate')).toEqual({ id: 12, how: 'prefix' });
    expect(ok('pipeline')).toEqual({ id: 7, how: 'substring' });
    expect(ok('readme')).toEqual({ id: 3, how: 'substring' });
    expect(ok('database')).toEqual({ id: 1, how: 'substring' });
  });

  it('all words in any order count as a substring match', () => {
    expect(ok('tests auth')).toEqual({ id: 5, how: 'substring' });
  });

  it('fuzzy matches speech-to-text slips', () => {
    expect(ok('migrate to vitest')).toEqual({ id: 12, how: 'exact' });
    expect(ok('migrate to vite test')).toEqual({ id: 12, how: 'fuzzy' });
    expect(ok('updat readmy')).toEqual({ id: 3, how: 'fuzzy' });
    expect(ok('add ci pipline')).toEqual({ id: 7, how: 'fuzzy' });
    expect(ok('authfix')).toEqual({ id: 2, how: 'fuzzy' });
  });

  it('several candidates at one level → ambiguous with a question (live tie-break off)', () => {
    const r = resolveTaskRef('auth', TASKS, { preferLive: false });
    expect(r).toMatchObject({ ok: false, reason: 'ambiguous', message: "Which one: 2 'auth fix' or 5 'auth tests'?" });
    expect(r.ok === false && r.reason === 'ambiguous' && r.candidates.map((t) => t.id)).toEqual([2, 5]);
  });

  it('live tie-break: exactly one live candidate wins; two live or none stay ambiguous', () => {
    expect(ok('auth')).toEqual({ id: 2, how: 'prefix' });
    const bothLive = [task(2, 'auth fix', 'running'), task(5, 'auth tests', 'queued')];
    expect(resolveTaskRef('auth', bothLive)).toMatchObject({ ok: false, reason: 'ambiguous' });
    const noneLive = [task(2, 'auth fix', 'failed'), task(5, 'auth tests', 'completed')];
    expect(resolveTaskRef('auth', noneLive)).toMatchObject({ ok: false, reason: 'ambiguous' });
  });

  it('never silently takes the oldest substring match (the old bug)', () => {
    const tasks = [task(1, 'fix login bug'), task(4, 'write login tests'), task(9, 'login page redesign')];
    const r = resolveTaskRef('login', tasks);
    expect(r.ok).toBe(false);
    expect(r).toMatchObject({ reason: 'ambiguous' });
    expect(r.ok === false && r.reason === 'ambiguous' && r.candidates.map((t) => t.id)).toEqual([1, 4, 9]);
    expect(r.ok === false && r.message).toBe(
      "Which one: 1 'fix login bug', 4 'write login tests' or 9 'login page redesign'?",
    );
    // A longer prefix that only one name has is unique again.
    expect(ok('login page', tasks)).toEqual({ id: 9, how: 'prefix' });
    // A unique prefix wins when no other name has the query as a word.
    expect(ok('login', [task(1, 'login page redesign'), task(2, 'blogging')])).toEqual({ id: 1, how: 'prefix' });
  });

  it('same names twice: ambiguous unless exactly one is live', () => {
    const dup = [task(3, 'deploy'), task(8, 'deploy')];
    expect(resolveTaskRef('deploy', dup)).toMatchObject({
      ok: false,
      reason: 'ambiguous',
      message: "Which one: 3 'deploy' or 8 'deploy'?",
    });
    expect(ok('deploy', [task(3, 'deploy'), task(8, 'deploy', 'running')])).toEqual({ id: 8, how: 'exact' });
  });

  it('equally close fuzzy matches are ambiguous', () => {
    const tasks = [task(1, 'bold cache'), task(2, 'bald cache')];
    expect(resolveTaskRef('bild cache', tasks)).toMatchObject({ ok: false, reason: 'ambiguous' });
  });

  it('nothing close → not_found listing known tasks, live ones first', () => {
    const r = resolveTaskRef('kubernetes upgrade', TASKS);
    expect(r).toMatchObject({ ok: false, reason: 'not_found' });
    expect(r.ok === false && r.message).toBe(
      "No task matches \"kubernetes upgrade\". Known tasks: 7 'Add CI pipeline', 2 'auth fix', 12 'migrate to vitest', 5 'auth tests', 3 'update README' and 1 more.",
    );
  });

  it('a missing id says so', () => {
    const r = resolveTaskRef('task 42', TASKS);
    expect(r.ok === false && r.message).toMatch(/^There is no task 42\. Known tasks: /);
  });

  it('short queries do not fuzzy-match', () => {
    expect(resolveTaskRef('xyz', [task(1, 'xya')])).toMatchObject({ ok: false, reason: 'not_found' });
  });

  it('empty input and no tasks', () => {
    expect(resolveTaskRef('  ', TASKS)).toMatchObject({ ok: false, reason: 'not_found' });
    expect(resolveTaskRef('auth', [])).toEqual({
      ok: false,
      reason: 'not_found',
      message: 'No task matches "auth". There are no tasks yet.',
    });
  });

  it('a task literally named like a number is found by name when no such id exists', () => {
    expect(ok('2024 roadmap', [task(1, '2024 roadmap')])).toEqual({ id: 1, how: 'exact' });
  });

  it('lists at most five candidates in an ambiguous question', () => {
    const many = Array.from({ length: 8 }, (_, i) => task(i + 1, `fix bug ${String.fromCharCode(97 + i)}`));
    const r = resolveTaskRef('fix bug', many);
    expect(r.ok === false && r.message).toBe(
      "Which one: 1 'fix bug a', 2 'fix bug b', 3 'fix bug c', 4 'fix bug d', 5 'fix bug e' or one of 3 more?",
    );
  });
});

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('abcd', 'abdc')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('stops early past the limit', () => {
    expect(editDistance('aaaaaaaa', 'bbbbbbbb', 2)).toBe(3);
    expect(editDistance('a', 'abcdefgh', 2)).toBe(3);
  });
});
