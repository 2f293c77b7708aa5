/**
 * The task commands: start, list, inspect, cancel and follow up a task, by key and by voice.
 * Their sentences live in wording/.
 */
import { liveFollowUp, WHEN_TEXT } from './steer-follow-up.js';
import { z } from 'zod';
import { AGENT_KINDS, ISOLATION_MODES, PERMISSION_MODES, REASONING_EFFORTS } from '../shared/settings-values.js';
import { isLive } from '../tasks/types.js';
import { defineCommand, knownTask, needsTask, selectedArgs, taskRef } from './define.js';
import { loadNewestPage } from './tail-paging.js';
import {
  cancelledAnswer,
  followedUpAnswer,
  listAnswer,
  notLiveAnswer,
  refusedAnswer,
  resultAnswer,
  startedAnswer,
} from './wording/task-answers.js';
import { lookupTask, statusSentence } from './wording/speech.js';

// Where the key help and the model's text say the same, they share one sentence.
const SPAWN_TEXT =
  'Start a new background coding task: a coding agent (Claude Code by default, or Codex or Gemini CLI) working on the prompt in a project directory. Answers at once with the task number.';
const LIST_TEXT = 'List every task with its number, name, project and status (live tasks first).';
const RESULT_TEXT =
  'What a task produced: its final text (summary or full), status or failure reason, cost, turns and files touched.';
const STATUS_TEXT = 'How a task is doing: status, how long it has run, its latest activity, turns and cost.';
const CANCEL_TEXT = 'Cancel a queued or running task (the agent is stopped; its output so far is kept).';
const FOLLOW_UP_TEXT =
  'Send a follow-up prompt to an existing task: the agent continues the same conversation in the same project. To a task that is still running it is queued and runs as soon as the current run ends, or with when "now" the current run is interrupted and the message sent at once.';

const BUDGET_MESSAGE = 'budget must be an amount of US dollars above zero, e.g. 2.5';
const budgetUsd = z.number({ error: BUDGET_MESSAGE }).positive(BUDGET_MESSAGE).finite(BUDGET_MESSAGE);

const spawnParams = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'name is required')
    .max(60, 'name is too long (60 characters at most)')
    .describe('Short name for the task, one to three words, e.g. "fix-login"'),
  prompt: z.string().trim().min(1, 'prompt is required').describe('What the coding agent should do, in full sentences'),
  project: z
    .string()
    .trim()
    .min(1, 'project is required')
    .describe('Project directory: a directory name under the allowed roots, or an absolute path inside them'),
  model: z.string().trim().min(1).optional().describe('Model alias or name for the agent; leave out for the default'),
  host: z
    .string()
    .trim()
    .optional()
    .describe('A configured remote host to run on (e.g. "build"); leave out to run on this machine'),
  budget_usd: budgetUsd
    .optional()
    .describe(
      'Caps what the agent may spend on this task, in US dollars (it stops when the cap is reached); only when the user names an amount, else leave out for the configured default',
    ),
  agent: z
    .enum(AGENT_KINDS, { error: `agent must be one of: ${AGENT_KINDS.join(', ')}` })
    .optional()
    .describe(
      'Which coding agent CLI runs the task; only when the user names one ("give this to Codex"), else leave out',
    ),
  reasoning_effort: z
    .enum(REASONING_EFFORTS, { error: `reasoning effort must be one of: ${REASONING_EFFORTS.join(', ')}` })
    .optional()
    .describe('Codex only: how hard the model thinks; only when the user asks, else leave out'),
  isolation: z
    .enum(ISOLATION_MODES, { error: `isolation must be one of: ${ISOLATION_MODES.join(', ')}` })
    .optional()
    .describe(
      'Where the agent works: "worktree" = a git worktree and branch of its own, "in_place" = the folder itself (waits for other tasks there), "auto" (default) = a worktree only when the repository already has a live task; leave out unless the user asks',
    ),
  plan_first: z
    .boolean()
    .optional()
    .describe(
      'true = the agent only plans first; its plan comes back as a request the user approves or rejects with feedback. Only when the user asks for a plan first',
    ),
});

const spawnArgs = spawnParams.extend({
  permissionMode: z
    .enum(PERMISSION_MODES, { error: `permissions must be one of: ${PERMISSION_MODES.join(', ')}` })
    .optional(),
  // Typed agent and effort names are matched without case ("Codex").
  agent: z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), spawnParams.shape.agent),
  reasoning_effort: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toLowerCase() : v),
    spawnParams.shape.reasoning_effort,
  ),
  // The form's field is text: "2.5" or "$2.5" becomes a number, anything else is refused.
  budget_usd: z
    .preprocess((v) => (typeof v === 'string' ? Number(v.trim().replace(/^\$/, '')) : v), budgetUsd)
    .optional(),
});

export const spawnTask = defineCommand({
  id: 'spawn_task',
  title: 'new task',
  description: SPAWN_TEXT,
  keys: { main: ['n'] },
  voice: {
    name: 'spawn_task',
    modelDescription: SPAWN_TEXT,
    parameters: spawnParams,
  },
  args: spawnArgs,
  form: 'new-task',
  async run(ctx, a: z.output<typeof spawnArgs>) {
    const r = await ctx.tasks.spawn({
      name: a.name,
      prompt: a.prompt,
      projectDir: a.project,
      ...(a.model ? { model: a.model } : {}),
      ...(a.host ? { host: a.host } : {}),
      ...(a.permissionMode ? { permissionMode: a.permissionMode } : {}),
      ...(a.plan_first ? { permissionMode: 'plan' as const } : {}),
      ...(a.budget_usd !== undefined ? { maxBudgetUsd: a.budget_usd } : {}),
      ...(a.agent ? { backend: a.agent } : {}),
      ...(a.reasoning_effort ? { reasoningEffort: a.reasoning_effort } : {}),
      ...(a.isolation ? { isolation: a.isolation } : {}),
    });
    if (!r.ok) return refusedAnswer('Could not start the task', r.message);
    const t = r.value;
    // The manager's `added` event may not have reached the store yet; the record is the same.
    ctx.store.dispatch({ type: 'task/upsert', task: t });
    ctx.store.dispatch({ type: 'select/set', taskId: t.id });
    return startedAnswer(t);
  },
});

export const listTasks = defineCommand({
  id: 'list_tasks',
  title: 'list tasks',
  description: LIST_TEXT,
  noKeyReason: 'The task table on screen always shows every task.',
  voice: {
    name: 'list_tasks',
    modelDescription: LIST_TEXT,
    parameters: z.object({}),
  },
  async run(ctx) {
    const tasks = ctx.tasks.list();
    return { ok: true, say: listAnswer(tasks, ctx.now()), activity: `${tasks.length} tasks` };
  },
});

export const getTaskStatus = defineCommand({
  id: 'get_task_status',
  title: 'open log',
  description: `${STATUS_TEXT} By key it opens the task’s live log.`,
  keys: { main: ['enter'] },
  voice: {
    name: 'get_task_status',
    modelDescription: STATUS_TEXT,
    parameters: z.object({ task: taskRef }),
  },
  argsFromState: selectedArgs,
  disabledReason: needsTask,
  quiet: true,
  async run(ctx, a) {
    const found = lookupTask(ctx.tasks, a.task);
    if (!found.ok) return found.result;
    const t = found.task;
    if (ctx.source === 'key') {
      ctx.store.dispatch({ type: 'view/tail', taskId: t.id });
      await loadNewestPage(ctx, t.id);
      return { ok: true, say: `Showing the log of ${t.name}.`, data: { taskId: t.id } };
    }
    ctx.store.dispatch({ type: 'select/set', taskId: t.id });
    return { ok: true, say: statusSentence(t, ctx.now()), activity: t.status, data: { taskId: t.id } };
  },
});

const resultParams = z.object({
  task: taskRef,
  detail: z
    .enum(['summary', 'full'])
    .optional()
    .describe('"summary" (default) reads the start of the final text; "full" reads more of it'),
});

export const getTaskResult = defineCommand({
  id: 'get_task_result',
  title: 'result',
  description: RESULT_TEXT,
  keys: { main: ['r'], tail: ['r'] },
  voice: {
    name: 'get_task_result',
    modelDescription: RESULT_TEXT,
    parameters: resultParams,
  },
  argsFromState: selectedArgs,
  disabledReason: needsTask,
  quiet: true,
  async run(ctx, a: z.output<typeof resultParams>) {
    const found = lookupTask(ctx.tasks, a.task);
    if (!found.ok) return found.result;
    const t = found.task;
    if (ctx.source === 'key') {
      ctx.store.dispatch({ type: 'view/result', taskId: t.id });
      return { ok: true, say: `Showing the result of ${t.name}.`, data: { taskId: t.id } };
    }
    ctx.store.dispatch({ type: 'select/set', taskId: t.id });
    const lastText = isLive(t.status)
      ? [...ctx.tasks.tail(t.id, 30)].reverse().find((e) => e.kind === 'text')?.text
      : undefined;
    return {
      ok: true,
      say: resultAnswer(t, a.detail ?? 'summary', ctx.now(), lastText),
      activity: t.resultText ? `${t.status}, result read` : t.status,
      data: { taskId: t.id },
    };
  },
});

export const cancelTask = defineCommand({
  id: 'cancel_task',
  title: 'cancel',
  description: `${CANCEL_TEXT} By key it asks first; by voice the request itself is the confirmation.`,
  keys: { main: ['q'], tail: ['q'], result: ['q'] },
  voice: {
    name: 'cancel_task',
    modelDescription: `${CANCEL_TEXT} The request itself is the confirmation.`,
    parameters: z.object({ task: taskRef }),
  },
  argsFromState: selectedArgs,
  disabledReason(state, args) {
    const missing = needsTask(state, args);
    if (missing) return missing;
    const t = knownTask(state, args);
    return t && !isLive(t.status) ? `task ${t.id} is already ${t.status}` : undefined;
  },
  confirm(a, state) {
    const t = knownTask(state, a);
    return {
      kind: 'cancel-task',
      title: t ? `Cancel task ${t.id} "${t.name}"?` : `Cancel task ${String(a.task)}?`,
      detail: 'The agent is stopped; its output so far is kept.',
      choices: [
        { key: 'y', label: 'yes, cancel it', args: {} },
        { key: 'n', label: 'no', args: null },
        { key: 'escape', label: 'back', args: null, alsoKeys: ['ctrl+c'] },
      ],
    };
  },
  async run(ctx, a) {
    const found = lookupTask(ctx.tasks, a.task);
    if (!found.ok) return found.result;
    const t = found.task;
    if (!isLive(t.status)) return notLiveAnswer(t);
    const r = await ctx.tasks.cancel(t.id);
    if (!r.ok) return refusedAnswer(`Could not cancel task ${t.id}`, r.message);
    return cancelledAnswer(t);
  },
});

export const followUpTask = defineCommand({
  id: 'follow_up_task',
  title: 'follow-up',
  description: FOLLOW_UP_TEXT,
  keys: { main: ['f'], result: ['f'] },
  voice: {
    name: 'follow_up_task',
    modelDescription: FOLLOW_UP_TEXT,
    parameters: z.object({
      task: taskRef,
      prompt: z.string().trim().min(1, 'prompt is required').describe('What the agent should do next'),
      when: z.enum(['after', 'now']).optional().describe(WHEN_TEXT),
    }),
  },
  form: 'follow-up',
  argsFromState: selectedArgs,
  disabledReason: needsTask,
  async run(ctx, a) {
    const found = lookupTask(ctx.tasks, a.task);
    if (!found.ok) return found.result;
    const live = await liveFollowUp(ctx, found.task, a.prompt, a.when ?? 'after');
    if (live) return live;
    const r = await ctx.tasks.followUp(found.task.id, a.prompt);
    if (!r.ok) return refusedAnswer('Could not send the follow-up', r.message);
    const t = r.value;
    // The manager's `added` event may not have reached the store yet; the record is the same.
    ctx.store.dispatch({ type: 'task/upsert', task: t });
    ctx.store.dispatch({ type: 'select/set', taskId: t.id });
    return followedUpAnswer(t);
  },
});
