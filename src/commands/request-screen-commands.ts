/**
 * Keys for the request panel of the selected waiting task: Enter sends the options picked for a
 * multi-select question, PgUp/PgDn scroll a request longer than the panel (a plan, a long command,
 * the diff of an edit).
 */
import { requestOf } from '../state/request-selectors.js';
import { panelLines, picksOf } from '../state/request-ui.js';
import type { AppState } from '../state/types.js';
import { defineCommand, selectedArgs } from './define.js';
import { answerByKey, NOT_WAITING, taskArgs, waitingReason } from './request-answer.js';

const waitingRequest = (state: AppState, args: Record<string, unknown>) =>
  typeof args.task === 'number' ? requestOf(state, args.task) : undefined;

/**
 * Enter: send the picked options. It comes first in the registry, so while a multi-select
 * question with picks waits, Enter sends them rather than opening the log.
 */
export const answerPicked = defineCommand({
  id: 'answer_picked',
  title: 'send picks',
  description: 'Send the options picked with 1–9 as the answer to the selected task’s multi-select question.',
  keys: { main: ['enter'], tail: ['enter'] },
  noVoiceReason: 'By voice: answer_request with choices.',
  args: taskArgs,
  argsFromState: selectedArgs,
  disabledReason: (state, args) => {
    const r = waitingRequest(state, args);
    if (!r) return NOT_WAITING;
    if (!r.multiSelect) return 'not a multi-select question';
    return picksOf(state, r.id).length ? undefined : 'no option picked yet';
  },
  hideWhenDisabled: true,
  async run(ctx, a) {
    const r = requestOf(ctx.store.getState(), a.task);
    const picks = r ? picksOf(ctx.store.getState(), r.id) : [];
    return answerByKey(ctx, a.task, 'allow', { choices: picks });
  },
});

/** Lines one PgUp/PgDn moves the request panel. */
export const REQUEST_PAGE = 10;

const scrollCommand = <const Id extends string>(id: Id, title: string, key: string, delta: number) =>
  defineCommand({
    id,
    title,
    description: `The selected waiting task's request: ${title}.`,
    keys: { main: [key] },
    noVoiceReason: 'Scrolling is for the screen.',
    helpGroup: 'answer',
    args: taskArgs,
    argsFromState: selectedArgs,
    disabledReason: waitingReason,
    hideWhenDisabled: true,
    quiet: true,
    async run(ctx, a) {
      const r = requestOf(ctx.store.getState(), a.task);
      if (r) ctx.store.dispatch({ type: 'request-ui/scroll', id: r.id, delta, lines: panelLines(r.detail).length });
      return { ok: true, say: '' };
    },
  });

/** PgDn: the request panel a page further. */
export const requestScrollDown = scrollCommand('request_page_down', 'scroll down', 'pagedown', REQUEST_PAGE);
/** PgUp: the request panel a page back. */
export const requestScrollUp = scrollCommand('request_page_up', 'scroll up', 'pageup', -REQUEST_PAGE);
