/**
 * Scrolling the result card's final text: ↑/↓ a line, PgUp/PgDn ten lines. The card shows
 * "↓ more" while text lies below.
 */
import { screenCommand } from './define.js';

const scroll = <const Id extends string>(id: Id, keys: string[], delta: number, description: string) =>
  screenCommand({
    id,
    helpGroup: 'card scroll',
    title: 'scroll',
    description,
    keys: { result: keys },
    noVoiceReason: 'Scrolling is a screen action; by voice ask for the result.',
    action: { type: 'result/scroll', delta },
  });

export const resultDown = scroll(
  'result_down',
  ['down', 'j'],
  1,
  'Result card: scroll the final text (↑/↓ a line, PgUp/PgDn ten).',
);
export const resultUp = scroll('result_up', ['up', 'k'], -1, 'Result card: scroll up a line.');
export const resultPageDown = scroll('result_page_down', ['pagedown'], 10, 'Result card: ten lines down.');
export const resultPageUp = scroll('result_page_up', ['pageup'], -10, 'Result card: ten lines up.');
