/**
 * `y`: copy the task's result to the clipboard. The text goes out as the terminal's OSC 52
 * sequence (shared/clipboard.ts), written only on this key.
 */
import { z } from 'zod';
import { defineCommand, knownTask, needsTask, selectedArgs } from './define.js';

const COPY_TEXT = "Copy the selected task's result to the clipboard (works inside tmux and over ssh).";

export const copyResult = defineCommand({
  id: 'copy_result',
  title: 'copy',
  description: COPY_TEXT,
  keys: { main: ['y'], result: ['y'] },
  noVoiceReason: 'The clipboard belongs to the terminal in front of you; ask for the result to hear it.',
  args: z.object({ task: z.union([z.string(), z.number()]).optional() }),
  argsFromState: selectedArgs,
  disabledReason: (state, args) => {
    const missing = needsTask(state, args);
    if (missing) return missing;
    const t = knownTask(state, args);
    return t && !t.resultText ? `task ${t.id} has no result yet` : undefined;
  },
  quiet: true,
  run(ctx, a) {
    const t = knownTask(ctx.store.getState(), a);
    if (!t?.resultText) return Promise.resolve({ ok: false, say: 'There is no result to copy.' });
    if (!ctx.clipboard) return Promise.resolve({ ok: false, say: 'Copying is not available here.' });
    const ok = ctx.clipboard.copy(t.resultText);
    return Promise.resolve(
      ok
        ? { ok: true, say: `Copied the result of ${t.name}.`, notice: `Copied the result of task ${t.id} ${t.name}` }
        : { ok: false, say: 'The terminal could not be written to.' },
    );
  },
});
