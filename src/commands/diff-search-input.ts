/**
 * The keys of the diff view's open query line (see diff-search-commands.ts): typing, not commands.
 */
import type { DiffSearchOp } from '../state/diff-search.js';
import type { Dispatcher } from './dispatch.js';
import { formKeyAction, keyNameOf, type KeyLike } from './keymap.js';

/**
 * One key while the diff view's query line is open: Enter searches, Esc or Ctrl+C closes the
 * line (the diff stays open), the line editor's keys edit the query, anything else is ignored.
 */
export function diffSearchKey(commands: Dispatcher, input: string, key: KeyLike): void {
  const dispatch = (op: DiffSearchOp) => commands.ctx.store.dispatch({ type: 'diff/search', op });
  if (keyNameOf(input, key) === 'ctrl+c') return dispatch({ kind: 'cancel' });
  const action = formKeyAction(input, key);
  if (action?.kind === 'close') dispatch({ kind: 'cancel' });
  else if (action?.kind === 'submit') dispatch({ kind: 'submit' });
  else if (action?.kind === 'edit' && action.key.name !== 'next' && action.key.name !== 'prev') {
    if (action.key.name !== 'complete') dispatch({ kind: 'edit', edit: action.key });
  }
}
