/**
 * The spoken notice for a permission request ("Task 3 "api-tests" needs you: …"). The reason
 * quotes the agent's tool input, so it reaches the model inside the untrusted fence.
 */
import type { PendingRequest } from '../../permissions/broker.js';
import { rawReason } from '../../permissions/describe.js';
import type { TaskNotice } from '../../session/types.js';
import type { TaskRecord } from '../../tasks/types.js';
import { shortProject, untrusted } from './speech.js';

/** A notice for a new request; said at the next idle moment, before completion notices. */
export function requestNotice(req: PendingRequest, task: TaskRecord | undefined, now: number): TaskNotice {
  const name = task?.name ?? `task ${req.task}`;
  const where = task ? ` in ${shortProject(task.projectDir)}` : '';
  return {
    taskId: req.task,
    taskName: name,
    kind: 'request',
    at: now,
    text: `Task ${req.task} "${name}"${where} needs you; it asks (agent's words):\n${untrusted(req.task, rawReason(req, task?.projectDir), 300)}\nThe user answers with allow, deny or an option (answer_request), or by key.`,
  };
}
