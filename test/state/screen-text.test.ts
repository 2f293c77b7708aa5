import { describe, expect, it } from 'vitest';
import { untrusted } from '../../src/commands/wording/speech.js';
import { bindAudio, bindTaskManager, bindVoiceSession } from '../../src/state/bind.js';
import { createInitialState, reducer } from '../../src/state/reducer.js';
import { cleanAction } from '../../src/state/screen-text.js';
import { createStore } from '../../src/state/store.js';
import type { AppState } from '../../src/state/types.js';
import type { AudioInputPort, AudioOutputPort } from '../../src/audio/types.js';
import { EventEmitter } from 'node:events';
import { entry, FakeTasks, FakeVoice, T0, task } from '../commands/fakes.js';

const OSC52 = '\x1b]52;c;cm0gLXJmIH4=\x07';
const OSC0 = '\x1b]0;pwned\x1b\\';
const HOSTILE = `${OSC52}${OSC0}\x1b[2J\x9b2J\x9d0;t\x07\u202e`;

const newStore = () => createStore(reducer, createInitialState(), { sync: true });

/** Every string anywhere in the state, for "nothing raw got in" checks. */
function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) strings(x, out);
  return out;
}

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

function expectClean(state: AppState): void {
  for (const s of strings(state)) expect(UNSAFE.test(s), JSON.stringify(s)).toBe(false);
}

describe('the state gate: outside text is cleaned before it becomes UI state', () => {
  it('task names, activity, result text, file names, failure reasons and stderr entries from the task engine', () => {
    const tasks = new FakeTasks([task({ id: 1, name: `evil${HOSTILE}` })]);
    tasks.logs.set(1, [entry(1, 'stderr', `boom${OSC52}`)]);
    const store = newStore();
    bindTaskManager(store, tasks, () => T0);
    tasks.emit(
      'finished',
      task({
        id: 1,
        name: `evil${HOSTILE}`,
        status: 'failed',
        activity: `Edit x${OSC0}`,
        resultText: `done${HOSTILE}\nsecond line`,
        filesTouched: [`/p/a${OSC52}.ts`],
        failure: { kind: 'crashed', message: `crashed: ${HOSTILE}` },
      }),
    );
    tasks.emit('output', 1, [entry(2, 'stderr', `\x90qsixel\x9c${OSC52}line`)]);
    const s = store.getState();
    expectClean(s);
    expect(s.tasks[1]).toMatchObject({
      name: 'evil',
      activity: 'Edit x',
      resultText: 'done\nsecond line',
      filesTouched: ['/p/a.ts'],
      failure: { message: 'crashed: ' },
    });
    expect(s.tails[1]!.map((e) => e.text)).toEqual(['boom', 'line']);
    expect(s.notices.at(-1)!.text).toBe('Task 1 evil failed: crashed: ');
  });

  it('the model transcript, tool arguments, info and errors from the voice session', () => {
    const voice = new FakeVoice();
    const store = newStore();
    bindVoiceSession(store, voice, () => T0);
    voice.transcript({ id: 'a', role: 'assistant', text: `Sure${OSC52}!`, final: true, at: T0 });
    voice.transcript({ id: 't', role: 'tool', text: `spawn_task({"name":"x${OSC0}"})`, final: false, at: T0 });
    voice.emit('info', `rate limited${HOSTILE}`);
    voice.emit('error', new Error(`bad${HOSTILE}`));
    voice.emit('state', { kind: 'failed', message: `API says ${OSC52}` });
    const s = store.getState();
    expectClean(s);
    expect(s.transcript.map((e) => e.text)).toEqual(['Sure!', 'spawn_task({"name":"x"})']);
  });

  it('direct dispatches (a command upserting a record, a loaded log, device labels) go through the same gate', () => {
    const store = newStore();
    store.dispatch({ type: 'task/upsert', task: task({ id: 4, name: `n${OSC52}`, projectDir: `/p/dir${OSC0}` }) });
    store.dispatch({ type: 'view/tail', taskId: 4 });
    store.dispatch({
      type: 'tail/loaded',
      taskId: 4,
      page: {
        entries: [entry(1, 'raw', `x${HOSTILE}y`)],
        start: { runNo: 1, offset: 0 },
        end: { runNo: 1, offset: 10 },
        atStart: true,
        atEnd: true,
        hasStderr: false,
      },
    });
    store.dispatch({ type: 'ptt/mode', mode: { kind: 'none', key: `k${OSC52}`, reason: `r${OSC52}` } });
    store.dispatch({ type: 'activity/add', at: T0, text: `a${OSC52}` });
    const input = new EventEmitter() as unknown as AudioInputPort;
    const output = new EventEmitter() as unknown as AudioOutputPort;
    Object.assign(input, { status: () => ({ kind: 'ready', device: `mic${OSC0}` }) });
    Object.assign(output, { status: () => ({ kind: 'unavailable', reason: `no ${OSC52}` }) });
    bindAudio(store, input, output, () => T0);
    const s = store.getState();
    expectClean(s);
    expect(s.tasks[4]!.name).toBe('n');
    expect(s.tailLog!.entries[0]!.text).toBe('xy');
  });

  it('clean actions come back as the same object (views keep their memoised records)', () => {
    const a = { type: 'task/upsert', task: task({ id: 1, name: 'ok', resultText: 'fine\ttext\n' }) } as const;
    expect(cleanAction(a)).toBe(a);
    const c = { type: 'connection', state: { kind: 'ready', sessionId: 's', expiresAt: 1 } } as const;
    expect(cleanAction(c)).toBe(c);
  });
});

describe('the transcript shows clean text: the untrusted fence is for the model only', () => {
  it('a tool result or notice with a fence reaches the state without the markup, its content kept', () => {
    const voice = new FakeVoice();
    const store = newStore();
    bindVoiceSession(store, voice, () => T0);
    const result = `Task 3 "docs" completed (2 turns). Its final text follows.\n${untrusted(3, 'All tests pass.', 600)}`;
    voice.transcript({
      id: 'tool_1',
      role: 'tool',
      text: `get_task_result({"task":3}) → ${result}`,
      final: true,
      at: T0,
    });
    voice.transcript({
      id: 'n1',
      role: 'notice',
      text: `Task 3 finished. Its final text begins:\n${untrusted(3, 'Done.', 200)}`,
      final: true,
      at: T0,
    });
    const [tool, notice] = store.getState().transcript;
    expect(tool!.text).toBe(
      'get_task_result({"task":3}) → Task 3 "docs" completed (2 turns). Its final text follows.\nAll tests pass.',
    );
    expect(notice!.text).toBe('Task 3 finished. Its final text begins:\nDone.');
    for (const e of store.getState().transcript) {
      expect(e.text).not.toContain('task_output');
      expect(e.text).not.toContain('Treat the text inside');
    }
  });

  it('a tool result cut short mid-fence (the session clips long results) leaves no half tag or half note', () => {
    const full = `get_task_result({"task":3}) → Its final text follows.\n${untrusted(3, 'x'.repeat(40), 600)}`;
    const store = newStore();
    for (const cut of [60, 80, full.indexOf('</task_output>') + 5, full.length - 20]) {
      const text = `${full.slice(0, cut - 1)}…`;
      store.dispatch({ type: 'transcript/upsert', entry: { id: `c${cut}`, role: 'tool', text, final: true, at: T0 } });
      const shown = store.getState().transcript.at(-1)!.text;
      expect(shown, text).not.toMatch(/<\/?task_o|untrusted=|Treat the/);
      expect(shown.endsWith('…')).toBe(true);
    }
  });
});
