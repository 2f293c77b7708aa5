/**
 * Searching in the diff view: `/` opens the query line, `n`/`N` go to the next/previous line that
 * holds the query (state/diff-search.ts). While the query line is open the keys are typing, not
 * commands: search-line-input.ts takes them instead of the key map.
 */
import type { DiffSearchOp } from '../state/diff-search.js';
import { defineCommand } from './define.js';

const searchCommand = <const Id extends string>(id: Id, title: string, key: string, op: DiffSearchOp, text: string) =>
  defineCommand({
    id,
    helpGroup: 'worktrees',
    title,
    description: text,
    keys: { diff: [key] },
    noVoiceReason: 'Searching a diff is for the screen.',
    quiet: true,
    async run(ctx) {
      ctx.store.dispatch({ type: 'diff/search', op });
      return { ok: true, say: '' };
    },
  });

export const diffSearch = searchCommand(
  'diff_search',
  'search',
  '/',
  { kind: 'open' },
  'Diff view: search for text (Enter goes to the next line that holds it, Esc leaves the query line).',
);
export const diffNext = searchCommand(
  'diff_next',
  'next match',
  'n',
  { kind: 'step', dir: 1 },
  'Diff view: next match.',
);
export const diffPrev = searchCommand(
  'diff_prev',
  'previous match',
  'N',
  { kind: 'step', dir: -1 },
  'Diff view: previous match.',
);
