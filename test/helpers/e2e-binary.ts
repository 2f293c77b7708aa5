// What every end-to-end test of the built binary in tmux needs: where the binary and the fake
// agent CLI are, and its tmux sessions killed after each test.
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { TmuxSession } from './tmux-session.js';

/** The repository's root folder. */
export const ROOT = new URL('../..', import.meta.url).pathname;
/** The built binary (`npm run build`). */
export const CLI = join(ROOT, 'dist', 'cli.js');
/** The fake claude that replays the recorded CLI streams. */
export const FAKE_CLAUDE = join(ROOT, 'test', 'fixtures', 'fake-claude');

/** The test file's tmux sessions: push each one started; all are killed after every test. */
export function tmuxSessions(): TmuxSession[] {
  const sessions: TmuxSession[] = [];
  afterEach(() => {
    for (const s of sessions.splice(0)) s.kill();
  });
  return sessions;
}
