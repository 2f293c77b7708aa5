/**
 * Every command of voice-orch. Order matters for keys: when two commands share a key in a scope,
 * the first one that is enabled wins (Esc discards a toggle-talk turn before it closes a view).
 */
import { errorText } from '../shared/errors.js';
import { z } from 'zod';
import type { NoticeMode } from '../session/types.js';
import { focusedTask, liveTasks } from '../state/selectors.js';
import type { Action } from '../state/actions.js';
import type { AppState } from '../state/types.js';
import { isLive, type TaskRecord } from '../tasks/types.js';
import {
  elapsedMs,
  failureReason,
  lookupTask,
  oneLine,
  shortProject,
  spokenCost,
  spokenDuration,
  statusLine,
  statusSentence,
  untrusted,
} from './speech.js';
import type { AnyCommandSpec, CommandResult, CommandSpec, RunContext } from './types.js';

/** Erases a spec's argument type so the registry can hold specs of every shape. */
export function defineCommand<A>(spec: CommandSpec<A>): AnyCommandSpec {
  return spec as unknown as AnyCommandSpec;
}

/** Longest task result read back with detail "summary". */
export const RESULT_SUMMARY_CHARS = 600;
/** Longest task result read back with detail "full". */
export const RESULT_FULL_CHARS = 4_000;
/** Entries a page up/down moves in the log. */
export const TAIL_PAGE = 10;

const taskRef = z.union([z.string(), z.number()]).describe('Task number (e.g. 3) or name (e.g. "fix-login")');

const PERMISSION_MODES = ['acceptEdits', 'auto', 'bypassPermissions', 'manual', 'default', 'dontAsk', 'plan'] as const;
const NOTICE_MODES: readonly NoticeMode[] = ['speak', 'chime', 'off'];

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
  model: z.string().trim().min(1).optional().describe('Claude model alias or name; leave out for the default'),
});

const spawnArgs = spawnParams.extend({
  permissionMode: z
    .enum(PERMISSION_MODES, { error: `permissions must be one of: ${PERMISSION_MODES.join(', ')}` })
    .optional(),
});

/**
 * Key-path args: the task on screen (the one open in the log or result view, else the table
 * selection). A voice command may move the selection while a view is open; the key still acts on
 * the task the user is looking at.
 */
const selectedArgs = (state: AppState): Record<string, unknown> => {
  const t = focusedTask(state);
  return t ? { task: t.id } : {};
};

/** The task a key-path arg names, when the store knows it by id. */
function knownTask(state: AppState, args: Record<string, unknown>): TaskRecord | undefined {
  const ref = args.task;
  const id = typeof ref === 'number' ? ref : typeof ref === 'string' && /^\d+$/.test(ref.trim()) ? Number(ref) : NaN;
  return Number.isNaN(id) ? undefined : state.tasks[id];
}

const needsTask = (state: AppState, args: Record<string, unknown>): string | undefined =>
  args.task === undefined
    ? state.order.length
      ? 'no task selected'
      : 'no tasks yet — press n to start one'
    : undefined;

const voiceOff = (state: AppState): string | undefined =>
  state.connection.kind === 'disabled' ? `voice is off: ${state.connection.reason}` : undefined;

const fail = (say: string, activity?: string): CommandResult => ({ ok: false, say, ...(activity ? { activity } : {}) });

/**
 * A keyboard-only screen command: it changes what the screen shows by one store action and says
 * nothing (no activity line, no voice tool; `noVoiceReason` says why).
 */
function screenCommand(
  spec: Omit<CommandSpec<Record<string, never>>, 'run' | 'quiet'> & { action: Action },
): AnyCommandSpec {
  const { action, ...rest } = spec;
  return defineCommand({
    ...rest,
    quiet: true,
    async run(ctx) {
      ctx.store.dispatch(action);
      return { ok: true, say: '' };
    },
  });
}

function nextNoticeMode(mode: NoticeMode): NoticeMode {
  return NOTICE_MODES[(NOTICE_MODES.indexOf(mode) + 1) % NOTICE_MODES.length]!;
}

async function loadTail(ctx: RunContext, taskId: number): Promise<void> {
  try {
    const entries = await ctx.tasks.readLog(taskId);
    ctx.store.dispatch({ type: 'tail/loaded', taskId, entries });
  } catch (e) {
    ctx.store.dispatch({ type: 'tail/load-failed', taskId, error: errorText(e) });
  }
}

const TASK_LIST_MAX = 12;

function listSay(tasks: TaskRecord[], now: number): string {
  if (tasks.length === 0) return 'There are no tasks yet.';
  const live = tasks.filter((t) => isLive(t.status));
  const done = tasks.filter((t) => !isLive(t.status));
  // Live tasks first; of the finished ones the most recent matter most.
  const shown = [...live, ...done.slice().reverse()].slice(0, TASK_LIST_MAX);
  const counts = new Map<string, number>();
  for (const t of tasks) counts.set(t.status, (counts.get(t.status) ?? 0) + 1);
  const head = `${tasks.length} task${tasks.length === 1 ? '' : 's'}: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')}.`;
  const more = tasks.length > shown.length ? `\n(${tasks.length - shown.length} older tasks not listed)` : '';
  return `${head}\n${shown.map((t) => statusLine(t, now)).join('\n')}${more}`;
}

function resultSay(t: TaskRecord, detail: 'summary' | 'full', ctx: RunContext): string {
  const now = ctx.now();
  const el = elapsedMs(t, now);
  const facts = [
    `${t.turns} turn${t.turns === 1 ? '' : 's'}`,
    spokenCost(t.costUsd),
    ...(el !== undefined ? [`${isLive(t.status) ? 'running for' : 'took'} ${spokenDuration(el)}`] : []),
  ].join(', ');
  const files = t.filesTouched.length
    ? ` Files touched: ${t.filesTouched.slice(0, 8).map(shortProject).join(', ')}${t.filesTouched.length > 8 ? ` and ${t.filesTouched.length - 8} more` : ''}.`
    : '';
  const max = detail === 'full' ? RESULT_FULL_CHARS : RESULT_SUMMARY_CHARS;
  if (isLive(t.status)) {
    const lastText = [...ctx.tasks.tail(t.id, 30)].reverse().find((e) => e.kind === 'text');
    const head = `Task ${t.id} "${t.name}" is still ${t.status}, there is no final result yet (${facts}).`;
    return lastText ? `${head} Its latest message:\n${untrusted(t.id, lastText.text, max)}` : head;
  }
  const why = t.failure ? ` ${failureReason(t, 160)}` : '';
  const head = `Task ${t.id} "${t.name}" ${t.status} (${facts}).${why}${files}`;
  if (!t.resultText) return `${head} It left no final text.`;
  return `${head} Its final text follows.\n${untrusted(t.id, t.resultText, max)}`;
}

/** The command registry. */
export const commands: readonly AnyCommandSpec[] = [
  defineCommand<z.output<typeof spawnArgs>>({
    id: 'spawn_task',
    title: 'new task',
    description:
      'Start a new background coding task: a Claude Code agent working on the prompt in a project directory. Answers at once with the task number.',
    keys: { main: ['n'] },
    voice: { name: 'spawn_task', parameters: spawnParams },
    args: spawnArgs,
    form: 'new-task',
    async run(ctx, a) {
      const r = await ctx.tasks.spawn({
        name: a.name,
        prompt: a.prompt,
        projectDir: a.project,
        ...(a.model ? { model: a.model } : {}),
        ...(a.permissionMode ? { permissionMode: a.permissionMode } : {}),
      });
      if (!r.ok) return fail(`Could not start the task: ${r.message}`, `refused: ${oneLine(r.message, 60)}`);
      const t = r.value;
      // The manager's `added` event may not have reached the store yet; the record is the same.
      ctx.store.dispatch({ type: 'task/upsert', task: t });
      ctx.store.dispatch({ type: 'select/set', taskId: t.id });
      const queued = t.status === 'queued' && t.queuedReason ? ` (${oneLine(t.queuedReason, 80)})` : '';
      return {
        ok: true,
        say: `Started task ${t.id} "${t.name}" in ${shortProject(t.projectDir)}, status ${t.status}${queued}.`,
        notice: `Task ${t.id} ${t.name} ${t.status}`,
        activity: `task ${t.id} ${t.status}`,
        data: { taskId: t.id, name: t.name, project: t.projectDir, status: t.status },
      };
    },
  }),
  defineCommand({
    id: 'list_tasks',
    title: 'list tasks',
    description: 'List every task with its number, name, project and status (live tasks first).',
    noKeyReason: 'The task table on screen always shows every task.',
    voice: { name: 'list_tasks', parameters: z.object({}) },
    async run(ctx) {
      const tasks = ctx.tasks.list();
      return { ok: true, say: listSay(tasks, ctx.now()), activity: `${tasks.length} tasks` };
    },
  }),
  defineCommand({
    id: 'get_task_status',
    title: 'open log',
    description:
      'How a task is doing: status, how long it has run, its latest activity, turns and cost. By key it opens the task’s live log.',
    keys: { main: ['enter'] },
    voice: { name: 'get_task_status', parameters: z.object({ task: taskRef }) },
    argsFromState: selectedArgs,
    disabledReason: needsTask,
    quiet: true,
    async run(ctx, a) {
      const found = lookupTask(ctx.tasks, a.task);
      if (!found.ok) return found.result;
      const t = found.task;
      if (ctx.source === 'key') {
        ctx.store.dispatch({ type: 'view/tail', taskId: t.id });
        await loadTail(ctx, t.id);
        return { ok: true, say: `Showing the log of ${t.name}.`, data: { taskId: t.id } };
      }
      ctx.store.dispatch({ type: 'select/set', taskId: t.id });
      return { ok: true, say: statusSentence(t, ctx.now()), activity: t.status, data: { taskId: t.id } };
    },
  }),
  defineCommand({
    id: 'get_task_result',
    title: 'result',
    description:
      'What a task produced: its final text (summary or full), status or failure reason, cost, turns and files touched.',
    keys: { main: ['r'], tail: ['r'] },
    voice: {
      name: 'get_task_result',
      parameters: z.object({
        task: taskRef,
        detail: z
          .enum(['summary', 'full'])
          .optional()
          .describe('"summary" (default) reads the start of the final text; "full" reads more of it'),
      }),
    },
    argsFromState: selectedArgs,
    disabledReason: needsTask,
    quiet: true,
    async run(ctx, a) {
      const found = lookupTask(ctx.tasks, a.task);
      if (!found.ok) return found.result;
      const t = found.task;
      if (ctx.source === 'key') {
        ctx.store.dispatch({ type: 'view/result', taskId: t.id });
        return { ok: true, say: `Showing the result of ${t.name}.`, data: { taskId: t.id } };
      }
      ctx.store.dispatch({ type: 'select/set', taskId: t.id });
      return {
        ok: true,
        say: resultSay(t, a.detail ?? 'summary', ctx),
        activity: t.resultText ? `${t.status}, result read` : t.status,
        data: { taskId: t.id },
      };
    },
  }),
  defineCommand({
    id: 'cancel_task',
    title: 'cancel',
    description:
      'Cancel a queued or running task (the agent is stopped; its output so far is kept). By key it asks first; by voice the request itself is the confirmation.',
    keys: { main: ['q'], tail: ['q'], result: ['q'] },
    voice: { name: 'cancel_task', parameters: z.object({ task: taskRef }) },
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
          { key: 'escape', label: 'back', args: null },
        ],
      };
    },
    async run(ctx, a) {
      const found = lookupTask(ctx.tasks, a.task);
      if (!found.ok) return found.result;
      const t = found.task;
      if (!isLive(t.status))
        return fail(`Task ${t.id} "${t.name}" is already ${t.status}; nothing to cancel.`, `already ${t.status}`);
      const r = await ctx.tasks.cancel(t.id);
      if (!r.ok) return fail(`Could not cancel task ${t.id}: ${r.message}`, `refused: ${oneLine(r.message, 60)}`);
      return {
        ok: true,
        say: `Cancelled task ${t.id} "${t.name}".`,
        notice: `Task ${t.id} ${t.name} cancelled`,
        activity: 'cancelled',
        data: { taskId: t.id },
      };
    },
  }),
  defineCommand({
    id: 'follow_up_task',
    title: 'follow-up',
    description:
      'Send a follow-up prompt to an existing task: the agent continues the same conversation in the same project.',
    keys: { main: ['f'], result: ['f'] },
    voice: {
      name: 'follow_up_task',
      parameters: z.object({
        task: taskRef,
        prompt: z.string().trim().min(1, 'prompt is required').describe('What the agent should do next'),
      }),
    },
    form: 'follow-up',
    argsFromState: selectedArgs,
    disabledReason: needsTask,
    async run(ctx, a) {
      const found = lookupTask(ctx.tasks, a.task);
      if (!found.ok) return found.result;
      const r = await ctx.tasks.followUp(found.task.id, a.prompt);
      if (!r.ok) return fail(`Could not send the follow-up: ${r.message}`, `refused: ${oneLine(r.message, 60)}`);
      const t = r.value;
      // The manager's `added` event may not have reached the store yet; the record is the same.
      ctx.store.dispatch({ type: 'task/upsert', task: t });
      ctx.store.dispatch({ type: 'select/set', taskId: t.id });
      return {
        ok: true,
        say: `Sent the follow-up to task ${t.id} "${t.name}", status ${t.status}.`,
        notice: `Follow-up sent to task ${t.id}`,
        activity: `follow-up, ${t.status}`,
        data: { taskId: t.id, status: t.status },
      };
    },
  }),
  screenCommand({
    id: 'select_next',
    helpGroup: 'select',
    title: 'select',
    description: 'Select the next task in the table (↑/k selects the previous one).',
    keys: { main: ['down', 'j'] },
    noVoiceReason: 'Selection is a screen action; by voice you name the task instead.',
    action: { type: 'select/move', delta: 1 },
  }),
  screenCommand({
    id: 'select_prev',
    helpGroup: 'select',
    title: 'select',
    description: 'Select the previous task in the table.',
    keys: { main: ['up', 'k'] },
    noVoiceReason: 'Selection is a screen action; by voice you name the task instead.',
    action: { type: 'select/move', delta: -1 },
  }),
  defineCommand({
    id: 'ptt_discard',
    title: 'discard',
    description: 'Drop the turn you are speaking (tap-to-talk mode) without sending it.',
    keys: { main: ['escape'], tail: ['escape'], result: ['escape'], help: ['escape'] },
    noVoiceReason: 'It aborts the spoken turn itself; nothing reaches the assistant.',
    hideWhenDisabled: true,
    quiet: true,
    disabledReason: (state) =>
      state.ptt.mode.kind !== 'toggle'
        ? 'push-to-talk is not in tap mode'
        : !state.ptt.talking
          ? 'not talking'
          : undefined,
    async run(ctx) {
      if (!ctx.ptt) return fail('Tap-to-talk is not available.');
      ctx.ptt.key('escape');
      return { ok: true, say: 'Discarded.' };
    },
  }),
  screenCommand({
    id: 'back',
    title: 'back',
    description: 'Close the overlay or go back to the task table.',
    keys: { tail: ['escape'], result: ['escape'], help: ['escape', '?'] },
    noVoiceReason: 'Screen navigation only.',
    action: { type: 'view/back' },
  }),
  screenCommand({
    id: 'tail_filter',
    title: 'filter',
    description: 'Cycle the log filter: all output, assistant text, tool actions, errors.',
    keys: { tail: ['/', 'tab'] },
    noVoiceReason: 'Filters only change what the log view shows.',
    action: { type: 'tail/filter' },
  }),
  screenCommand({
    id: 'tail_scroll_up',
    helpGroup: 'scroll',
    title: 'scroll',
    description:
      'Scroll the log: ↑/↓ one entry (stops following), PgUp/PgDn a page, End or F back to the newest and follow.',
    keys: { tail: ['up', 'k'] },
    noVoiceReason: 'Scrolling is a screen action.',
    action: { type: 'tail/scroll', delta: 1 },
  }),
  screenCommand({
    id: 'tail_scroll_down',
    helpGroup: 'scroll',
    title: 'scroll',
    description: 'Scroll the log down one entry.',
    keys: { tail: ['down', 'j'] },
    noVoiceReason: 'Scrolling is a screen action.',
    action: { type: 'tail/scroll', delta: -1 },
  }),
  screenCommand({
    id: 'tail_page_up',
    helpGroup: 'scroll',
    title: 'page',
    description: 'Scroll the log up one page.',
    keys: { tail: ['pageup'] },
    noVoiceReason: 'Scrolling is a screen action.',
    action: { type: 'tail/scroll', delta: TAIL_PAGE },
  }),
  screenCommand({
    id: 'tail_page_down',
    helpGroup: 'scroll',
    title: 'page',
    description: 'Scroll the log down one page.',
    keys: { tail: ['pagedown'] },
    noVoiceReason: 'Scrolling is a screen action.',
    action: { type: 'tail/scroll', delta: -TAIL_PAGE },
  }),
  screenCommand({
    id: 'tail_follow',
    helpGroup: 'scroll',
    title: 'follow',
    description: 'Jump to the newest output and keep following it.',
    keys: { tail: ['end', 'F'] },
    noVoiceReason: 'Scrolling is a screen action.',
    action: { type: 'tail/follow' },
  }),
  defineCommand({
    id: 'message',
    title: 'message',
    description: 'Type a message to the assistant instead of speaking it.',
    keys: { main: [':'], tail: [':'], result: [':'] },
    noVoiceReason: 'This is the typed way to talk to the assistant; speaking already does it.',
    args: z.object({ text: z.string().trim().min(1, 'type a message first') }),
    form: 'message',
    disabledReason: voiceOff,
    async run(ctx, a) {
      if (!ctx.voice) return fail('Voice is off, so there is no assistant to message.');
      ctx.voice.sendText(a.text);
      return { ok: true, say: 'Sent.', activity: `sent "${oneLine(a.text, 40)}"` };
    },
  }),
  defineCommand({
    id: 'ptt_tap',
    title: 'talk',
    description: 'Tap to start talking, tap again to send (when no global hold key is available).',
    keys: { main: ['space'], tail: ['space'], result: ['space'] },
    noVoiceReason: 'It starts or ends the spoken turn itself.',
    hideWhenDisabled: true,
    quiet: true,
    disabledReason(state) {
      const m = state.ptt.mode;
      if (m.kind === 'hold') return `hold ${m.key} to talk`;
      if (m.kind === 'none') return `push-to-talk unavailable${m.reason ? `: ${m.reason}` : ''}`;
      return voiceOff(state);
    },
    async run(ctx) {
      if (!ctx.ptt) return fail('Tap-to-talk is not available.');
      ctx.ptt.key('space');
      return { ok: true, say: '' };
    },
  }),
  defineCommand({
    id: 'set_notice_mode',
    title: 'notices',
    description:
      'How finished or failed tasks are announced: "speak" (the assistant says it), "chime" (a sound only) or "off". The key cycles through them.',
    keys: { main: ['m'] },
    voice: {
      name: 'set_notice_mode',
      parameters: z.object({ mode: z.enum(['speak', 'chime', 'off']).describe('speak, chime or off') }),
    },
    argsFromState: (state) => ({ mode: nextNoticeMode(state.noticeMode) }),
    disabledReason: voiceOff,
    async run(ctx, a) {
      ctx.voice?.setNoticeMode(a.mode);
      ctx.store.dispatch({ type: 'noticeMode', mode: a.mode });
      return { ok: true, say: `Task notices: ${a.mode}.`, notice: `Notices: ${a.mode}`, activity: a.mode };
    },
  }),
  screenCommand({
    id: 'help',
    title: 'help',
    description: 'Show every key and voice tool.',
    keys: { main: ['?'], tail: ['?'], result: ['?'] },
    noVoiceReason: 'The assistant already knows its tools; this overlay is for the keyboard.',
    action: { type: 'overlay/help' },
  }),
  defineCommand({
    id: 'quit',
    title: 'quit',
    description: 'Quit voice-orch. With live tasks it asks: keep them running, cancel them, or stay.',
    keys: { main: ['ctrl+c'], tail: ['ctrl+c'], result: ['ctrl+c'], help: ['ctrl+c'], form: ['ctrl+c'] },
    noVoiceReason: 'Quitting ends the voice session itself; it belongs to the keyboard.',
    args: z.object({ policy: z.enum(['keep', 'cancel']).optional() }),
    confirm(a, state) {
      const live = liveTasks(state);
      if (a.policy || live.length === 0) return undefined;
      const n = live.length;
      return {
        kind: 'quit',
        title: `${n} task${n === 1 ? ' is' : 's are'} still running. Quit?`,
        detail: live
          .slice(0, 5)
          .map((t) => `${t.id} ${t.name} (${t.status})`)
          .join(', '),
        choices: [
          { key: 'k', label: 'keep them running', args: { policy: 'keep' } },
          { key: 'c', label: 'cancel them', args: { policy: 'cancel' } },
          { key: 'escape', label: 'stay', args: null },
        ],
      };
    },
    async run(ctx, a) {
      const policy = a.policy ?? 'keep';
      ctx.quit(policy);
      return { ok: true, say: 'Bye.', activity: `quit (${policy})` };
    },
  }),
];

/** The command with this id, if any. */
export function findCommand(id: string, registry: readonly AnyCommandSpec[] = commands): AnyCommandSpec | undefined {
  return registry.find((c) => c.id === id);
}

/** The command behind a voice tool name, if any. */
export function findTool(name: string, registry: readonly AnyCommandSpec[] = commands): AnyCommandSpec | undefined {
  return registry.find((c) => c.voice?.name === name);
}
