/**
 * `o`: open the selected task's folder — its worktree when it has one, else its project folder —
 * in `$VISUAL`/`$EDITOR` (shared/open-editor.ts); without an editor setting, show the path.
 */
import { z } from 'zod';
import { sanitizeLine } from '../shared/sanitize.js';
import { defineCommand, knownTask, needsTask, selectedArgs } from './define.js';

const OPEN_TEXT =
  "Open the selected task's folder (its own worktree, or its project folder) in $VISUAL or $EDITOR; without one, show the path.";

export const openFolder = defineCommand({
  id: 'open_folder',
  title: 'open folder',
  description: OPEN_TEXT,
  keys: { main: ['o'], result: ['o'] },
  noVoiceReason: 'An editor opens on the screen in front of you.',
  args: z.object({ task: z.union([z.string(), z.number()]).optional() }),
  argsFromState: selectedArgs,
  disabledReason: needsTask,
  quiet: true,
  async run(ctx, a) {
    const t = knownTask(ctx.store.getState(), a);
    if (!t) return { ok: false, say: 'No such task.' };
    const dir = t.projectDir;
    if (!ctx.openFolder) {
      const say = `Task ${t.id} works in ${sanitizeLine(dir)}`;
      return { ok: true, say, notice: say };
    }
    const r = await ctx.openFolder.open(dir);
    const say = sanitizeLine(r.message);
    return { ok: r.ok, say, notice: say };
  },
});
