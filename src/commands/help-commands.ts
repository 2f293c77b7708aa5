/**
 * Moving through the help overlay (`?`): its rows wrap instead of being cut, so at 80×24 they
 * take more lines than the screen has; ↑/↓ move a cursor row a row at a time, PgUp/PgDn ten rows,
 * and the overlay scrolls to keep the cursor row in view.
 */
import { screenCommand } from './define.js';
import { helpRows } from './keymap.js';

const move = <const Id extends string>(id: Id, keys: string[], delta: number, description: string) =>
  screenCommand({
    id,
    helpGroup: 'help',
    title: 'help',
    description,
    keys: { help: keys },
    noVoiceReason: 'The help overlay is for the keyboard.',
    action: async (ctx) => {
      ctx.store.dispatch({ type: 'help/move', delta, max: Math.max(0, helpRows().length - 1) });
    },
  });

export const helpDown = move('help_down', ['down', 'j'], 1, 'Help: the next row.');
export const helpUp = move('help_up', ['up', 'k'], -1, 'Help: the previous row.');
export const helpPageDown = move('help_page_down', ['pagedown'], 10, 'Help: ten rows down.');
export const helpPageUp = move('help_page_up', ['pageup'], -10, 'Help: ten rows up.');
