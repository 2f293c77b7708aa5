/**
 * Steering a running task "now": the current run is interrupted (SIGINT through the Runner, as
 * Ctrl-C would: the agent ends its turn, exits and keeps its session, see docs/architecture.md)
 * and, as soon as it has ended, the task's session is continued with the new message as its next
 * run — the same resume a follow-up uses. Which agents can be steered follows what each CLI was
 * recorded doing on SIGINT (test/fixtures/*-cli/README.md): Claude Code ends the turn with
 * `error_during_execution`, exits 0 and keeps its session; Gemini CLI, signalled through its
 * process group (as the runner does), exits 0 without its result line, and resumes a session by
 * id. Codex exits 1 and writes nothing more, and no recorded run shows its thread resuming after
 * that, so a Codex run is refused with a pointer to "after". So is a Gemini run that asks through
 * voice-orch (`agentApprovals` "ask"): its approval host ends the agent on a signal, and nothing
 * recorded shows that session continuing. The interrupted run is recorded as `interrupted` and
 * marked `steered`: it is no failure, the task does not finish in between, so no completion or
 * failure notice is given for it.
 * A cancel while the interrupt is under way wins: the message is dropped.
 */
import type { BackendConfig } from './backends/agent-backend.js';
import type { Runner } from './runner.js';
import { addFollowUpRun, currentRun, type TaskState } from './task-state.js';
import type { ActionResult } from './types.js';
import { runProcess } from './watchdogs.js';

/** The activity a task shows between the interrupt and the end of its run. */
export const STEERING_ACTIVITY = 'interrupting to steer…';

/** Why a run of the task of `st` cannot be interrupted and continued, by its agent (see this file's header). */
function agentRefusal(st: TaskState, approvals: BackendConfig['agentApprovals'] | undefined): string | undefined {
  const who = `Task ${st.rec.id} (${st.rec.name})`;
  if (st.rec.backend === 'codex')
    return `${who} runs Codex, which cannot be interrupted and continued: on an interrupt it stops without ending its turn, and its thread is not known to resume from there. Use when "after": the message is sent as soon as the run ends.`;
  if (st.rec.backend === 'gemini' && approvals?.gemini === 'ask')
    return `${who} runs Gemini with approvals asked through voice-orch, and such a run cannot be interrupted and continued. Use when "after": the message is sent as soon as the run ends.`;
  return undefined;
}

/** Why `prompt` cannot steer the task of `st` now; undefined when it can. */
export function steerRefusal(
  st: TaskState,
  prompt: string,
  runner: Runner,
  approvals?: BackendConfig['agentApprovals'],
): string | undefined {
  const rec = st.rec;
  const who = `Task ${rec.id} (${rec.name})`;
  if (prompt.trim() === '') return 'What should the task be told?';
  if (rec.status !== 'running') return `${who} is ${rec.status}, not running; there is no run to interrupt.`;
  if (st.cancelling) return `${who} is being cancelled.`;
  if (rec.backend === 'command')
    return `${who} runs a plain command, which has no session to continue after an interrupt.`;
  const agent = agentRefusal(st, approvals);
  if (agent !== undefined) return agent;
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
export function beginSteer(
  st: TaskState,
  prompt: string,
  runner: Runner,
  approvals?: BackendConfig['agentApprovals'],
): ActionResult<void> {
  const refusal = steerRefusal(st, prompt, runner, approvals);
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
