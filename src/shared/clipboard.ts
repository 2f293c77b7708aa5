/**
 * Copying text to the user's clipboard with the terminal's OSC 52 sequence, written by voice-orch
 * itself (no clipboard program needed, works over ssh). Inside tmux the sequence is also sent
 * wrapped in tmux's passthrough, so it reaches the outer terminal whether tmux takes clipboard
 * sequences from programs (`set-clipboard on`) or only passes them through (`allow-passthrough on`).
 */

/** The capability to put text on the clipboard. */
export interface ClipboardPort {
  /** Puts `text` on the clipboard; false when it could not be written. Never throws. */
  copy(text: string): boolean;
}

/** Most bytes of text sent: terminals drop longer OSC 52 sequences whole. */
export const CLIPBOARD_MAX_BYTES = 74_000;

/** The bytes to write for `text`: OSC 52, plus its tmux-passthrough form inside tmux. */
export function osc52Sequence(text: string, inTmux: boolean): string {
  const b64 = Buffer.from(text, 'utf8').subarray(0, CLIPBOARD_MAX_BYTES).toString('base64');
  const plain = `\u001b]52;c;${b64}\u0007`;
  if (!inTmux) return plain;
  // tmux passthrough: DCS tmux; <sequence with every ESC doubled> ST.
  return `${plain}\u001bPtmux;${plain.split('\u001b').join('\u001b\u001b')}\u001b\\`;
}

/** A clipboard that writes OSC 52 to the terminal through `write` (the app's stdout). */
export function createTerminalClipboard(
  write: (data: string) => void,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ClipboardPort {
  const inTmux = Boolean(env.TMUX);
  return {
    copy(text) {
      try {
        write(osc52Sequence(text, inTmux));
        return true;
      } catch {
        return false;
      }
    },
  };
}
