/**
 * The log view reads its log a page at a time: the newest page when it opens (and on End), an
 * older or newer page when scrolling nears an edge of the window it holds. The window itself is
 * state (state/tail-window.ts); this is the part that asks the task engine for pages.
 */
import { errorText } from '../shared/errors.js';
import { matchesFilter } from '../state/selectors.js';
import type { AppState } from '../state/types.js';
import type { CommandContext } from './types.js';

/** Entries kept in reserve beyond what a scroll shows before the next page is read. */
const PREFETCH = 100;
/** Pages read for one key press at most (a filter may match nothing in many pages). */
const MAX_PAGES_PER_SCROLL = 8;

type Ctx = Pick<CommandContext, 'tasks' | 'store'>;

/** Reads the newest page of the open log into the window. */
export async function loadNewestPage(ctx: Ctx, taskId: number): Promise<void> {
  try {
    const page = await ctx.tasks.readLogPage(taskId);
    ctx.store.dispatch({ type: 'tail/loaded', taskId, page });
  } catch (e) {
    ctx.store.dispatch({ type: 'tail/load-failed', taskId, error: errorText(e) });
  }
}

function openLog(state: AppState) {
  const v = state.view;
  const log = state.tailLog;
  if (v.kind !== 'tail' || !log || log.taskId !== v.taskId || log.loading || log.error) return undefined;
  return { v, log };
}

/** Filtered entries of the window above the bottom edge after scrolling by `delta`. */
function roomAbove(state: AppState, delta: number): number {
  const o = openLog(state);
  if (!o) return Infinity;
  let n = 0;
  for (const e of o.log.entries) if (matchesFilter(e, o.v.filter)) n++;
  return n - (o.v.scroll + delta);
}

/** Reads one page beyond an edge of the window; false when nothing was (or could be) read. */
async function readPage(ctx: Ctx, direction: 'older' | 'newer'): Promise<boolean> {
  const o = openLog(ctx.store.getState());
  if (!o || o.log.paging) return false;
  const { log } = o;
  const from = direction === 'older' ? log.start : log.end;
  if (!from || (direction === 'older' ? log.atStart : log.atEnd)) return false;
  const taskId = log.taskId;
  ctx.store.dispatch({ type: 'tail/paging', taskId, direction });
  try {
    const page = await ctx.tasks.readLogPage(taskId, direction === 'older' ? { before: from } : { after: from });
    ctx.store.dispatch({ type: 'tail/paged', taskId, direction, from, page });
    return page.entries.length > 0 || (direction === 'older' ? !page.atStart : !page.atEnd);
  } catch (e) {
    ctx.store.dispatch({ type: 'tail/load-failed', taskId, error: errorText(e) });
    return false;
  }
}

/**
 * Scrolls the log view by `delta` entries (positive = older). A scroll that would come near the
 * top of the window reads the page before it first, so the scroll moves into it; near the
 * bottom of a window that does not reach the newest output, the page after it.
 */
export async function scrollTail(ctx: Ctx, delta: number): Promise<void> {
  const direction = delta > 0 ? 'older' : 'newer';
  for (let i = 0; i < MAX_PAGES_PER_SCROLL; i++) {
    const o = openLog(ctx.store.getState());
    if (!o) break;
    const enough =
      direction === 'older'
        ? o.log.atStart || roomAbove(ctx.store.getState(), delta) >= PREFETCH
        : o.log.atEnd || o.v.scroll + delta >= PREFETCH;
    if (enough || !(await readPage(ctx, direction))) break;
  }
  ctx.store.dispatch({ type: 'tail/scroll', delta });
}

/** Back to the newest output, following it; the newest page is read again if the window left the end. */
export async function followTail(ctx: Ctx): Promise<void> {
  ctx.store.dispatch({ type: 'tail/follow' });
  await reloadIfNotAtEnd(ctx);
}

/** After a change that shows the newest output (End, a new filter): the window must reach the end. */
export async function reloadIfNotAtEnd(ctx: Ctx): Promise<void> {
  const o = openLog(ctx.store.getState());
  if (!o || o.log.atEnd) return;
  ctx.store.dispatch({ type: 'tail/reload', taskId: o.log.taskId });
  await loadNewestPage(ctx, o.log.taskId);
}
