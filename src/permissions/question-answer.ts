/**
 * The text the agent reads back from an answer: a question's `answers` (keyed by the question's
 * text, as the recorded CLI expects — see docs/architecture.md, "Permission requests") and the
 * message of a deny.
 *
 * A multi-select question's answer is its picked labels joined with ", " in option order (the
 * recordings hold no multi-select answer; `answers` maps each question to one string, so the
 * picks become one string).
 */
import type { PendingRequest } from './broker.js';
import type { QuestionView } from './describe.js';

/** Joins a multi-select question's picked labels. */
export const MULTI_SELECT_SEPARATOR = ', ';

/**
 * `answers` for the questions of a request from the user's picks (option numbers, 1-based, or
 * free text). Every question gets the same picks, as the option keys number the first question's
 * options. A sentence when the picks do not fit.
 */
export function questionAnswers(
  questions: readonly QuestionView[],
  picks: readonly (number | string)[],
): Record<string, string> | string {
  if (picks.length === 0) return "answer with an option number or the answer's text.";
  const answers: Record<string, string> = {};
  for (const q of questions) {
    if (!q.multiSelect && picks.length > 1) return `"${q.question}" takes one answer, not ${picks.length}.`;
    const labels: { at: number; text: string }[] = [];
    for (const p of picks) {
      const n = typeof p === 'number' ? p : /^\d+$/.test(p.trim()) ? Number(p) : NaN;
      if (Number.isNaN(n)) {
        labels.push({ at: Infinity, text: String(p) });
        continue;
      }
      const label = q.options[n - 1];
      if (label === undefined) return `there is no option ${n}; the question has ${q.options.length}.`;
      if (!labels.some((l) => l.at === n)) labels.push({ at: n, text: label });
    }
    labels.sort((a, b) => a.at - b.at);
    answers[q.question] = labels.map((l) => l.text).join(MULTI_SELECT_SEPARATOR);
  }
  return answers;
}

/** What the agent reads when its request is denied, with the user's reason when there is one. */
export function denyMessage(req: Pick<PendingRequest, 'toolName'>, reason: string | undefined): string {
  const why = reason?.trim();
  const what = req.toolName === 'ExitPlanMode' ? 'The user rejected this plan' : 'The user denied this request';
  return why ? `${what}: ${why}` : `${what}.`;
}
