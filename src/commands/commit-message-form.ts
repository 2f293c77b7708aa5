/**
 * `C` on a finished worktree task: the confirm dialog of the commit, as a one-line form. It says
 * where the commit goes and holds the message, pre-filled from the task's name and the first line
 * of its result, for the user to edit: Enter commits with the text as it stands, Esc commits
 * nothing. It is a form, not a y/n dialog, so the field gets the shared line editor
 * (input/line-editor.ts) and typing a `y` or `n` into it is text.
 */
import { sanitizeLine } from '../shared/sanitize.js';
import type { FormState, KeyArrival } from '../state/types.js';
import { commitMessage } from '../tasks/worktree-landing.js';
import type { TaskRecord } from '../tasks/types.js';

/** The refusal when the edited message is empty. */
export const EMPTY_COMMIT_MESSAGE = 'the commit message is empty; type one, or press Esc to commit nothing';

/** The commit form of task `t` (none known: an empty form the command refuses). */
export function commitMessageForm(commandId: string, t: TaskRecord | undefined, opened?: KeyArrival): FormState {
  const wt = t?.worktree;
  return {
    kind: 'commit-message',
    commandId,
    title: t ? `Commit task ${t.id}'s work?` : 'Commit',
    ...(wt
      ? {
          detail: `Commits everything uncommitted in ${wt.path}${t?.host !== undefined ? ` on ${sanitizeLine(t.host)}` : ''} on ${wt.branch}, with this message.`,
        }
      : {}),
    focus: 0,
    ...(t ? { taskId: t.id } : {}),
    ...(opened ? { opened } : {}),
    fields: [
      {
        name: 'message',
        label: 'Message',
        value: t ? sanitizeLine(commitMessage(t)) : '',
        placeholder: 'the commit message; Enter commits, Esc cancels',
      },
    ],
  };
}
