/** The UI state layer: types, actions, reducer, store, selectors and port bindings. */
export type * from './types.js';
export type { Action, FormKey } from './actions.js';
export { createInitialState, reducer, type InitialStateOptions } from './reducer.js';
export { createStore, type Store, type StoreOptions } from './store.js';
export * from './selectors.js';
import { createInitialState, reducer, type InitialStateOptions } from './reducer.js';
import { APP_INTERVAL_MS, createStore, type StoreOptions } from './store.js';
import type { AppStore } from './bind.js';

/** The app's store: the reducer over the initial state, background notifications coalesced (state/store.ts). */
export function createAppStore(opts: InitialStateOptions & StoreOptions = {}): AppStore {
  return createStore(reducer, createInitialState(opts), { intervalMs: APP_INTERVAL_MS, ...opts });
}
export {
  bindAudio,
  bindNoticeExpiry,
  bindPushToTalk,
  bindTaskManager,
  bindVoiceSession,
  type AppStore,
} from './bind.js';
