/**
 * How the main view shares its lines between the summary line, the task table and the
 * conversation pane. Tasks that need attention and the selected one are never scrolled out of
 * view: the conversation pane gives way first. Finished tasks beyond those take at most a share
 * of the lines, so a long history does not push the conversation off the screen.
 */

/** Lines of each part of the main view; `transcript` 0 means the pane (and its rule) is not drawn. */
export interface MainLayout {
  summary: number;
  table: number;
  /** The rule between table and conversation. */
  rule: number;
  transcript: number;
}

/** Share of the lines finished tasks may take when the conversation would otherwise shrink. */
const TABLE_SHARE = 0.6;
/** A conversation pane smaller than this is not worth drawing. */
const MIN_TRANSCRIPT = 2;

/**
 * Splits `body` lines. `count` tasks in the table, of which the first `pinned` need attention.
 * The table needs a header, one line per row and a "more" line when rows are left out.
 */
export function mainLayout(body: number, count: number, pinned: number): MainLayout {
  const summary = body >= 4 ? 1 : 0;
  const avail = Math.max(1, body - summary);
  const all = count === 0 ? 1 : count + 1;
  // Attention rows, the selection (one more row) and the "more" marker must fit.
  const must = count === 0 ? 1 : Math.min(all, pinned + 1 + 1 + (pinned + 1 < count ? 1 : 0));
  const share = Math.max(must, Math.floor(avail * TABLE_SHARE));
  let table = Math.min(all, avail, share);
  let rest = avail - table;
  if (rest < 1 + MIN_TRANSCRIPT) {
    // Too little for a readable conversation: the table takes it all.
    table = Math.min(all, avail);
    rest = avail - table;
    if (rest < 1 + MIN_TRANSCRIPT) return { summary, table: avail, rule: 0, transcript: 0 };
  }
  return { summary, table, rule: 1, transcript: rest - 1 };
}
