/**
 * Answering agents' permission requests, questions and plan approvals: keys on the selected
 * waiting task (`a` allow once, `A` always allow this kind, `d` deny with an optional reason,
 * `1`–`9` an option of a question, or toggle one of a multi-select question) and the voice tools `list_requests` and `answer_request`. The safety policy lives in
 * src/permissions/desk.ts; these only route.
 */
import { z } from 'zod';
import { requestDetail } from '../permissions/describe.js';
import { requestOf } from '../state/request-selectors.js';
import { picksOf } from '../state/request-ui.js';
import { defineCommand, fail, selectedArgs, taskRef } from './define.js';
import type { AnyCommandSpec } from './types.js';
import { lookupTask, untrusted } from './wording/speech.js';
import { answerByKey, NOT_WAITING, taskArgs, waitingReason } from './request-answer.js';
import { answerPicked, requestScrollDown, requestScrollUp } from './request-screen-commands.js';

/** `a`: allow the selected task's request once. */
export const allowRequest = defineCommand({
  id: 'allow_request',
  title: 'allow',
  description: 'Allow what the selected waiting task asks, this once (a plan: approve it).',
  keys: { main: ['a'], tail: ['a'] },
  noVoiceReason: 'By voice: answer_request with decision "allow".',
  helpGroup: 'answer',
  args: taskArgs,
  argsFromState: selectedArgs,
  disabledReason: waitingReason,
  hideWhenDisabled: true,
  run: async (ctx, a) => answerByKey(ctx, a.task, 'allow'),
});

/** `A`: allow, and keep a rule for this kind of request for the task's session. */
export const allowAlwaysRequest = defineCommand({
  id: 'allow_always_request',
  title: 'always allow',
  description:
    'Allow, and from now on allow this kind of request of the selected task without asking (this command prefix, edits in this folder); kept by voice-orch for the task, never written into project settings.',
  keys: { main: ['A'], tail: ['A'] },
  noVoiceReason: 'Key only: an "always" rule is never made by voice.',
  helpGroup: 'answer',
  args: taskArgs,
  argsFromState: selectedArgs,
  disabledReason: waitingReason,
  hideWhenDisabled: true,
  run: async (ctx, a) => answerByKey(ctx, a.task, 'allow_always'),
});

/** `d`: deny the selected task's request, with an optional reason typed into a one-line field. */
export const denyRequest = defineCommand({
  id: 'deny_request',
  title: 'deny',
  description:
    'Deny what the selected waiting task asks (a plan: reject it): a line opens for an optional reason that the agent reads; Enter denies, Esc cancels.',
  keys: { main: ['d'], tail: ['d'] },
  noVoiceReason: 'By voice: answer_request with decision "deny" and a reason.',
  helpGroup: 'answer',
  form: 'deny-reason',
  args: taskArgs.extend({ message: z.string().trim().max(2000).optional() }),
  argsFromState: selectedArgs,
  disabledReason: waitingReason,
  hideWhenDisabled: true,
  run: async (ctx, a) => answerByKey(ctx, a.task, 'deny', a.message ? { message: a.message } : {}),
});

function optionCommand(n: number): AnyCommandSpec<`answer_option_${number}`> {
  return defineCommand({
    id: `answer_option_${n}` as `answer_option_${number}`,
    title: `option ${n}`,
    description: 'Answer the selected task’s question with that option (1–9); a multi-select question: pick it.',
    keys: { main: [String(n)], tail: [String(n)] },
    noVoiceReason: 'By voice: answer_request with choice.',
    helpGroup: 'answer',
    args: taskArgs,
    argsFromState: selectedArgs,
    disabledReason: (state, args) => {
      const r = typeof args.task === 'number' ? requestOf(state, args.task) : undefined;
      if (!r) return NOT_WAITING;
      return r.options.length >= n
        ? undefined
        : r.options.length
          ? `the question has ${r.options.length} options`
          : 'no question';
    },
    hideWhenDisabled: true,
    run: async (ctx, a) => {
      const task = (a as { task: number }).task;
      const r = requestOf(ctx.store.getState(), task);
      // A multi-select question: the key toggles the option; Enter sends the picks.
      if (r?.multiSelect) {
        ctx.store.dispatch({ type: 'request-ui/pick', id: r.id, option: n });
        const on = picksOf(ctx.store.getState(), r.id).includes(n);
        return { ok: true, say: `Option ${n} ${on ? 'picked' : 'dropped'}.`, activity: on ? 'picked' : 'dropped' };
      }
      return answerByKey(ctx, task, 'allow', { choices: [n] });
    },
  });
}

/** `1`–`9`: one command per option key (one help row). */
export const answerOptions = [1, 2, 3, 4, 5, 6, 7, 8, 9].map(optionCommand);

const LIST_TEXT =
  'List the requests agents are waiting on: task number, name and what is asked (a command, an edit, a question with numbered options, a plan).';

/** Voice: what waits for the user. */
export const listRequests = defineCommand({
  id: 'list_requests',
  title: 'requests',
  description: LIST_TEXT,
  noKeyReason: 'The table shows waiting tasks as "needs you"; select one to see its request.',
  voice: { name: 'list_requests', modelDescription: LIST_TEXT, parameters: z.object({}) },
  async run(ctx) {
    const list = ctx.requests?.list() ?? [];
    if (list.length === 0) return { ok: true, say: 'No task is waiting for a decision.' };
    const parts = list.map((r) => {
      const t = ctx.tasks.get(r.task);
      const risk = ctx.requests?.risk(r);
      const head = `Task ${r.task}${t ? ` "${t.name}"` : ''}${risk ? ` (high-risk: ${risk}; allowing needs a key press)` : ''}:`;
      return `${head}\n${untrusted(r.task, requestDetail(r, t?.projectDir), 1500)}`;
    });
    return { ok: true, say: parts.join('\n'), notice: `${list.length} request${list.length === 1 ? '' : 's'} waiting` };
  },
});

const ANSWER_TEXT =
  'Answer a task’s pending request. Read the exact command or question back to the user before answering. decision "allow" (for a question: with choice, the option number or the answer text; for a multi-select question: choices, every picked option; for a plan: approve), "deny" (message: the reason, or feedback on a plan, reaches the agent). "allow_always" is refused here (the user does it on screen), and a high-risk request can only be allowed on screen.';
const ANSWER_HELP =
  'Answer the selected waiting task: a allow once, A always allow this kind for the task (this command prefix, edits in this folder; never by voice), d deny (with an optional reason), 1–9 pick a question’s option (a multi-select question: toggle options, then Enter), PgUp/PgDn scroll the request. By voice, allowing a high-risk request needs a key press.';

/** Voice: allow, deny, or answer a question. */
export const answerRequest = defineCommand({
  id: 'answer_request',
  title: 'answer',
  description: ANSWER_HELP,
  noKeyReason: 'The keys act on the selected task when it needs you.',
  helpGroup: 'answer',
  voice: {
    name: 'answer_request',
    modelDescription: ANSWER_TEXT,
    parameters: z.object({
      task: taskRef,
      decision: z.enum(['allow', 'allow_always', 'deny']),
      message: z.string().trim().max(2000).optional().describe('Why it was denied, or feedback on a plan'),
      choice: z
        .union([z.number().int().min(1).max(99), z.string().trim().min(1).max(500)])
        .optional()
        .describe('For a question: the option number (1 = first) or the answer text'),
      choices: z
        .array(z.union([z.number().int().min(1).max(99), z.string().trim().min(1).max(500)]))
        .min(1)
        .max(20)
        .optional()
        .describe('For a multi-select question: every picked option number (or answer text)'),
    }),
  },
  async run(ctx, a) {
    if (!ctx.requests) return fail('Permission requests are not available.');
    const found = lookupTask(ctx.tasks, a.task);
    if (!found.ok) return found.result;
    const r = ctx.requests.answer(found.task.id, a.decision, {
      source: ctx.source,
      ...(a.message !== undefined ? { message: a.message } : {}),
      ...(a.choice !== undefined ? { choice: a.choice } : {}),
      ...(a.choices !== undefined ? { choices: a.choices } : {}),
    });
    return { ok: r.ok, say: r.say, notice: r.say };
  },
});

/** Every request command, in registry order. */
export const requestCommands = [
  answerRequest,
  allowRequest,
  allowAlwaysRequest,
  denyRequest,
  ...answerOptions,
  requestScrollDown,
  requestScrollUp,
  listRequests,
] as const;

/** Help rows shown only while a task waits for a decision (the `?` overlay shows what applies). */
export const REQUEST_HELP_IDS: ReadonlySet<string> = new Set([answerRequest.id, listRequests.id, answerPicked.id]);
