/** The UI state layer: types, actions, reducer, store, selectors and port bindings. */
export type * from './types.js';
export type { Action, FormKey } from './actions.js';
export { createInitialState, reducer, type InitialStateOptions } from './reducer.js';
export { createStore, type Store, type StoreOptions } from './store.js';
export * from './selectors.js';
export { bindAudio, bindNoticeExpiry, bindPushToTalk, bindTaskManager, bindVoiceSession, type AppStore } from './bind.js';
