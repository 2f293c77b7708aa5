/**
 * Every command of voice-orch, in order. Order matters for keys: when two commands share a key in
 * a scope, the first one that is enabled wins (Esc discards a toggle-talk turn before it closes a
 * view); it is also the order of the help overlay and the README key table.
 */
import {
  back,
  help,
  selectNext,
  selectPrev,
  tailFilter,
  tailFollow,
  tailPageDown,
  tailPageUp,
  tailScrollDown,
  tailScrollUp,
  noticeLog,
  toggleFinished,
} from './screen-commands.js';
import { message, pttDiscard, pttTap, quit, setNoticeMode } from './session-commands.js';
import { cancelTask, followUpTask, getTaskResult, getTaskStatus, listTasks, spawnTask } from './task-commands.js';
import type { AnyCommandSpec } from './types.js';
import * as wt from './worktree-commands.js';
import * as ds from './diff-search-commands.js';
import { requestCommands } from './request-commands.js';
import { answerPicked } from './request-screen-commands.js';
import { copyResult } from './copy-command.js';
import { openFolder } from './open-folder-command.js';
import * as ts from './tail-search-commands.js';
import * as hc from './help-commands.js';
import * as rs from './result-scroll-commands.js';

export { defineCommand } from './define.js';

/** The command registry. */
export const commands = [
  // First: while picked options of a multi-select question wait, Enter sends them (not "open log").
  answerPicked,
  spawnTask,
  listTasks,
  getTaskStatus,
  getTaskResult,
  cancelTask,
  followUpTask,
  ...[
    wt.mergeTaskCommand,
    wt.commitTaskCommand,
    wt.discardTaskCommand,
    wt.cleanWorktreesCommand,
    wt.showChanges,
    wt.listWorktreesCommand,
    ...[
      wt.viewDiff,
      wt.diffLineDown,
      wt.diffLineUp,
      wt.diffPageDown,
      wt.diffPageUp,
      wt.diffTop,
      wt.diffEnd,
      wt.diffClose,
      ...[ds.diffSearch, ds.diffNext, ds.diffPrev],
    ],
  ],
  ...requestCommands,
  copyResult,
  openFolder,
  selectNext,
  selectPrev,
  toggleFinished,
  pttDiscard,
  back,
  tailFilter,
  tailScrollUp,
  tailScrollDown,
  tailPageUp,
  tailPageDown,
  tailFollow,
  ...[ts.tailSearch, ts.tailSearchOlder, ts.tailSearchNewer],
  ...[rs.resultDown, rs.resultUp, rs.resultPageDown, rs.resultPageUp],
  message,
  pttTap,
  setNoticeMode,
  noticeLog,
  help,
  ...[hc.helpDown, hc.helpUp, hc.helpPageDown, hc.helpPageUp],
  quit,
] as const;

/** The id of a command in the registry ('spawn_task', 'quit', …): what keys, hints, help and dispatch name. */
export type CommandId = (typeof commands)[number]['id'];

/** The command with this id, if any. */
export function findCommand<Id extends string>(
  id: string,
  registry: readonly AnyCommandSpec<Id>[],
): AnyCommandSpec<Id> | undefined {
  return registry.find((c) => c.id === id);
}

/** The command behind a voice tool name (a name the model sent), if any. */
export function findTool<Id extends string>(
  name: string,
  registry: readonly AnyCommandSpec<Id>[],
): AnyCommandSpec<Id> | undefined {
  return registry.find((c) => c.voice?.name === name);
}
