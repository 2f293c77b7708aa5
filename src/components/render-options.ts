/**
 * How Ink draws the screen; the CLI and the screen benchmarks share these.
 *
 * Frame rate: the store already folds background changes (task output, audio levels) into at most
 * ~30 notifications a second (state/store.ts), so Ink's own frame cap only decides how long a key
 * press waits behind the frame just drawn. At Ink's default of 30 a press could wait a whole 33 ms
 * period on top of the store's batch; 120 keeps that wait under 9 ms without drawing more frames
 * under load (the store, not Ink, sets the pace there).
 */
export const SCREEN_MAX_FPS = 120;
