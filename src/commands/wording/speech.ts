/**
 * Short, speakable sentences about tasks, and the fence that marks task output as untrusted data.
 */
import { basename } from 'node:path';
import type { TaskFailure, TaskManagerPort, TaskRecord } from '../../tasks/types.js';
import type { CommandResult } from '../types.js';

import { fence } from '../../shared/fence.js';
// The one sanitiser: strips every escape sequence, control character and bidi override.
export { oneLine } from '../../shared/sanitize.js';
import { oneLine, sanitizeLine, sanitizeText } from '../../shared/sanitize.js';

/** Cuts `s` to `max` characters, saying how much was left out. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  return `${s.slice(0, max).trimEnd()}\n[… ${s.length - max} more characters not shown]`;
}

/** Last path segment of a project directory ("/home/u/src/api" → "api"). */
export function shortProject(dir: string): string {
  // A directory or file name can hold any character: cleaned like other outside text.
  return sanitizeLine(basename(dir) || dir);
}

/** "40 s", "3 min", "1 h 5 min": elapsed time for speech and the table. */
export function spokenDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/** "$0.42", "less than a cent". */
export function spokenCost(usd: number): string {
  if (usd <= 0) return 'no cost yet';
  if (usd < 0.01) return 'less than a cent';
  return `$${usd.toFixed(2)}`;
}

/** Milliseconds a task has been running (or ran), or undefined before it started. */
export function elapsedMs(t: TaskRecord, now: number): number | undefined {
  if (t.startedAt === undefined) return undefined;
  return (t.endedAt ?? now) - t.startedAt;
}

/** One sentence about a task's state, for list_tasks and the task board. */
export function statusLine(t: TaskRecord, now: number): string {
  const where = shortProject(t.projectDir);
  const el = elapsedMs(t, now);
  const parts = [`${t.id} ${t.name} (${where}): ${t.status}`];
  if (t.status === 'running' && el !== undefined) parts.push(`for ${spokenDuration(el)}`);
  if (t.status === 'queued' && t.queuedReason) parts.push(`— ${oneLine(t.queuedReason, 60)}`);
  if (t.stalled) parts.push('(stalled, no output lately)');
  if (t.status === 'failed' && t.failure) parts.push(`— ${shortFailure(t.failure)}`);
  return parts.join(' ');
}

/** The status answer for one task: state, time, latest activity, turns and cost. */
export function statusSentence(t: TaskRecord, now: number): string {
  const el = elapsedMs(t, now);
  const head = `Task ${t.id} "${t.name}" in ${shortProject(t.projectDir)} is ${t.status}`;
  const bits: string[] = [];
  if (t.status === 'queued' && t.queuedReason) bits.push(oneLine(t.queuedReason, 80));
  if (el !== undefined)
    bits.push(t.status === 'running' ? `running for ${spokenDuration(el)}` : `took ${spokenDuration(el)}`);
  if (t.stalled) bits.push('no output for a while, it may be stuck');
  if (t.failure && !failureCarriesOutput(t.failure)) bits.push(`reason: ${oneLine(t.failure.message, 120)}`);
  const budget = t.budgetUsd === undefined ? '' : ` of a $${t.budgetUsd.toFixed(2)} budget`;
  bits.push(`${t.turns} turn${t.turns === 1 ? '' : 's'}, ${spokenCost(t.costUsd)}${budget}`);
  const sentence = `${head}; ${bits.join('; ')}.${t.failure && failureCarriesOutput(t.failure) ? ` ${failureReason(t, 160)}` : ''}`;
  // The activity line is the agent's own words or tool input: output, so it goes inside the fence.
  return t.activity ? `${sentence} Latest activity:\n${untrusted(t.id, oneLine(t.activity, 120), 200)}` : sentence;
}

/** Failure kinds whose message quotes text from outside voice-orch (the agent's stderr, an API error). */
export function failureCarriesOutput(f: TaskFailure): boolean {
  return f.kind === 'crashed' || f.kind === 'execution_error' || f.kind === 'api_error';
}

/** A failure in a few words for list lines; quoted outside text is left for the status answer. */
export function shortFailure(f: TaskFailure): string {
  if (!failureCarriesOutput(f)) return oneLine(f.message, 80);
  return f.kind === 'api_error'
    ? 'API error (ask for its status for the message)'
    : `${f.kind.replace('_', ' ')} (ask for its status for details)`;
}

/**
 * The failure reason as a sentence for the model: our own sentences as they are, anything quoting
 * the agent's stderr or an API's message inside the untrusted fence.
 */
export function failureReason(t: TaskRecord, max: number): string {
  if (!t.failure) return '';
  if (!failureCarriesOutput(t.failure)) return `Reason: ${oneLine(t.failure.message, max)}.`;
  return `Reason, as reported:\n${untrusted(t.id, oneLine(t.failure.message, max), max)}`;
}

/**
 * Task output for the model, fenced as untrusted data (see src/shared/fence.ts): control
 * characters and escape sequences removed, a closing tag inside the text defused so the output
 * cannot end the fence early and speak as instructions.
 */
export function untrusted(taskId: number, text: string, max: number): string {
  return fence(taskId, clip(sanitizeText(text), max));
}

/** A resolved task or the refusal to say (not found / ambiguous with candidates). */
export type TaskLookup = { ok: true; task: TaskRecord } | { ok: false; result: CommandResult };

/** Resolves a task reference (id or name) through the task manager. */
export function lookupTask(tasks: TaskManagerPort, ref: unknown): TaskLookup {
  const text = typeof ref === 'number' ? String(ref) : typeof ref === 'string' ? ref.trim() : '';
  if (!text)
    return { ok: false, result: { ok: false, say: 'Which task? Give its number or name.', activity: 'no task given' } };
  const r = tasks.resolve(text);
  if (r.ok) return { ok: true, task: r.task };
  if (r.reason === 'ambiguous') {
    const shown = r.candidates.slice(0, 5);
    const list = shown.map((t) => `${t.id} "${t.name}" (${t.status})`).join(', ');
    const more = r.candidates.length > shown.length ? ` and ${r.candidates.length - shown.length} more` : '';
    return {
      ok: false,
      result: {
        ok: false,
        say: `"${oneLine(text, 40)}" matches several tasks: ${list}${more}. Ask the user which one.`,
        activity: `ambiguous (${r.candidates.map((t) => t.id).join(', ')})`,
        data: { candidates: r.candidates.map((t) => t.id) },
      },
    };
  }
  const known = tasks.list();
  const hint = known.length
    ? ` Known tasks: ${known
        .slice(-8)
        .map((t) => `${t.id} "${t.name}"`)
        .join(', ')}.`
    : ' There are no tasks yet.';
  return {
    ok: false,
    result: { ok: false, say: `No task matches "${oneLine(text, 40)}".${hint}`, activity: 'no such task' },
  };
}
