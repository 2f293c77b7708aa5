import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import {
  bindAudio,
  bindNoticeExpiry,
  bindPushToTalk,
  bindTaskManager,
  bindVoiceSession,
} from '../../src/state/bind.js';
import { createInitialState, reducer } from '../../src/state/reducer.js';
import { createStore } from '../../src/state/store.js';
import type { AudioInputPort, AudioOutputPort, AudioStatus } from '../../src/audio/types.js';
import { entry, FakePtt, FakeTasks, FakeVoice, T0, task } from '../commands/fakes.js';

const newStore = () => createStore(reducer, createInitialState(), { sync: true });

describe('bind', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('bindTaskManager seeds from the port, follows events, and unbinds', () => {
    const tasks = new FakeTasks([task({ id: 1, name: 'a' })]);
    tasks.logs.set(1, [entry(1, 'text', 'hi')]);
    const store = newStore();
    const off = bindTaskManager(store, tasks, () => T0);
    expect(store.getState().order).toEqual([1]);
    expect(store.getState().tails[1]).toHaveLength(1);
    tasks.emit('added', task({ id: 2, name: 'b' }));
    tasks.emit('output', 2, [entry(1, 'tool', '→ Edit x')]);
    tasks.emit(
      'finished',
      task({ id: 2, name: 'b', status: 'failed', failure: { kind: 'crashed', message: 'crashed with exit code 3' } }),
    );
    const s = store.getState();
    expect(s.tasks[2]!.status).toBe('failed');
    expect(s.tails[2]![0]!.text).toBe('→ Edit x');
    expect(s.notices.at(-1)).toMatchObject({ text: 'Task 2 b failed: crashed with exit code 3', level: 'error' });
    off();
    expect(tasks.listenerCount('added')).toBe(0);
    expect(tasks.listenerCount('output')).toBe(0);
  });

  it('bindVoiceSession maps state, transcript, speaking, cost and info', () => {
    const voice = new FakeVoice();
    voice.mode = 'chime';
    const store = newStore();
    const off = bindVoiceSession(store, voice, () => T0);
    expect(store.getState().connection.kind).toBe('ready');
    expect(store.getState().noticeMode).toBe('chime');
    voice.emit('state', { kind: 'reconnecting', attempt: 2, retryAt: T0 + 4000 });
    voice.transcript({ id: 'a', role: 'assistant', text: 'Hi', final: false, at: T0 });
    voice.emit('speaking', true);
    voice.emit('cost', { sessionUsd: 0.12, lastTurnUsd: 0.01 });
    voice.emit('info', 'too short, nothing sent');
    const s = store.getState();
    expect(s.connection).toMatchObject({ kind: 'reconnecting', attempt: 2 });
    expect(s.transcript[0]!.text).toBe('Hi');
    expect(s.speaking).toBe(true);
    expect(s.cost.sessionUsd).toBe(0.12);
    expect(s.notices[0]!.text).toBe('too short, nothing sent');
    off();
    expect(voice.listenerCount('state')).toBe(0);
  });

  it('bindPushToTalk and bindAudio: talking, discard notice, level only while talking', () => {
    const ptt = new FakePtt();
    const store = newStore();
    class Port extends EventEmitter {
      st: AudioStatus = { kind: 'ready', device: 'default' };
      status(): AudioStatus {
        return this.st;
      }
    }
    const input = new Port() as unknown as AudioInputPort & EventEmitter;
    const output = new Port() as unknown as AudioOutputPort & EventEmitter;
    const offPtt = bindPushToTalk(store, ptt, () => T0);
    const offAudio = bindAudio(store, input, output, () => T0);
    expect(store.getState().ptt.mode.kind).toBe('toggle');
    input.emit('level', { peakDb: -10, rmsDb: -20 });
    expect(store.getState().ptt.level).toBeNull();
    ptt.key('space');
    input.emit('level', { peakDb: -10, rmsDb: -20 });
    expect(store.getState().ptt).toMatchObject({ talking: true, level: { peakDb: -10 } });
    ptt.key('escape');
    expect(store.getState().ptt).toMatchObject({ talking: false, level: null });
    expect(store.getState().notices[0]!.text).toBe('Discarded: Esc');
    output.emit('status', { kind: 'unavailable', reason: 'no audio device' });
    expect(store.getState().audio.output).toEqual({ kind: 'unavailable', reason: 'no audio device' });
    offPtt();
    offAudio();
    expect(input.listenerCount('level')).toBe(0);
  });

  it('bindNoticeExpiry removes notices when they expire', () => {
    vi.useFakeTimers({ now: T0 });
    const store = createStore(reducer, createInitialState());
    const stop = bindNoticeExpiry(store);
    store.dispatch({ type: 'notice/add', text: 'hello', at: Date.now(), ttlMs: 1000 });
    vi.advanceTimersByTime(50); // store notification arms the timer
    expect(store.getState().notices).toHaveLength(1);
    vi.advanceTimersByTime(1000);
    expect(store.getState().notices).toHaveLength(0);
    stop();
  });
});
