/**
 * The forms a key press opens, and how a filled form becomes command args.
 */
import { deriveTaskName } from './task-name.js';
import { focusedTask } from '../state/selectors.js';
import type { AppState, FormField, FormKind, FormState } from '../state/types.js';
import { commitMessageForm } from './commit-message-form.js';
import { denyReasonForm } from './deny-reason-form.js';

/** The follow-up form's choice for a running task: empty is "after". */
function whenField(): FormField {
  return {
    name: 'when',
    label: 'When',
    value: '',
    optional: true,
    placeholder: 'after this run (Enter), or type now to interrupt it',
  };
}

/** A fresh form for a command. Follow-ups go to the task on screen (see {@link focusedTask}). */
export function createForm(kind: FormKind, commandId: string, state: AppState): FormState {
  switch (kind) {
    case 'new-task':
      return {
        kind,
        commandId,
        title: 'New task',
        focus: 0,
        fields: [
          // The project first: it is what a person knows before the words of the prompt.
          {
            name: 'project',
            label: 'Project',
            value: '',
            placeholder: 'a folder under a root; Tab completes, . = here',
          },
          { name: 'prompt', label: 'Prompt', value: '', placeholder: 'what the agent should do' },
          { name: 'name', label: 'Name', value: '', optional: true, placeholder: 'made from the prompt' },
          { name: 'model', label: 'Model', value: '', optional: true, placeholder: 'default' },
          {
            name: 'permissionMode',
            label: 'Permissions',
            value: '',
            optional: true,
            placeholder: 'default, or acceptEdits, plan, …',
          },
          { name: 'budget_usd', label: 'Budget $', value: '', optional: true, placeholder: 'default; e.g. 2.5' },
          {
            name: 'agent',
            label: 'Agent',
            value: '',
            optional: true,
            placeholder: 'default, or claude, codex, gemini',
          },
          {
            name: 'reasoning_effort',
            label: 'Effort',
            value: '',
            optional: true,
            placeholder: 'codex: low, medium, high…',
          },
          {
            name: 'isolation',
            label: 'Isolation',
            value: '',
            optional: true,
            placeholder: 'auto, worktree or in_place',
          },
          { name: 'host', label: 'Host', value: '', optional: true, placeholder: 'this machine, or a configured host' },
        ],
      };
    case 'follow-up': {
      const t = focusedTask(state);
      return {
        kind,
        commandId,
        title: t ? `Follow-up to task ${t.id} ${t.name}` : 'Follow-up',
        focus: 0,
        ...(t ? { taskId: t.id } : {}),
        fields: [
          { name: 'prompt', label: 'Prompt', value: '', placeholder: 'what to do next' },
          // A running task asks when (steer-follow-up.ts); a finished one is simply continued.
          ...(t?.status === 'running' ? [whenField()] : []),
        ],
      };
    }
    case 'message':
      return {
        kind,
        commandId,
        title: 'Message to the assistant',
        focus: 0,
        fields: [{ name: 'text', label: 'Message', value: '', placeholder: 'type and press Enter' }],
      };
    case 'deny-reason':
      return denyReasonForm(commandId, state);
    case 'commit-message':
      return commitMessageForm(commandId, focusedTask(state));
  }
}

/**
 * Args for the form's command: trimmed values, empty optional fields left out, the task id added.
 * In the new-task form `.` names the start folder and an empty name is made from the prompt.
 */
export function formArgs(form: FormState): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const f of form.fields) {
    const v = f.value.trim();
    if (f.optional && v === '') continue;
    args[f.name] = v;
  }
  if (form.taskId !== undefined) args.task = form.taskId;
  if (form.kind === 'new-task') {
    if (args.project === '.' && form.startDir) args.project = form.startDir;
    // Also without a prompt, so a refusal names the missing prompt rather than the name.
    if (args.name === undefined) args.name = deriveTaskName(typeof args.prompt === 'string' ? args.prompt : '');
  }
  return args;
}
