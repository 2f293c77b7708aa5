/** The task engine's public surface: the manager, its port types, and the helpers views use. */
export * from './types.js';
export { TaskManager, type TaskManagerOptions } from './task-manager.js';
export { defaultStateDir } from './task-store.js';
export { claudeArgs, commandArgv, agentEnv, findExecutable, STRIPPED_ENV } from './backends.js';
export { resolveTaskRef } from './resolve.js';
export { normalizeRoots, resolveProjectDir, listProjects } from './project-dirs.js';
export { decideOutcome, describeResult, formatCost } from './outcome.js';
export { oneLine, activityLine, toOutputEntries } from './display.js';
export { sanitizeText, sanitizeLine } from '../shared/sanitize.js';
export { RingBuffer } from './ring-buffer.js';
