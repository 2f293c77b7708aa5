/**
 * Searching the log view (commands/tail-search.ts): `/` opens the query line, `n` goes to the
 * next older match, `N` to the next newer one. The log filter that `/` cycled before is on Tab.
 */
import { screenCommand } from './define.js';
import { openTailSearch, searchTail } from './tail-search.js';

import type { AppState } from '../state/types.js';

const noVoiceReason = 'Searching a log is for the screen; by voice ask for the task’s status or result.';

/** n/N apply once a search has a query; until then the footer leaves them out. */
const noQuery = (state: AppState): string | undefined =>
  state.view.kind === 'tail' && state.view.search?.query ? undefined : 'no search yet: press / to search';

export const tailSearch = screenCommand({
  id: 'tail_search',
  helpGroup: 'log search',
  title: 'search',
  description:
    'Log view: search the whole log, newest first (Enter finds, n older match, N newer match, Esc leaves the line).',
  keys: { tail: ['/'] },
  noVoiceReason,
  action: async (ctx) => openTailSearch(ctx),
});

export const tailSearchOlder = screenCommand({
  id: 'tail_search_older',
  helpGroup: 'log search',
  title: 'older match',
  disabledReason: noQuery,
  hideWhenDisabled: true,
  description: 'Log view: the next older match.',
  keys: { tail: ['n'] },
  noVoiceReason,
  action: (ctx) => searchTail(ctx, 'older'),
});

export const tailSearchNewer = screenCommand({
  id: 'tail_search_newer',
  helpGroup: 'log search',
  title: 'newer match',
  disabledReason: noQuery,
  hideWhenDisabled: true,
  description: 'Log view: the next newer match.',
  keys: { tail: ['N'] },
  noVoiceReason,
  action: (ctx) => searchTail(ctx, 'newer'),
});
