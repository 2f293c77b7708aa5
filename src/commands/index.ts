/** The command layer: registry, dispatch, key map, hints, Realtime tools and the tool host. */
export type * from './types.js';
export { commands, defineCommand, findCommand, findTool } from './registry.js';
export { createDispatcher, dispatchCommand, type Dispatcher } from './dispatch.js';
export * from './keymap.js';
export { toolDefinitions, toolParameters } from './tools.js';
export { createToolHost } from './tool-host.js';
export { boardSummary } from './wording/board.js';
