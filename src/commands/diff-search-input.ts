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
  else if (action?.kind === 'edit') {
    const k = action.key;
    // Field moves, completion and the prompt history have no meaning in a one-line query.
    if (k.name === 'next' || k.name === 'prev' || k.name === 'complete' || k.name === 'older' || k.name === 'newer')
      return;
    dispatch({ kind: 'edit', edit: k });
  }
}
