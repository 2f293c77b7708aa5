/**
 * Steering a running task "now": the current run is interrupted (SIGINT through the Runner, as
 * Ctrl-C would: the agent ends its turn, exits and keeps its session, see docs/architecture.md)
 * and, as soon as it has ended, the task's session is continued with the new message as its next
 * run — the same resume a follow-up uses, for every backend that keeps a session (claude, codex,
 * gemini). The interrupted run is recorded as `interrupted` and marked `steered`: it is no failure,
 * the task does not finish in between, so no completion or failure notice is given for it.
 * A cancel while the interrupt is under way wins: the message is dropped.
 */
import type { Runner } from './runner.js';
import { addFollowUpRun, currentRun, type TaskState } from './task-state.js';
import type { ActionResult } from './types.js';
import { runProcess } from './watchdogs.js';

/** The activity a task shows between the interrupt and the end of its run. */
export const STEERING_ACTIVITY = 'interrupting to steer…';

/** Why `prompt` cannot steer the task of `st` now; undefined when it can. */
export function steerRefusal(st: TaskState, prompt: string, runner: Runner): string | undefined {
  const rec = st.rec;
  const who = `Task ${rec.id} (${rec.name})`;
  if (prompt.trim() === '') return 'What should the task be told?';
  if (rec.status !== 'running') return `${who} is ${rec.status}, not running; there is no run to interrupt.`;
  if (st.cancelling) return `${who} is being cancelled.`;
  if (rec.backend === 'command')
    return `${who} runs a plain command, which has no session to continue after an interrupt.`;
  if (rec.host !== undefined || runner.interrupt === undefined)
    return `${who} runs on ${rec.host ?? 'a runner'} where a run cannot be interrupted; use when "after" instead.`;
  if (!st.run || rec.claudeSessionId === undefined || rec.claudeSessionId === '')
    return `${who} is still starting (no agent session yet); try again in a moment or use when "after".`;
  return undefined;
}

/**
 * Interrupts the run of `st` to continue it with `prompt`; a second message before the run has
 * ended joins the first. The refusal when it cannot.
 */
export function beginSteer(st: TaskState, prompt: string, runner: Runner): ActionResult<void> {
  const refusal = steerRefusal(st, prompt, runner);
  if (refusal !== undefined) return { ok: false, message: refusal };
  const first = st.steerPrompts === undefined;
  st.steerPrompts = [...(st.steerPrompts ?? []), prompt.trim()];
  if (!first) return { ok: true, value: undefined };
  if (!(st.run && runner.interrupt?.(runProcess(st.run)))) {
    delete st.steerPrompts;
    return { ok: false, message: `Task ${st.rec.id} (${st.rec.name}) could not be interrupted: its process is gone.` };
  }
  st.rec.activity = STEERING_ACTIVITY;
  return { ok: true, value: undefined };
}

/**
 * At the end of a run: the message to continue with when the run was interrupted to steer (and
 * not cancelled meanwhile), else undefined. Clears the steering state either way.
 */
export function takeSteer(st: TaskState): string | undefined {
  const prompts = st.steerPrompts;
  delete st.steerPrompts;
  if (prompts === undefined || st.cancelling) return undefined;
  return prompts.join('\n\n');
}

/**
 * After the ended run's outcome is recorded (as `interrupted`): marks it steered and adds the
 * queued run that continues the session with `prompt`. Returns the task's id (for the queue).
 */
export function continueSteered(st: TaskState, prompt: string, now: number): number {
  currentRun(st.rec).steered = true;
  addFollowUpRun(st.rec, prompt, now);
  st.rec.activity = 'interrupted to steer; continuing with the new message';
  return st.rec.id;
}
