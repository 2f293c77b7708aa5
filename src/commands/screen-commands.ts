/**
 * Keyboard-only screen commands: selection, going back, the log view's filter and scrolling, and
 * the help overlay. They change what the screen shows and say nothing.
 */
import { screenCommand } from './define.js';
import { followTail, reloadIfNotAtEnd, scrollTail } from './tail-paging.js';

/** Entries a page up/down moves in the log. */
export const TAIL_PAGE = 10;

export const selectNext = screenCommand({
  id: 'select_next',
  helpGroup: 'select',
  title: 'select',
  description: 'Select the next task in the table (↑/k selects the previous one).',
  keys: { main: ['down', 'j'] },
  noVoiceReason: 'Selection is a screen action; by voice you name the task instead.',
  action: { type: 'select/move', delta: 1 },
});

export const selectPrev = screenCommand({
  id: 'select_prev',
  helpGroup: 'select',
  title: 'select',
  description: 'Select the previous task in the table.',
  keys: { main: ['up', 'k'] },
  noVoiceReason: 'Selection is a screen action; by voice you name the task instead.',
  action: { type: 'select/move', delta: -1 },
});

export const toggleFinished = screenCommand({
  id: 'toggle_finished',
  title: 'hide done',
  description: 'Hide finished tasks from the table, or show them again (h).',
  keys: { main: ['h'] },
  noVoiceReason: 'Hiding rows only changes what the table shows.',
  action: { type: 'tasks/toggle-finished' },
});

export const back = screenCommand({
  id: 'back',
  title: 'back',
  description: 'Close the overlay or go back to the task table.',
  keys: { tail: ['escape'], result: ['escape'], help: ['escape', '?'], notices: ['escape', 'N'] },
  noVoiceReason: 'Screen navigation only.',
  action: { type: 'view/back' },
});

export const tailFilter = screenCommand({
  id: 'tail_filter',
  title: 'filter',
  description: 'Cycle the log filter: all output, assistant text, tool actions, errors (Tab; / searches).',
  keys: { tail: ['tab'] },
  noVoiceReason: 'Filters only change what the log view shows.',
  action: async (ctx) => {
    ctx.store.dispatch({ type: 'tail/filter' });
    await reloadIfNotAtEnd(ctx);
  },
});

export const tailScrollUp = screenCommand({
  id: 'tail_scroll_up',
  helpGroup: 'scroll',
  title: 'scroll',
  description:
    'Scroll the log: ↑/↓ one entry (stops following), PgUp/PgDn a page, End or F back to the newest and follow.',
  keys: { tail: ['up', 'k'] },
  noVoiceReason: 'Scrolling is a screen action.',
  action: (ctx) => scrollTail(ctx, 1),
});

export const tailScrollDown = screenCommand({
  id: 'tail_scroll_down',
  helpGroup: 'scroll',
  title: 'scroll',
  description: 'Scroll the log down one entry.',
  keys: { tail: ['down', 'j'] },
  noVoiceReason: 'Scrolling is a screen action.',
  action: (ctx) => scrollTail(ctx, -1),
});

export const tailPageUp = screenCommand({
  id: 'tail_page_up',
  helpGroup: 'scroll',
  title: 'page',
  description: 'Scroll the log up one page.',
  keys: { tail: ['pageup'] },
  noVoiceReason: 'Scrolling is a screen action.',
  action: (ctx) => scrollTail(ctx, TAIL_PAGE),
});

export const tailPageDown = screenCommand({
  id: 'tail_page_down',
  helpGroup: 'scroll',
  title: 'page',
  description: 'Scroll the log down one page.',
  keys: { tail: ['pagedown'] },
  noVoiceReason: 'Scrolling is a screen action.',
  action: (ctx) => scrollTail(ctx, -TAIL_PAGE),
});

export const tailFollow = screenCommand({
  id: 'tail_follow',
  helpGroup: 'scroll',
  title: 'follow',
  description: 'Jump to the newest output and keep following it.',
  keys: { tail: ['end', 'F'] },
  noVoiceReason: 'Scrolling is a screen action.',
  action: followTail,
});

export const noticeLog = screenCommand({
  id: 'notice_log',
  title: 'notice log',
  description: 'Show the last 50 notices, newest first (N or Esc closes).',
  keys: { main: ['N'], result: ['N'] },
  noVoiceReason: 'The notice log is for reading on the screen; the assistant already spoke them.',
  action: { type: 'overlay/notices' },
});

export const help = screenCommand({
  id: 'help',
  helpGroup: 'help',
  title: 'help',
  description:
    'Show every key and voice tool, with why a key does nothing right now (↑/↓ and PgUp/PgDn move through the list).',
  keys: { main: ['?'], tail: ['?'], result: ['?'] },
  noVoiceReason: 'The assistant already knows its tools; this overlay is for the keyboard.',
  action: { type: 'overlay/help' },
});
