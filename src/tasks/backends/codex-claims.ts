/**
 * Codex's `exec` stream ends with `turn.completed` even when its sandbox refused a change, and a
 * refused patch or command leaves no item in the stream at all: only the model's next message
 * tells, and it may still say the change was made (README, "Codex and Gemini CLI agents"). So a
 * completed Codex run whose stream shows no tool item, but whose answer says it changed
 * something (and does not itself say that something failed), gets a sentence saying that the
 * stream shows no such change.
 */

/** Words with which an answer says it changed or ran something. */
const CLAIM =
  /\b(created|wrote|written|updated|modified|edited|added|appended|deleted|removed|renamed|moved|saved|touched|installed|ran|executed|committed|fixed|changed)\b/i;

/** Words with which an answer already says that something did not happen. */
const ADMITS = /\b(cannot|can't|could not|couldn't|unable|not allowed|denied|refused|read-only|failed)\b/i;

/** The sentence added to such an answer. */
export const UNBACKED_CHANGE_NOTE =
  '(voice-orch: Codex ran no command and changed no file in this run; a change its sandbox refused leaves no trace, so what it says it changed was not done.)';

/** `text`, with {@link UNBACKED_CHANGE_NOTE} when a run without tool items claims a change. */
export function withUnbackedChangeNote(text: string, toolItems: number): string {
  if (toolItems > 0 || !CLAIM.test(text) || ADMITS.test(text)) return text;
  return `${text}\n\n${UNBACKED_CHANGE_NOTE}`;
}
