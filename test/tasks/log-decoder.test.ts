// The one log decoder: the live tail, the tail refilled at the next start and the paged log view
// read a task's log through the same decode, so they show every line the same way.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../src/tasks/backends/registry.js';
import { decodeLogLine, logLineEntries } from '../../src/tasks/log-decoder.js';
import type { TaskOutputEntry } from '../../src/tasks/types.js';
import { finished, makeWorld, readWholeLog, type World } from './task-manager.fixture.js';

let w: World;
beforeEach(() => {
  w = makeWorld();
});
afterEach(async () => {
  await w.cleanup();
});

const texts = (es: TaskOutputEntry[]): string[] =>
  es.filter((e) => e.kind !== 'stderr').map((e) => `${e.kind}:${e.text}`);

describe('log decoder', () => {
  it("decodes with the task's backend parser", () => {
    const line = JSON.stringify({ type: 'assistant', message: { content: [{ type: 'text', text: 'hi' }] } });
    for (const kind of ['claude', 'command'] as const) {
      expect(decodeLogLine(kind, line, false, '/p')).toEqual(BACKENDS[kind].parseLine(line, false, '/p'));
    }
    expect(logLineEntries('claude', line, false, '/p')).toEqual([{ kind: 'text', text: 'hi' }]);
  });

  it('the live tail, the tail refilled after a restart and the log pages agree', async () => {
    const m1 = w.make();
    await m1.start();
    const r = await m1.spawn({ name: 'agree', prompt: 'say hi', projectDir: w.dir('agree') });
    if (!r.ok) throw new Error(r.message);
    await finished(m1, r.value.id);
    const live = texts(m1.tail(r.value.id));
    expect(live.length).toBeGreaterThan(1);
    await m1.shutdown('keep');
    const m2 = w.make();
    await m2.start();
    expect(texts(m2.tail(r.value.id))).toEqual(live);
    expect(texts(await readWholeLog(m2, r.value.id))).toEqual(live);
  });
});
