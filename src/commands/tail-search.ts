/**
 * The log view's search: `/` opens the query line, Enter finds the nearest match at or above the
 * bottom of the view, `n` the next older match, `N` the next newer one. The log view opens at the
 * newest output, so the search runs back in time first, like `?` in a pager; it does not wrap
 * around (at the top of a huge log that would mean reading all of it again).
 *
 * The window the view holds is searched first; beyond it the log is read from disk one bounded
 * page at a time (tasks/log-pager.ts through `readLogPage`), each page dropped once searched, so
 * a match anywhere in a log of any size is found with one page in memory. The page that holds
 * the match becomes the view's window. A new search, leaving the view or Esc ends a running one.
 */
import { errorText } from '../shared/errors.js';
import { filterEntries } from '../state/selectors.js';
import { submittedQuery, textMatches, type TextSearch } from '../state/text-search.js';
import { compareCursor } from '../state/tail-window.js';
import type { AppState } from '../state/types.js';
import type { LogCursor, LogPage } from '../tasks/types.js';
import { searchLineKey } from './search-line-input.js';
import type { KeyLike } from './keymap.js';
import type { CommandContext } from './types.js';

type Ctx = Pick<CommandContext, 'tasks' | 'store'>;

/** How a search moves: Enter (nearest match at or above the bottom), `n` (older), `N` (newer). */
export type TailSearchMove = 'submit' | 'older' | 'newer';

/** The latest search per store: an older one still reading pages stops when this moves on. */
const generations = new WeakMap<object, number>();

function openTail(state: AppState) {
  const v = state.view;
  return v.kind === 'tail' && !state.overlay ? v : undefined;
}

/** One key while the log view's query line is open (see search-line-input.ts). */
export function tailSearchKey(ctx: Ctx, input: string, key: KeyLike): void {
  searchLineKey(
    (op) => {
      if (op.kind === 'submit') void searchTail(ctx, 'submit');
      else {
        // Esc ends a search still reading pages too.
        if (op.kind === 'cancel') generations.set(ctx.store, (generations.get(ctx.store) ?? 0) + 1);
        ctx.store.dispatch({ type: 'tail/search', op });
      }
    },
    input,
    key,
  );
}

/** Opens the log view's query line (`/`). */
export function openTailSearch(ctx: Ctx): void {
  ctx.store.dispatch({ type: 'tail/search', op: { kind: 'open' } });
}

/**
 * Moves the log view to a match (see the module comment). Never throws: a page that cannot be
 * read ends the search with a note.
 */
export async function searchTail(ctx: Ctx, move: TailSearchMove): Promise<void> {
  const gen = (generations.get(ctx.store) ?? 0) + 1;
  generations.set(ctx.store, gen);
  const state = ctx.store.getState();
  const v = openTail(state);
  if (!v) return;
  const taskId = v.taskId;
  const prior: TextSearch = v.search ?? { query: '' };
  const query = move === 'submit' ? submittedQuery(prior) : prior.query;
  const say = (search: TextSearch) => ctx.store.dispatch({ type: 'tail/search-state', taskId, search });
  if (query === '') {
    say(move === 'submit' ? { query: '' } : { query: '', note: 'no search yet: press / to search' });
    return;
  }
  const older = move !== 'newer';
  const log = state.tailLog;
  if (!log || log.taskId !== taskId || log.loading) {
    say({ query, note: 'the log is still loading; try again' });
    return;
  }
  // The window first.
  const shown = filterEntries(log.entries, v.filter);
  const bottom = shown.length - 1 - v.scroll;
  if (older) {
    for (let i = move === 'submit' ? bottom : bottom - 1; i >= 0; i--)
      if (textMatches(shown[i]!.text, query))
        return found(ctx, taskId, { query, note: 'match on the bottom line' }, shown.length - 1 - i);
  } else {
    for (let i = Math.max(0, bottom + 1); i < shown.length; i++)
      if (textMatches(shown[i]!.text, query))
        return found(ctx, taskId, { query, note: 'match on the bottom line' }, shown.length - 1 - i);
  }
  // Then the log beyond it, a page at a time.
  let cursor: LogCursor | undefined = older ? log.start : log.end;
  let edge = older ? log.atStart : log.atEnd;
  let pages = 0;
  const stale = () => {
    const now = openTail(ctx.store.getState());
    return generations.get(ctx.store) !== gen || !now || now.taskId !== taskId;
  };
  while (!edge && cursor) {
    say({ query, note: pages === 0 ? 'searching the log…' : `searching the log… ${pages} pages read` });
    let page;
    try {
      page = await ctx.tasks.readLogPage(taskId, older ? { before: cursor } : { after: cursor });
    } catch (e) {
      if (!stale()) say({ query, note: `could not read the log: ${errorText(e)}` });
      return;
    }
    if (stale()) return;
    pages++;
    const pe = filterEntries(page.entries, v.filter);
    let hit = -1;
    if (older) {
      for (let i = pe.length - 1; i >= 0 && hit < 0; i--) if (textMatches(pe[i]!.text, query)) hit = i;
    } else {
      for (let i = 0; i < pe.length && hit < 0; i++) if (textMatches(pe[i]!.text, query)) hit = i;
    }
    if (hit >= 0) return found(ctx, taskId, { query, note: 'match on the bottom line' }, pe.length - 1 - hit, page);
    const next: LogCursor = older ? page.start : page.end;
    // A page that did not move the cursor would be read again forever.
    if (compareCursor(next, cursor) === 0) break;
    cursor = next;
    edge = older ? page.atStart : page.atEnd;
  }
  if (!stale()) say({ query, note: older ? 'no older match' : 'no newer match' });
}

function found(ctx: Ctx, taskId: number, search: TextSearch, scroll: number, page?: LogPage): void {
  ctx.store.dispatch({ type: 'tail/search-found', taskId, search, scroll, ...(page ? { page } : {}) });
}
