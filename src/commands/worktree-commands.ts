/**
 * The commands for work done in a task's own git worktree: what it changed (show_changes), and
 * landing it — merge (M), commit (C), discard (X) — plus the list of worktrees and their cleanup.
 * Landing changes the user's branches or deletes work, so it always runs from a confirm dialog
 * answered by key: the voice tools only open that dialog (a spoken "yes" is not enough).
 */
import { z } from 'zod';
import { sanitizeLine, sanitizeText } from '../shared/sanitize.js';
import type { ConfirmRequest } from '../state/types.js';
import { changeLine } from '../tasks/git/changes.js';
import { taskDiff } from '../tasks/changes-tracker.js';
import { isLive, type TaskRecord } from '../tasks/types.js';
import {
  cleanWorktrees,
  commitMessage,
  commitTask,
  discardTask,
  listWorktrees,
  mergeTask,
  type UnreachableHost,
  type WorktreeInfo,
} from '../tasks/worktree-landing.js';
import { defineCommand, knownTask, needsTask, selectedArgs, taskRef } from './define.js';
import { commitMessageForm, EMPTY_COMMIT_MESSAGE } from './commit-message-form.js';
import type { CommandResult, RunContext } from './types.js';
import { refusedAnswer } from './wording/task-answers.js';
import { lookupTask, untrusted } from './wording/speech.js';

const SHOW_TEXT =
  'What a task changed: the files with added and removed line counts (for a task in its own worktree, everything that differs from where its branch started).';
const MERGE_TEXT =
  "Prepare merging a finished worktree task's branch into the branch checked out in the main checkout. It only opens a confirm dialog: the user must press y; tell them so.";
const DISCARD_TEXT =
  "Prepare discarding a finished worktree task's worktree and branch (its work is deleted). It only opens a confirm dialog: the user must press y; tell them so.";
const LIST_TEXT =
  "List voice-orch's git worktrees, here and on remote hosts (prefixed `host:`), with their task, branch, state (running, finished, merged, discarded, missing) and disk use; a host that cannot be reached is named.";
const CLEAN_TEXT =
  'Remove the worktrees and branches of tasks whose work is merged or empty, here and on remote hosts; any with uncommitted or unmerged work is kept and named.';

const NO_WORKTREES = 'No task has a worktree of its own.';

const taskParams = z.object({ task: taskRef });

/** The finished worktree task a key or tool names, or why not. */
function worktreeTask(
  ctx: RunContext,
  ref: unknown,
): { ok: true; task: TaskRecord } | { ok: false; result: CommandResult } {
  const found = lookupTask(ctx.tasks, ref);
  if (!found.ok) return found;
  const t = found.task;
  if (!t.worktree)
    return { ok: false, result: refusedAnswer(`Task ${t.id}`, 'it works in place, not in a worktree of its own') };
  if (isLive(t.status))
    return { ok: false, result: refusedAnswer(`Task ${t.id}`, `it is still ${t.status}; wait for it to finish`) };
  return found;
}

/** Why a landing key cannot run on the task on screen. */
function landingDisabled(state: Parameters<typeof needsTask>[0], args: Record<string, unknown>): string | undefined {
  const missing = needsTask(state, args);
  if (missing) return missing;
  const t = knownTask(state, args);
  if (t && !t.worktree) return `task ${t.id} works in place`;
  if (t && isLive(t.status)) return `task ${t.id} is still ${t.status}`;
  return undefined;
}

const yesNo = (yes: string, args: Record<string, unknown> = {}): ConfirmRequest['choices'] => [
  { key: 'y', label: yes, args },
  { key: 'n', label: 'no', args: null },
  { key: 'escape', label: 'back', args: null, alsoKeys: ['ctrl+c'] },
];

/** " on <host>" for a task that worked on a host (its git runs there), else nothing. */
const onHost = (t: TaskRecord): string => (t.host !== undefined ? ` on ${sanitizeLine(t.host)}` : '');

function mergeRequest(t: TaskRecord): ConfirmRequest {
  const wt = t.worktree;
  return {
    kind: 'worktree',
    title: `Merge task ${t.id} "${t.name}"?`,
    detail: wt
      ? `Commits what is uncommitted in its worktree as "${sanitizeLine(commitMessage(t))}", then merges ${wt.branch} into the branch checked out in ${wt.repoRoot}${onHost(t)} (fast-forward when possible, else a merge commit). Refused, with nothing changed, on a conflict or on uncommitted changes there in the same files.`
      : 'It has no worktree.',
    choices: yesNo('yes, merge'),
  };
}

function discardRequest(t: TaskRecord, force: boolean, why?: string): ConfirmRequest {
  const wt = t.worktree;
  const changed = t.changes ? ` (${changeLine(t.changes)})` : '';
  return {
    kind: 'worktree',
    title: force ? `Really discard task ${t.id}'s work?` : `Discard task ${t.id} "${t.name}"?`,
    detail: force
      ? `${why ?? ''} Deletes them for good.`.trim()
      : `Deletes its worktree ${wt?.path ?? ''}${onHost(t)} and the branch ${wt?.branch ?? ''}${changed}.`,
    choices: yesNo(force ? 'yes, delete the work' : 'yes, discard', force ? { force: true } : {}),
  };
}

/** Opens a confirm dialog from a command (a voice tool, or a second question). */
function openConfirm(ctx: RunContext, commandId: string, task: TaskRecord, request: ConfirmRequest): void {
  ctx.store.dispatch({ type: 'select/set', taskId: task.id });
  ctx.store.dispatch({ type: 'confirm/open', commandId, args: { task: task.id }, request, opened: { at: ctx.now() } });
}

function filesAnswer(t: TaskRecord): string {
  const c = t.changes;
  if (!c || c.files.length === 0)
    return `Task ${t.id} (${t.name}) changed no files${t.worktree ? ` in ${t.worktree.branch}` : ''}.`;
  const list = c.files.map((f) => `${f.path} +${f.added ?? '?'} -${f.removed ?? '?'}`).join('\n');
  const where = t.worktree ? ` in its own branch ${t.worktree.branch}` : '';
  // File names come from the agent's work: data for the model, fenced.
  return `Task ${t.id} (${t.name}) changed ${changeLine(c)}${where}:\n${untrusted(t.id, list, 4000)}`;
}

export const showChanges = defineCommand({
  id: 'show_changes',
  helpGroup: 'worktrees',
  title: 'changes',
  description: SHOW_TEXT,
  noKeyReason: 'The result card shows the counts; the diff view shows the changes.',
  voice: { name: 'show_changes', modelDescription: SHOW_TEXT, parameters: taskParams },
  async run(ctx, a: z.output<typeof taskParams>) {
    const found = lookupTask(ctx.tasks, a.task);
    if (!found.ok) return found.result;
    return {
      ok: true,
      say: filesAnswer(found.task),
      activity: found.task.changes ? changeLine(found.task.changes) : 'no changes',
    };
  },
});

export const mergeTaskCommand = defineCommand({
  id: 'merge_task',
  helpGroup: 'worktrees',
  title: 'merge',
  description: 'Merge a finished worktree task’s branch into the main checkout’s branch (asks first).',
  keys: { main: ['M'], result: ['M'] },
  voice: { name: 'merge_task', modelDescription: MERGE_TEXT, parameters: taskParams },
  argsFromState: selectedArgs,
  disabledReason: landingDisabled,
  confirm(a, state) {
    const t = knownTask(state, a);
    return t ? mergeRequest(t) : undefined;
  },
  async run(ctx, a: z.output<typeof taskParams>) {
    const found = worktreeTask(ctx, a.task);
    if (!found.ok) return found.result;
    const t = found.task;
    if (ctx.source === 'voice') {
      openConfirm(ctx, 'merge_task', t, mergeRequest(t));
      return {
        ok: true,
        say: `The merge of task ${t.id} waits for the user: they must press y on the screen to confirm it.`,
        activity: 'merge: confirm by key',
      };
    }
    const r = await mergeTask(t);
    return r.ok ? { ok: true, say: r.message, notice: r.message } : refusedAnswer('Not merged', r.message);
  },
});

const commitArgs = taskParams.extend({
  /** The message as the user left it in the commit form; absent: the key was just pressed. */
  message: z.string().max(4000).optional(),
});

export const commitTaskCommand = defineCommand({
  id: 'commit_task',
  helpGroup: 'worktrees',
  title: 'commit',
  description:
    'Commit what is uncommitted in a finished worktree task’s worktree: the message (from its name and result) is editable; Enter commits, Esc cancels.',
  keys: { main: ['C'], result: ['C'] },
  noVoiceReason: 'Merging commits the work first; by key the message is edited and confirmed in a dialog.',
  args: commitArgs,
  argsFromState: selectedArgs,
  disabledReason: landingDisabled,
  async run(ctx, a: z.output<typeof commitArgs>) {
    const found = worktreeTask(ctx, a.task);
    if (!found.ok) return found.result;
    const t = found.task;
    if (a.message === undefined) {
      // The key opens the dialog, pre-filled, before anything awaits: keys that came in the same
      // read then reach the form, and its guard keeps them from committing unread.
      ctx.store.dispatch({ type: 'select/set', taskId: t.id });
      ctx.store.dispatch({ type: 'form/open', form: commitMessageForm('commit_task', t, { at: ctx.now() }) });
      return { ok: true, say: '', activity: 'commit: edit the message', data: { pending: true } };
    }
    if (a.message !== undefined && sanitizeLine(a.message) === '')
      return refusedAnswer('Not committed', EMPTY_COMMIT_MESSAGE);
    const r = await commitTask(t, a.message);
    return r.ok ? { ok: true, say: r.message, notice: r.message } : refusedAnswer('Not committed', r.message);
  },
});

const discardArgs = taskParams.extend({ force: z.boolean().optional() });

export const discardTaskCommand = defineCommand({
  id: 'discard_task',
  helpGroup: 'worktrees',
  title: 'discard',
  description:
    'Discard a finished worktree task: delete its worktree and branch (asks first, twice when work would be lost).',
  keys: { main: ['X'], result: ['X'] },
  voice: { name: 'discard_task', modelDescription: DISCARD_TEXT, parameters: taskParams },
  args: discardArgs,
  argsFromState: selectedArgs,
  disabledReason: landingDisabled,
  confirm(a, state) {
    const t = knownTask(state, a);
    return t ? discardRequest(t, false) : undefined;
  },
  async run(ctx, a: z.output<typeof discardArgs>) {
    const found = worktreeTask(ctx, a.task);
    if (!found.ok) return found.result;
    const t = found.task;
    if (ctx.source === 'voice') {
      openConfirm(ctx, 'discard_task', t, discardRequest(t, false));
      return {
        ok: true,
        say: `Discarding task ${t.id} waits for the user: they must press y on the screen to confirm it.`,
        activity: 'discard: confirm by key',
      };
    }
    const r = await discardTask(t, a.force === true);
    if (!r.ok && r.needsConfirm) {
      ctx.store.dispatch({
        type: 'confirm/open',
        commandId: 'discard_task',
        args: { task: t.id },
        request: discardRequest(t, true, r.message),
        opened: { at: ctx.now() },
      });
      return { ok: true, say: r.message, activity: 'discard: asks again' };
    }
    return r.ok ? { ok: true, say: r.message, notice: r.message } : refusedAnswer('Not discarded', r.message);
  },
});

function worktreeLine(w: WorktreeInfo): string {
  const disk =
    w.diskBytes !== undefined
      ? `, ${(w.diskBytes / 1_048_576).toFixed(1)} MB`
      : w.host !== undefined && (w.state === 'running' || w.state === 'finished' || w.state === 'merged')
        ? ', disk use unknown'
        : '';
  const dirty = w.uncommitted > 0 ? `, ${w.uncommitted} uncommitted` : '';
  const where = w.host !== undefined ? `${sanitizeLine(w.host)}: ` : '';
  return `${where}task ${w.taskId} "${sanitizeLine(w.taskName)}": ${w.branch}, ${w.state}${dirty}${disk}`;
}

/** "host build unreachable: task 3, task 4 not checked" — its worktrees are left as they are. */
function unreachableLine(u: UnreachableHost): string {
  const what = u.reason === 'unreachable' ? 'unreachable' : 'is not in the config';
  return `host ${sanitizeLine(u.host)} ${what}: ${u.taskIds.map((id) => `task ${id}`).join(', ')} not checked`;
}

export const listWorktreesCommand = defineCommand({
  id: 'list_worktrees',
  helpGroup: 'worktrees',
  title: 'worktrees',
  description: LIST_TEXT,
  noKeyReason: 'The task table marks worktree tasks; the result card shows the branch.',
  voice: { name: 'list_worktrees', modelDescription: LIST_TEXT, parameters: z.object({}) },
  async run(ctx) {
    const { worktrees: list, unreachable } = await listWorktrees(ctx.tasks.list());
    const down = unreachable.map((u) => `\n${unreachableLine(u)}.`).join('');
    if (list.length === 0)
      return { ok: true, say: down ? `No worktree could be read.${down}` : NO_WORKTREES, activity: '0 worktrees' };
    const missing = list.filter((w) => w.state === 'missing');
    const note = missing.length
      ? `\nThe folder of ${missing.map((w) => `task ${w.taskId}`).join(', ')} was deleted by hand; its branch is kept.`
      : '';
    return {
      ok: true,
      say: `${list.length} worktrees:\n${list.map(worktreeLine).join('\n')}${note}${down}`,
      activity: `${list.length} worktrees`,
    };
  },
});

export const cleanWorktreesCommand = defineCommand({
  id: 'clean_worktrees',
  helpGroup: 'worktrees',
  title: 'clean worktrees',
  description: CLEAN_TEXT,
  keys: { main: ['W'] },
  voice: { name: 'clean_worktrees', modelDescription: CLEAN_TEXT, parameters: z.object({}) },
  confirm() {
    return {
      kind: 'worktree',
      title: 'Remove merged worktrees?',
      detail:
        'Removes the worktrees and branches of finished tasks whose work is merged or empty, here and on remote hosts. Any with uncommitted or unmerged work is kept and named.',
      choices: yesNo('yes, remove them'),
    };
  },
  async run(ctx) {
    const finished = ctx.tasks.list().filter((t) => !isLive(t.status));
    const { removed, kept, unreachable } = await cleanWorktrees(finished);
    const keptText = kept.length ? ` Kept, with work in them: ${kept.map(worktreeLine).join('; ')}.` : '';
    const down = unreachable.map((u) => ` ${unreachableLine(u)}, left as they are.`).join('');
    const say = `Removed ${removed.length} ${removed.length === 1 ? 'worktree' : 'worktrees'}.${keptText}${down}`;
    return { ok: true, say, notice: say };
  },
});

export const viewDiff = defineCommand({
  id: 'view_diff',
  helpGroup: 'worktrees',
  title: 'diff',
  description: 'Show what a task changed as a coloured unified diff, file by file (↑/↓, PgUp/PgDn, Esc).',
  keys: { main: ['v'], result: ['v'] },
  noVoiceReason: 'A diff is for reading; by voice, show_changes gives the files and counts.',
  argsFromState: selectedArgs,
  disabledReason: needsTask,
  quiet: true,
  async run(ctx, a: { task?: unknown }) {
    const found = lookupTask(ctx.tasks, a.task);
    if (!found.ok) return found.result;
    const t = found.task;
    const d = await taskDiff(t);
    if (!d.ok) return { ok: false, say: d.message, notice: d.message };
    // The diff is the agent's work: hostile text, cleaned line by line before the screen.
    const lines = d.diff
      .replace(/\n$/, '')
      .split('\n')
      .map((l) => sanitizeText(l).replace(/\t/g, '    ').replace(/\n/g, ' '));
    const where = t.worktree ? ` on ${t.worktree.branch}` : ' (files it touched, against HEAD)';
    const counts = t.changes ? ` · ${changeLine(t.changes)}` : '';
    ctx.store.dispatch({
      type: 'diff/open',
      taskId: t.id,
      title: `Task ${t.id} ${t.name}${where}${counts}`,
      lines: d.diff === '' ? [] : lines,
    });
    return { ok: true, say: `Showing the changes of ${t.name}.`, data: { taskId: t.id } };
  },
});

const PAGE = 20;
const scrollCommand = <const Id extends string>(
  id: Id,
  title: string,
  keys: string[],
  delta: number,
  to?: 'top' | 'end',
) =>
  defineCommand({
    id,
    helpGroup: 'worktrees',
    title,
    description: `Diff view: ${title}.`,
    keys: { diff: keys },
    noVoiceReason: 'Scrolling is for the screen.',
    quiet: true,
    async run(ctx) {
      const o = ctx.store.getState().overlay;
      const end = o?.kind === 'diff' ? o.lines.length - 1 : 0;
      ctx.store.dispatch({ type: 'diff/scroll', delta, ...(to ? { to: to === 'top' ? 0 : end } : {}) });
      return { ok: true, say: '' };
    },
  });

export const diffLineDown = scrollCommand('diff_down', 'line down', ['down', 'j'], 1);
export const diffLineUp = scrollCommand('diff_up', 'line up', ['up', 'k'], -1);
export const diffPageDown = scrollCommand('diff_page_down', 'page down', ['pagedown', 'space'], PAGE);
export const diffPageUp = scrollCommand('diff_page_up', 'page up', ['pageup'], -PAGE);
export const diffTop = scrollCommand('diff_top', 'top', ['home', 'g'], 0, 'top');
export const diffEnd = scrollCommand('diff_end', 'end', ['end', 'G'], 0, 'end');

export const diffClose = defineCommand({
  id: 'diff_close',
  helpGroup: 'worktrees',
  title: 'close diff',
  description: 'Close the diff view.',
  keys: { diff: ['escape', 'q', 'v'] },
  noVoiceReason: 'The diff view is for the screen.',
  quiet: true,
  async run(ctx) {
    ctx.store.dispatch({ type: 'overlay/close' });
    return { ok: true, say: '' };
  },
});
