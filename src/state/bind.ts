/**
 * Port events → store actions. Each binder subscribes, seeds the store with the port's current
 * state and returns the function that unsubscribes.
 */
import type { AudioInputEvents, AudioInputPort, AudioOutputEvents, AudioOutputPort } from '../audio/types.js';
import type { PushToTalkEvents, PushToTalkPort } from '../input/types.js';
import type { VoiceEngine, VoiceEngineEvents } from '../session/voice-engine.js';
import type { EventMap, EventSource } from '../shared/events.js';
import { errorText } from '../shared/errors.js';
import type { TaskManagerEvents, TaskManagerPort, TaskRecord } from '../tasks/types.js';
import type { Action } from './actions.js';
import type { Store } from './store.js';
import type { AppState, NoticeKind } from './types.js';

/** The store type every binder takes. */
export type AppStore = Store<AppState, Action>;

function listen<E extends EventMap<E>>(
  port: EventSource<E>,
  handlers: { [K in keyof E]?: (...args: E[K]) => void },
): () => void {
  const keys = Object.keys(handlers) as (keyof E)[];
  for (const k of keys) port.on(k, handlers[k]!);
  return () => {
    for (const k of keys) port.off(k, handlers[k]!);
  };
}

function finishNotice(t: TaskRecord): { text: string; level: 'success' | 'error' | 'warning'; kind: NoticeKind } {
  switch (t.status) {
    case 'completed':
      return { text: `Task ${t.id} ${t.name} finished`, level: 'success', kind: 'finished' };
    case 'failed':
      return {
        text: `Task ${t.id} ${t.name} failed${t.failure ? `: ${t.failure.message}` : ''}`,
        level: 'error',
        kind: 'failure',
      };
    case 'cancelled':
      return { text: `Task ${t.id} ${t.name} cancelled`, level: 'warning', kind: 'cancelled' };
    default:
      return { text: `Task ${t.id} ${t.name} ${t.status}`, level: 'warning', kind: 'failure' };
  }
}

/** Task records, output and engine errors. `now` is for notice expiry (tests pass a clock). */
export function bindTaskManager(store: AppStore, port: TaskManagerPort, now: () => number = Date.now): () => void {
  store.dispatch({ type: 'tasks/reset', tasks: port.list() });
  for (const t of port.list()) {
    const entries = port.tail(t.id);
    if (entries.length) store.dispatch({ type: 'task/output', taskId: t.id, entries });
  }
  const upsert = (task: TaskRecord): void => store.dispatch({ type: 'task/upsert', task });
  return listen<TaskManagerEvents>(port, {
    added: upsert,
    updated: upsert,
    stalled: (task) => {
      upsert(task);
      store.dispatch({
        type: 'notice/add',
        text: `Task ${task.id} ${task.name} looks stalled (no output)`,
        level: 'warning',
        at: now(),
      });
    },
    finished: (task) => {
      upsert(task);
      store.dispatch({ type: 'notice/add', ...finishNotice(task), at: now() });
    },
    output: (taskId, entries) => store.dispatch({ type: 'task/output', taskId, entries }),
    error: (e) =>
      store.dispatch({ type: 'notice/add', text: `Task engine: ${errorText(e)}`, level: 'error', at: now() }),
  });
}

/** Connection state, transcript, speaking, cost, latency, info/error messages. */
export function bindVoiceSession(store: AppStore, port: VoiceEngine, now: () => number = Date.now): () => void {
  store.dispatch({ type: 'connection', state: port.state() });
  store.dispatch({ type: 'noticeMode', mode: port.noticeMode() });
  return listen<VoiceEngineEvents>(port, {
    state: (state) => store.dispatch({ type: 'connection', state }),
    transcript: (entry) => store.dispatch({ type: 'transcript/upsert', entry }),
    speaking: (speaking) => store.dispatch({ type: 'speaking', speaking }),
    cost: (cost) => store.dispatch({ type: 'cost', cost }),
    latency: (latency) => store.dispatch({ type: 'latency', latency }),
    info: (text) => store.dispatch({ type: 'notice/add', text, level: 'info', at: now() }),
    error: (e) => store.dispatch({ type: 'notice/add', text: `Voice: ${errorText(e)}`, level: 'error', at: now() }),
  });
}

/** Push-to-talk mode and talking state. */
export function bindPushToTalk(store: AppStore, port: PushToTalkPort, now: () => number = Date.now): () => void {
  store.dispatch({ type: 'ptt/mode', mode: port.mode() });
  store.dispatch({ type: 'ptt/talking', talking: port.isTalking() });
  return listen<PushToTalkEvents>(port, {
    mode: (mode) => store.dispatch({ type: 'ptt/mode', mode }),
    press: () => store.dispatch({ type: 'ptt/talking', talking: true }),
    release: () => store.dispatch({ type: 'ptt/talking', talking: false }),
    discard: (reason) => {
      store.dispatch({ type: 'ptt/talking', talking: false });
      store.dispatch({ type: 'notice/add', text: `Discarded: ${reason}`, level: 'info', at: now() });
    },
    error: (e) =>
      store.dispatch({ type: 'notice/add', text: `Push-to-talk: ${errorText(e)}`, level: 'error', at: now() }),
  });
}

/** Microphone level (only kept while talking) and helper status of both audio directions. */
export function bindAudio(
  store: AppStore,
  input: AudioInputPort,
  output: AudioOutputPort,
  now: () => number = Date.now,
): () => void {
  store.dispatch({ type: 'audio/input', status: input.status() });
  store.dispatch({ type: 'audio/output', status: output.status() });
  const offIn = listen<AudioInputEvents>(input, {
    level: (level) => {
      if (store.getState().ptt.talking) store.dispatch({ type: 'ptt/level', level });
    },
    status: (status) => store.dispatch({ type: 'audio/input', status }),
    error: (e) =>
      store.dispatch({ type: 'notice/add', text: `Microphone: ${errorText(e)}`, level: 'error', at: now() }),
  });
  const offOut = listen<AudioOutputEvents>(output, {
    status: (status) => store.dispatch({ type: 'audio/output', status }),
    error: (e) => store.dispatch({ type: 'notice/add', text: `Speaker: ${errorText(e)}`, level: 'error', at: now() }),
  });
  return () => {
    offIn();
    offOut();
  };
}

/**
 * Removes notices when they expire: one timer for the earliest expiry, re-armed on change.
 * Returns the function that stops it.
 */
export function bindNoticeExpiry(store: AppStore, now: () => number = Date.now): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let armedFor = Infinity;
  const arm = (): void => {
    const next = Math.min(Infinity, ...store.getState().notices.map((n) => n.expiresAt));
    if (next === armedFor) return;
    if (timer) clearTimeout(timer);
    timer = null;
    armedFor = next;
    if (next === Infinity) return;
    timer = setTimeout(
      () => {
        timer = null;
        armedFor = Infinity;
        store.dispatch({ type: 'notice/expire', now: now() });
        arm();
      },
      Math.max(0, next - now()),
    );
  };
  arm();
  const unsubscribe = store.subscribe(arm);
  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
}
