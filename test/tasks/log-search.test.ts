// The log view's search over a real task engine and a 20 MB log on disk: a line near the start
// is found from the newest page by reading older pages one at a time, and the view's window
// stays bounded.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { searchTail } from '../../src/commands/tail-search.js';
import { TAIL_LOG_MAX } from '../../src/state/tail-window.js';
import { lineNo, openLogView, writeBigLog } from './log-view.fixture.js';
import { agentArgv, finished, makeWorld, type World } from './task-manager.fixture.js';

let w: World;
beforeEach(() => {
  w = makeWorld();
});
afterEach(async () => {
  await w.cleanup();
});

describe('log view search over a real log', () => {
  it('finds a line near the start of a 20 MB log from its newest page; n finds nothing older', async () => {
    const m = w.make({ backend: 'command', commandArgv: agentArgv('--lines', '0') });
    await m.start();
    const r = await m.spawn({ name: 'big', prompt: 'x', projectDir: w.dir('big') });
    if (!r.ok) throw new Error(r.message);
    const task = await finished(m, r.value.id);
    const last = writeBigLog(m.logPath(task.id), 20);
    const view = openLogView(m, task);
    await view.open();
    expect(lineNo(view.bottom()!.text)).toBe(last);
    const ctx = { tasks: m, store: view.store };
    view.store.dispatch({ type: 'tail/search', op: { kind: 'open' } });
    for (const ch of 'LINE 12 ')
      view.store.dispatch({ type: 'tail/search', op: { kind: 'edit', edit: { name: 'text', text: ch } } });
    await searchTail(ctx, 'submit');
    expect(lineNo(view.bottom()!.text)).toBe(12);
    expect(view.store.getState().tailLog!.entries.length).toBeLessThanOrEqual(TAIL_LOG_MAX);
    await searchTail(ctx, 'older');
    expect(lineNo(view.bottom()!.text)).toBe(12);
    const v = view.store.getState().view;
    expect(v.kind === 'tail' && v.search?.note).toBe('no older match');
    await m.shutdown('cancel');
  }, 60_000);
});
