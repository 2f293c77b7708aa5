import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { TranscriptPane } from '../../src/components/TranscriptPane.js';
import { TaskTable } from '../../src/components/TaskTable.js';
import { Footer } from '../../src/components/Footer.js';
import { Notices } from '../../src/components/Notices.js';
import type { TranscriptEntry } from '../../src/session/types.js';
import { T0, task } from '../commands/fakes.js';

const frameOf = (el: React.ReactElement) => {
  const r = render(el);
  const f = r.lastFrame() ?? '';
  r.unmount();
  return f;
};

const e = (id: string, role: TranscriptEntry['role'], text: string, final = true): TranscriptEntry => ({
  id,
  role,
  text,
  final,
  at: T0,
});

describe('TranscriptPane', () => {
  it('shows user and assistant text, a cursor while streaming, tool lines on one line, newest at the bottom', () => {
    const f = frameOf(
      <TranscriptPane
        width={60}
        height={10}
        entries={[
          e('u1', 'user', 'cancel the login task'),
          e('t1', 'tool', 'cancel_task({"task":"login"}) → Cancelled task 3 "fix-login". '.repeat(3)),
          e('a1', 'assistant', 'Done, I cancelled', false),
          e('n1', 'notice', 'Task 2 docs finished'),
        ]}
      />,
    );
    const lines = f.split('\n');
    expect(lines[0]).toBe('you cancel the login task');
    expect(lines[1]).toMatch(/^→ cancel task · task login: Cancelled task 3 .*…$/);
    expect(lines[1]!.length).toBeLessThanOrEqual(60);
    expect(lines[2]).toBe('assistant Done, I cancelled ▍');
    expect(lines[3]).toBe('! Task 2 docs finished');
  });

  it('keeps only what fits, cutting the oldest', () => {
    const entries = Array.from({ length: 20 }, (_, i) => e(`x${i}`, 'user', `line ${i}`));
    const f = frameOf(<TranscriptPane width={40} height={3} entries={entries} />);
    expect(f.split('\n')).toEqual(['you line 17', 'you line 18', 'you line 19']);
  });
});

describe('TaskTable', () => {
  it('keeps the selection visible when there are more tasks than rows', () => {
    const tasks = Array.from({ length: 20 }, (_, i) => task({ id: i + 1, name: `t${i + 1}` }));
    const f = frameOf(<TaskTable tasks={tasks} selectedId={15} width={80} height={6} now={T0} frame={0} />);
    const lines = f.split('\n');
    expect(lines).toHaveLength(6);
    expect(f).toMatch(/^› 15/m);
    expect(lines[5]).toMatch(/↑ \d+ more ↓ \d+ more/);
  });

  it('marks a stalled running task', () => {
    const f = frameOf(
      <TaskTable
        tasks={[task({ id: 1, name: 'a', stalled: true })]}
        selectedId={1}
        width={100}
        height={5}
        now={T0}
        frame={0}
      />,
    );
    expect(f).toMatch(/⠋ stalled/);
  });
});

describe('Footer and notices', () => {
  it('leaves keys that do nothing now out (their reasons are in ?) and keeps ? help on the one line', () => {
    const f = frameOf(
      <Footer
        width={46}
        hints={[
          { id: 'spawn_task', keys: 'n', title: 'new task' },
          { id: 'cancel_task', keys: 'q', title: 'cancel', disabled: 'task 2 is already completed' },
          { id: 'get_task_status', keys: 'Enter', title: 'open log' },
          { id: 'get_task_result', keys: 'r', title: 'result' },
          { id: 'follow_up_task', keys: 'f', title: 'follow-up' },
          { id: 'help', keys: '?', title: 'help' },
        ]}
      />,
    );
    expect(f).toBe('n new task  Enter open log  r result  ? help');
  });

  it('shows the newest notices with a mark per level', () => {
    const f = frameOf(
      <Notices
        max={2}
        notices={[
          { id: 1, text: 'old', level: 'info', expiresAt: 0 },
          { id: 2, text: 'Task 1 failed', level: 'error', expiresAt: 0 },
          { id: 3, text: 'Task 2 finished', level: 'success', expiresAt: 0 },
        ]}
      />,
    );
    expect(f).toBe('✗ Task 1 failed\n✓ Task 2 finished');
  });
});

describe('wrapping', () => {
  it('wrapText keeps words whole, breaks words longer than a line, keeps blank lines', async () => {
    const { wrapText } = await import('../../src/components/format.js');
    expect(wrapText('the quick brown fox jumps', 10)).toEqual(['the quick', 'brown fox', 'jumps']);
    expect(wrapText('abcdefghijklmnop x', 6)).toEqual(['abcdef', 'ghijkl', 'mnop x']);
    expect(wrapText('a\n\nb', 5)).toEqual(['a', '', 'b']);
  });

  it('the result card wraps a long final paragraph instead of cutting it', async () => {
    const { ResultCard } = await import('../../src/components/ResultCard.js');
    const text =
      'The login bug came from a stale session cookie; I changed the expiry check and added a regression test for it.';
    const f = frameOf(
      <ResultCard
        task={task({ id: 2, name: 'x', status: 'completed', resultText: text })}
        now={T0}
        width={40}
        height={20}
      />,
    );
    const body = f
      .split('\n')
      .map((l) => l.replace(/^│ ?| ?│$/g, '').trim())
      .join(' ');
    expect(body).toContain(text);
  });

  it('the tail view wraps long entries', async () => {
    const { TailView } = await import('../../src/components/TailView.js');
    const long = 'word '.repeat(30).trim();
    const f = frameOf(
      <TailView
        task={task({ id: 1, name: 'a' })}
        log={{
          taskId: 1,
          loading: false,
          entries: [{ seq: 1, ts: T0, runNo: 1, kind: 'text', text: long }],
          atStart: true,
          atEnd: true,
          hasStderr: false,
        }}
        filter="all"
        scroll={0}
        follow
        width={40}
        height={10}
      />,
    );
    // The header, then the run's prompt under its separator, then the entry.
    const lines = f.split('\n').slice(3);
    expect(f.split('\n')[1]).toMatch(/^── run 1 · prompt ─+$/);
    expect(f.split('\n')[2]).toBe('› do it');
    expect(lines.length).toBe(4);
    expect(lines.join(' ').replace(/\s+/g, ' ').trim()).toBe(long);
  });
});
