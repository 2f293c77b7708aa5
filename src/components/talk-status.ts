/**
 * How the screen words talking: the key of the active push-to-talk mode (the hold key or the tap
 * key), what sends the turn, and a missing microphone said plainly instead of a "talking" that
 * hears nothing.
 */
import type { AudioStatus } from '../audio/types.js';
import type { PttMode } from '../input/types.js';
import type { ConnectionState } from '../session/types.js';

/** The talk part of the status bar; `micShown` = it already names the microphone problem. */
export interface TalkLine {
  text: string;
  color?: string;
  bold?: boolean;
  micShown: boolean;
}

/** Why there is no microphone, or undefined when there is one (or it is still starting). */
export function noMicReason(mic: AudioStatus): string | undefined {
  return mic.kind === 'unavailable' || mic.kind === 'disabled' ? mic.reason : undefined;
}

/**
 * The talk status: "● talking — tap Space to send, Esc drops" while a turn is open, the key to
 * press otherwise, and "no microphone: …" when talking would hear nothing. `meter` is the level
 * meter shown while talking.
 */
export function talkLine(
  ptt: PttMode,
  talking: boolean,
  mic: AudioStatus,
  connection: ConnectionState,
  meter = '',
): TalkLine {
  if (connection.kind === 'disabled') return { text: 'keyboard only', color: 'yellow', micShown: false };
  const noMic = noMicReason(mic);
  if (noMic !== undefined && ptt.kind !== 'none') {
    const head = talking ? '● no microphone, nothing is heard' : 'no microphone';
    return {
      text: `${head}: ${noMic} — type with :`,
      color: talking ? 'red' : 'yellow',
      bold: talking,
      micShown: true,
    };
  }
  if (talking) {
    const send = ptt.kind === 'hold' ? `release ${ptt.key} to send` : `tap ${ptt.key} to send, Esc drops`;
    return { text: `● talking ${meter}${meter ? ' ' : ''}— ${send}`, color: 'red', bold: true, micShown: false };
  }
  switch (ptt.kind) {
    case 'hold':
      return { text: `hold ${ptt.key} to talk`, micShown: false };
    case 'toggle':
      return { text: `${ptt.key}: tap to talk${ptt.reason ? ` (${ptt.reason})` : ''}`, micShown: false };
    case 'none':
      return { text: `no push-to-talk${ptt.reason ? `: ${ptt.reason}` : ''}`, color: 'yellow', micShown: false };
  }
}

/** How the empty task table suggests asking the assistant, naming the active talk key. */
export function askHint(ptt: PttMode, connection: ConnectionState): string {
  if (connection.kind === 'disabled') return 'press n to start one';
  if (ptt.kind === 'hold') return `press n to start one, or hold ${ptt.key} and ask the assistant`;
  if (ptt.kind === 'toggle') return `press n to start one, or tap ${ptt.key} and ask the assistant`;
  return 'press n to start one, or type : and ask the assistant';
}
