/**
 * `d` on a waiting task: one line for why the request is denied. The reason reaches the agent in
 * the deny message and goes into the audit log; Enter with nothing typed denies without one, Esc
 * denies nothing.
 */
import { requestOf } from '../state/request-selectors.js';
import { focusedTask } from '../state/selectors.js';
import type { AppState, FormState } from '../state/types.js';

/** The deny form of the task on screen. */
export function denyReasonForm(commandId: string, state: AppState): FormState {
  const t = focusedTask(state);
  const plan = t ? requestOf(state, t.id)?.toolName === 'ExitPlanMode' : false;
  return {
    kind: 'deny-reason',
    commandId,
    title: t ? `${plan ? 'Reject the plan of' : 'Deny'} task ${t.id} ${t.name}` : 'Deny',
    focus: 0,
    ...(t ? { taskId: t.id } : {}),
    fields: [
      {
        name: 'message',
        label: plan ? 'Feedback' : 'Reason',
        value: '',
        optional: true,
        placeholder: 'optional, the agent reads it; Enter denies, Esc cancels',
      },
    ],
  };
}
