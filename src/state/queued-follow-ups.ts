import { oneLine } from '../shared/sanitize.js';

/** The store's list of follow-ups waiting behind running runs (tasks/follow-up-queue.ts), and how a row shows it. */

/** `current` with task `taskId`'s waiting list set to `prompts` (removed when empty). */
export function queuedFollowUps(
  current: Readonly<Record<number, readonly string[]>> | undefined,
  taskId: number,
  prompts: readonly string[],
): Readonly<Record<number, readonly string[]>> {
  const next = { ...current };
  if (prompts.length === 0) delete next[taskId];
  else next[taskId] = [...prompts];
  return next;
}

/** "⏭ follow-up queued: use the other file · " / "⏭ 2 follow-ups queued · ", the prefix of a row's activity; '' when none. */
export function queuedPrefix(prompts: readonly string[] | undefined): string {
  if (!prompts || prompts.length === 0) return '';
  return prompts.length === 1
    ? `⏭ follow-up queued: ${oneLine(prompts[0] ?? '', 60)} · `
    : `⏭ ${prompts.length} follow-ups queued · `;
}
