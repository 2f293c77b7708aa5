import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { Notices } from '../../src/components/Notices.js';
import { noticeStyle } from '../../src/components/notice-style.js';
import { createInitialState, NOTICE_LOG_MAX, reducer } from '../../src/state/reducer.js';
import { T0 } from '../commands/fakes.js';
import { mount } from './harness.js';

afterEach(() => cleanup());

describe('notices', () => {
  it('are marked and coloured by kind: failure, waiting, finished, cancelled', () => {
    expect(noticeStyle({ level: 'error', kind: 'failure' })).toEqual({ mark: '✗', color: 'red' });
    expect(noticeStyle({ level: 'warning', kind: 'waiting' })).toEqual({ mark: '?', color: 'magenta' });
    expect(noticeStyle({ level: 'success', kind: 'finished' })).toEqual({ mark: '✓', color: 'green' });
    expect(noticeStyle({ level: 'warning', kind: 'cancelled' })).toEqual({ mark: '⊘', color: 'gray' });
    const r = render(
      <Notices
        max={2}
        notices={[
          { id: 1, text: 'Task 3 api cancelled', level: 'warning', kind: 'cancelled', at: T0, expiresAt: T0 + 1 },
          { id: 2, text: 'Task 4 web failed', level: 'error', kind: 'failure', at: T0, expiresAt: T0 + 1 },
        ]}
      />,
    );
    expect(r.lastFrame()).toBe('⊘ Task 3 api cancelled\n✗ Task 4 web failed');
  });

  it('are kept after they leave the screen, the last 50', () => {
    let s = createInitialState();
    for (let i = 1; i <= 60; i++) s = reducer(s, { type: 'notice/add', text: `n${i}`, at: T0 + i });
    s = reducer(s, { type: 'notice/expire', now: T0 + 1_000_000 });
    expect(s.notices).toHaveLength(0);
    expect(s.noticeLog).toHaveLength(NOTICE_LOG_MAX);
    expect(s.noticeLog[0]!.text).toBe('n11');
    expect(s.noticeLog.at(-1)!.text).toBe('n60');
  });

  it('N shows the log newest first; N closes it', async () => {
    const app = await mount({ columns: 80, rows: 24 });
    app.store.dispatch({ type: 'notice/add', text: 'Task 1 a finished', kind: 'finished', level: 'success', at: T0 });
    app.store.dispatch({ type: 'notice/add', text: 'Task 2 b failed: boom', kind: 'failure', level: 'error', at: T0 });
    app.store.dispatch({ type: 'notice/expire', now: T0 + 60_000 });
    await app.press('N');
    const lines = app.frame().split('\n');
    const first = lines.findIndex((l) => l.includes('Task 2 b failed'));
    const second = lines.findIndex((l) => l.includes('Task 1 a finished'));
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(first);
    expect(lines[first]).toContain('✗ Task 2 b failed: boom');
    await app.press('N');
    expect(app.store.getState().overlay).toBeNull();
  });
});
