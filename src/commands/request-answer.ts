/**
 * The key path's answer to a waiting task's request, shared by the request commands.
 */
import { z } from 'zod';
import type { AnswerKind } from '../permissions/desk.js';
import { requestOf } from '../state/request-selectors.js';
import type { AppState } from '../state/types.js';
import { fail } from './define.js';
import type { CommandResult, RunContext } from './types.js';

/** Why a request key does nothing. */
export const NOT_WAITING = 'the selected task is not waiting for a decision';

/** Disabled unless the task waits for a decision. */
export const waitingReason = (state: AppState, args: Record<string, unknown>): string | undefined =>
  typeof args.task === 'number' && requestOf(state, args.task) ? undefined : NOT_WAITING;

/** Answers the task's request by key: a decision, a question's options, a deny's reason. */
export function answerByKey(
  ctx: RunContext,
  task: unknown,
  kind: AnswerKind,
  more: { choices?: readonly number[]; message?: string } = {},
): CommandResult {
  if (!ctx.requests) return fail('Permission requests are not available.');
  if (typeof task !== 'number') return fail('No task selected.');
  const r = ctx.requests.answer(task, kind, { source: ctx.source, ...more });
  return { ok: r.ok, say: r.say, notice: r.say };
}

/** Args of the request keys. */
export const taskArgs = z.object({ task: z.number().int() });
