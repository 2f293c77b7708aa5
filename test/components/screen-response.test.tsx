// How the screen answers under load: a key shows at once, output of tasks nobody is reading draws nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { App } from '../../src/components/App.js';
import { sameOnScreen } from '../../src/components/screen-state.js';
import { createDispatcher } from '../../src/commands/dispatch.js';
import { createInitialState, reducer } from '../../src/state/reducer.js';
import { createStore } from '../../src/state/store.js';
import { FakePtt, FakeTasks, T0, entry, task } from '../commands/fakes.js';
import { KEY, tick } from './harness.js';

const three = () => [1, 2, 3].map((id) => task({ id, name: `job-${id}`, status: 'running' }));

/** The App over a store that batches for a minute, so only an explicit flush reaches the screen. */
async function mountBatched() {
  const tasks = three();
  const store = createStore(reducer, createInitialState({ tasks, model: 'gpt-realtime' }), { intervalMs: 60_000 });
  const ptt = new FakePtt({ kind: 'hold', key: 'Right Ctrl' });
  const commands = createDispatcher({ tasks: new FakeTasks(tasks), store, ptt, quit: () => {}, now: () => T0 });
  const r = render(<App store={store} commands={commands} now={() => T0} tickMs={0} />);
  await tick();
  return { ...r, store };
}

afterEach(() => {
  cleanup();
});

describe('screen under load', () => {
  it('a key press is drawn at once, not at the end of the store batch', async () => {
    const app = await mountBatched();
    // A background change was just delivered, so the next batch is a minute away.
    app.store.dispatch({ type: 'task/upsert', task: task({ id: 3, name: 'job-3', activity: 'reading' }) });
    app.store.flush();
    await tick();
    const before = app.store.getState().selectedId;
    const frame = app.lastFrame();
    app.stdin.write(KEY.down);
    await tick();
    expect(app.store.getState().selectedId).not.toBe(before);
    expect(app.lastFrame()).not.toBe(frame);
  });

  it('output of a task that is not open draws no frame', async () => {
    const app = await mountBatched();
    const frames = app.frames.length;
    app.store.dispatch({ type: 'task/output', taskId: 2, entries: [entry(1, 'text', 'hello')] });
    app.store.flush();
    await tick();
    expect(app.store.getState().tails[2]).toHaveLength(1);
    expect(app.frames.length).toBe(frames);
    // A change the screen shows still draws.
    app.store.dispatch({ type: 'task/upsert', task: task({ id: 2, name: 'job-2', activity: 'editing x.ts' }) });
    app.store.flush();
    await tick();
    expect(app.frames.length).toBeGreaterThan(frames);
    expect(app.lastFrame()).toContain('editing x.ts');
  });

  it('sameOnScreen ignores only the output tails', () => {
    const s = createInitialState({ tasks: three() });
    const out = reducer(s, { type: 'task/output', taskId: 1, entries: [entry(1, 'text', 'x')] });
    expect(sameOnScreen(s, out)).toBe(true);
    expect(sameOnScreen(s, reducer(s, { type: 'select/set', taskId: 2 }))).toBe(false);
    expect(sameOnScreen(s, { ...s, formHistory: { fields: {} } as never })).toBe(false);
  });
});
