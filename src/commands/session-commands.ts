/**
 * Commands about the conversation and the app itself: talking (tap, discard), a typed message,
 * how task notices are announced, and quitting.
 */
import { z } from 'zod';
import { NOTICE_MODES } from '../shared/settings-values.js';
import type { NoticeMode } from '../session/types.js';
import { liveTasks } from '../state/selectors.js';
import { defineCommand, fail, voiceOff } from './define.js';
import { oneLine } from './wording/speech.js';

function nextNoticeMode(mode: NoticeMode): NoticeMode {
  return NOTICE_MODES[(NOTICE_MODES.indexOf(mode) + 1) % NOTICE_MODES.length]!;
}

export const pttDiscard = defineCommand({
  id: 'ptt_discard',
  title: 'discard',
  description: 'Drop the turn you are speaking (tap-to-talk mode) without sending it.',
  keys: { main: ['escape'], tail: ['escape'], result: ['escape'], help: ['escape'] },
  noVoiceReason: 'It aborts the spoken turn itself; nothing reaches the assistant.',
  hideWhenDisabled: true,
  quiet: true,
  disabledReason: (state) =>
    state.ptt.mode.kind !== 'toggle'
      ? 'push-to-talk is not in tap mode'
      : !state.ptt.talking
        ? 'not talking'
        : undefined,
  async run(ctx) {
    if (!ctx.ptt) return fail('Tap-to-talk is not available.');
    ctx.ptt.key('escape');
    return { ok: true, say: 'Discarded.' };
  },
});

const messageArgs = z.object({ text: z.string().trim().min(1, 'type a message first') });

export const message = defineCommand({
  id: 'message',
  title: 'message',
  description: 'Type a message to the assistant instead of speaking it.',
  keys: { main: [':'], tail: [':'], result: [':'] },
  noVoiceReason: 'This is the typed way to talk to the assistant; speaking already does it.',
  args: messageArgs,
  form: 'message',
  disabledReason: voiceOff,
  async run(ctx, a: z.output<typeof messageArgs>) {
    if (!ctx.voice) return fail('Voice is off, so there is no assistant to message.');
    ctx.voice.sendText(a.text);
    return { ok: true, say: 'Sent.', activity: `sent "${oneLine(a.text, 40)}"` };
  },
});

export const pttTap = defineCommand({
  id: 'ptt_tap',
  title: 'talk',
  description: 'Tap to start talking, tap again to send (when no global hold key is available).',
  keys: { main: ['space'], tail: ['space'], result: ['space'] },
  noVoiceReason: 'It starts or ends the spoken turn itself.',
  hideWhenDisabled: true,
  quiet: true,
  disabledReason(state) {
    const m = state.ptt.mode;
    if (m.kind === 'hold') return `hold ${m.key} to talk`;
    if (m.kind === 'none') return `push-to-talk unavailable${m.reason ? `: ${m.reason}` : ''}`;
    return voiceOff(state);
  },
  async run(ctx) {
    if (!ctx.ptt) return fail('Tap-to-talk is not available.');
    ctx.ptt.key('space');
    return { ok: true, say: '' };
  },
});

const NOTICE_MODE_TEXT =
  'How finished or failed tasks are announced: "speak" (the assistant says it), "chime" (a sound only) or "off".';
const noticeModeParams = z.object({ mode: z.enum(NOTICE_MODES).describe('speak, chime or off') });

export const setNoticeMode = defineCommand({
  id: 'set_notice_mode',
  title: 'notices',
  // Shares a help row with the notice log (N).
  helpGroup: 'notices',
  description: `${NOTICE_MODE_TEXT} The key cycles through them.`,
  keys: { main: ['m'] },
  voice: {
    name: 'set_notice_mode',
    modelDescription: NOTICE_MODE_TEXT,
    parameters: noticeModeParams,
  },
  argsFromState: (state) => ({ mode: nextNoticeMode(state.noticeMode) }),
  disabledReason: voiceOff,
  async run(ctx, a: z.output<typeof noticeModeParams>) {
    ctx.voice?.setNoticeMode(a.mode);
    ctx.store.dispatch({ type: 'noticeMode', mode: a.mode });
    return { ok: true, say: `Task notices: ${a.mode}.`, notice: `Notices: ${a.mode}`, activity: a.mode };
  },
});

const quitArgs = z.object({ policy: z.enum(['keep', 'cancel']).optional() });

export const quit = defineCommand({
  id: 'quit',
  title: 'quit',
  description: 'Quit voice-orch. With live tasks it asks: keep them running, cancel them, or stay.',
  keys: { main: ['ctrl+c'], tail: ['ctrl+c'], result: ['ctrl+c'], help: ['ctrl+c'], form: ['ctrl+c'] },
  noVoiceReason: 'Quitting ends the voice session itself; it belongs to the keyboard.',
  args: quitArgs,
  confirm(a: z.output<typeof quitArgs>, state) {
    const live = liveTasks(state);
    if (a.policy || live.length === 0) return undefined;
    const n = live.length;
    return {
      kind: 'quit',
      title: `${n} task${n === 1 ? ' is' : 's are'} still running. Quit?`,
      detail: live
        .slice(0, 5)
        .map((t) => `${t.id} ${t.name} (${t.status})`)
        .join(', '),
      choices: [
        // A second Ctrl+C on the quit question means "just quit" (leaving tasks running is the safe answer).
        { key: 'k', label: 'keep them running', args: { policy: 'keep' }, alsoKeys: ['ctrl+c'] },
        { key: 'c', label: 'cancel them', args: { policy: 'cancel' } },
        { key: 'escape', label: 'stay', args: null },
      ],
    };
  },
  async run(ctx, a) {
    const policy = a.policy ?? 'keep';
    ctx.quit(policy);
    return { ok: true, say: 'Bye.', activity: `quit (${policy})` };
  },
});
