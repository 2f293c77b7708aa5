// Per-file test setup (vitest hooks), kept apart from real-audio.ts, which the audio benchmark imports too.
import { afterAll, beforeAll } from 'vitest';
import { makeSpeech, scratch, startXvfb, type Xvfb } from './real-audio.js';

/**
 * Per-file setup for tests that need a spoken phrase and an X display: made in beforeAll, removed in
 * afterAll. Read the fields inside tests (they are set once beforeAll has run).
 */
export function speechAndDisplay(): { dir: string; speech: string; x: Xvfb } {
  const ctx = {} as { dir: string; speech: string; x: Xvfb };
  let cleanup: (() => void) | undefined;
  beforeAll(async () => {
    const s = scratch();
    cleanup = s.cleanup;
    ctx.dir = s.dir;
    ctx.speech = makeSpeech(s.dir).raw;
    ctx.x = await startXvfb();
  });
  afterAll(async () => {
    await ctx.x?.stop();
    cleanup?.();
  });
  return ctx;
}
