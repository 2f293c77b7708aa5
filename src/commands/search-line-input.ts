/**
 * The keys of an open search query line (the diff view's and the log view's, see
 * state/text-search.ts): typing, not commands. key-input.ts hands them here instead of the key map.
 */
import type { TextSearchOp } from '../state/text-search.js';
import { formKeyAction, keyNameOf, type KeyLike } from './keymap.js';

/**
 * One key while a query line is open: Enter searches, Esc or Ctrl+C closes the line (the view
 * stays open), the line editor's keys edit the query, anything else is ignored.
 */
export function searchLineKey(dispatch: (op: TextSearchOp) => void, input: string, key: KeyLike): void {
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
