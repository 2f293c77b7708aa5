/**
 * How commands are written: the spec helpers and the key-path checks that task, screen and
 * session commands share.
 */
import { z } from 'zod';
import { focusedTask } from '../state/selectors.js';
import type { Action } from '../state/actions.js';
import type { AppState } from '../state/types.js';
import type { TaskRecord } from '../tasks/types.js';
import type { AnyCommandSpec, CommandResult, CommandSpec, RunContext } from './types.js';

/**
 * Erases a spec's argument type so the registry can hold specs of every shape; the id keeps its
 * literal type, so the registry's ids form {@link import('./registry.js').CommandId}.
 */
export function defineCommand<const Id extends string, A = Record<string, unknown>>(
  spec: CommandSpec<A, Id>,
): AnyCommandSpec<Id> {
  return spec as unknown as AnyCommandSpec<Id>;
}

/** The `task` argument of a voice tool. */
export const taskRef = z.union([z.string(), z.number()]).describe('Task number (e.g. 3) or name (e.g. "fix-login")');

/**
 * Key-path args: the task on screen (the one open in the log or result view, else the table
 * selection). A voice command may move the selection while a view is open; the key still acts on
 * the task the user is looking at.
 */
export const selectedArgs = (state: AppState): Record<string, unknown> => {
  const t = focusedTask(state);
  return t ? { task: t.id } : {};
};

/** The task a key-path arg names, when the store knows it by id. */
export function knownTask(state: AppState, args: Record<string, unknown>): TaskRecord | undefined {
  const ref = args.task;
  const id = typeof ref === 'number' ? ref : typeof ref === 'string' && /^\d+$/.test(ref.trim()) ? Number(ref) : NaN;
  return Number.isNaN(id) ? undefined : state.tasks[id];
}

/** Why a task command cannot run: no task selected, or no tasks at all. */
export const needsTask = (state: AppState, args: Record<string, unknown>): string | undefined =>
  args.task === undefined
    ? state.order.length
      ? 'no task selected'
      : 'no tasks yet — press n to start one'
    : undefined;

/** Why a command that needs the assistant cannot run. */
export const voiceOff = (state: AppState): string | undefined =>
  state.connection.kind === 'disabled' ? `voice is off: ${state.connection.reason}` : undefined;

/** A refusal as a value. */
export const fail = (say: string, activity?: string): CommandResult => ({
  ok: false,
  say,
  ...(activity ? { activity } : {}),
});

/**
 * A keyboard-only screen command: it changes what the screen shows by one store action (or a
 * function that dispatches, e.g. after reading a log page) and says nothing (no activity line,
 * no voice tool; `noVoiceReason` says why).
 */
export function screenCommand<const Id extends string>(
  spec: Omit<CommandSpec<Record<string, never>, Id>, 'run' | 'quiet'> & {
    action: Action | ((ctx: RunContext) => Promise<void>);
  },
): AnyCommandSpec<Id> {
  const { action, ...rest } = spec;
  return defineCommand<Id, Record<string, never>>({
    ...rest,
    quiet: true,
    async run(ctx) {
      if (typeof action === 'function') await action(ctx);
      else ctx.store.dispatch(action);
      return { ok: true, say: '' };
    },
  });
}
