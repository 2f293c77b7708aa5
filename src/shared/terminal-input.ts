/**
 * Giving the terminal's input to another program (the editor `o` starts) and taking it back.
 *
 * Unmounting the UI turns raw mode off and removes its reader, but Node went on reading the
 * terminal: the key that asks for the hand-over is handled inside Ink's read loop, whose next
 * read() starts the terminal read again, and `pause()` does not stop a terminal's read. Keys typed
 * for the editor — above all those typed while it starts, before it reads — were then taken by
 * voice-orch (and run as its keys when the UI came back) instead of reaching the editor. So the
 * hand-over lets that loop end, then stops the read itself, the way Node stops it when stdin is
 * paused for good; the next reader (the UI drawn again) starts it through Node's own path.
 */

/** The part of Node's stream handle this module uses (a TTY or socket handle). */
interface ReadHandle {
  reading?: boolean;
  readStop?: () => number;
}

/** The terminal input as this module needs it (process.stdin in the app). */
export interface TerminalInput {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?: (mode: boolean) => unknown;
}

function internals(input: TerminalInput): { handle?: ReadHandle; state?: { reading?: boolean } } {
  const { _handle: handle, _readableState: state } = input as { _handle?: unknown; _readableState?: unknown };
  return {
    ...(handle !== null && typeof handle === 'object' ? { handle: handle as ReadHandle } : {}),
    ...(state !== null && typeof state === 'object' ? { state: state as { reading?: boolean } } : {}),
  };
}

/**
 * Stops reading `input` and turns raw mode off, so a program started next reads every key typed.
 * Reading starts again when something reads `input` next (Ink's reader, once the UI is drawn
 * again). Never throws: a stream without a handle (not a terminal, tests) is left as it is.
 */
export function holdTerminalInput(input: TerminalInput): void {
  try {
    if (input.isTTY && input.isRaw) input.setRawMode?.(false);
  } catch {
    // the terminal may be gone; the program started next will say so
  }
  const { handle, state } = internals(input);
  if (!handle || typeof handle.readStop !== 'function') return;
  // Both flags false, so the next read() asks the handle to read again.
  handle.reading = false;
  if (state) state.reading = false;
  handle.readStop();
}

/**
 * Hands the terminal over: `unmount` the UI, let the read loop that called us end, then stop
 * reading (see {@link holdTerminalInput}). Start the other program after this resolves.
 */
export async function releaseTerminal(input: TerminalInput, unmount: () => void): Promise<void> {
  try {
    unmount();
  } catch {
    // the terminal may already be gone
  }
  await new Promise<void>((r) => setImmediate(r));
  holdTerminalInput(input);
}
