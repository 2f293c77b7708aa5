/**
 * The prompts of a task's runs as the log view and the result card show them: the first prompt
 * and every follow-up, each under a separator naming its run. Elapsed time counts only the time
 * the agent ran (the sum of the runs), not the time a finished task waited for a follow-up.
 */
import type { TaskRecord } from '../tasks/types.js';
import { wrapText } from './format.js';

/** The prompt of run `runNo` (the task's own prompt for run 1 when no run record has it). */
export function promptOfRun(t: TaskRecord, runNo: number): string | undefined {
  return t.runs.find((r) => r.runNo === runNo)?.prompt ?? (runNo === 1 ? t.prompt : undefined);
}

/** "── run 2 · follow-up ──────" (or "run 2 · steered (run 1 interrupted)") then the prompt, wrapped to `width`, lines kept. */
export function promptBlock(t: TaskRecord, runNo: number, width: number): string[] {
  const prompt = promptOfRun(t, runNo);
  const steered = t.runs.find((r) => r.runNo === runNo - 1)?.steered === true;
  const label = `── run ${runNo} · ${runNo === 1 ? 'prompt' : steered ? `steered (run ${runNo - 1} interrupted)` : 'follow-up'} `;
  const rule = `${label}${'─'.repeat(Math.max(0, width - label.length))}`;
  if (prompt === undefined) return [rule];
  return [rule, ...wrapText(`› ${prompt}`, Math.max(10, width))];
}

/** Milliseconds the agent ran: every run's start to its end (or `now` while it runs). */
export function agentRunMs(t: TaskRecord, now: number): number | undefined {
  if (t.runs.length === 0) {
    return t.startedAt === undefined ? undefined : (t.endedAt ?? now) - t.startedAt;
  }
  let sum = 0;
  let any = false;
  for (const r of t.runs) {
    if (r.startedAt === undefined) continue;
    any = true;
    const end = r.endedAt ?? (t.status === 'running' ? now : (t.endedAt ?? r.startedAt));
    sum += Math.max(0, end - r.startedAt);
  }
  return any ? sum : undefined;
}
