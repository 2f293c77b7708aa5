/**
 * Checks, before anything starts, that the state directory can be created and written, so a bad
 * `--state-dir` stops the start with a sentence instead of an app that cannot save its tasks.
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Creates `dir` (0700) if needed; returns undefined when it is usable, else what is wrong. */
export function prepareStateDir(dir: string): string | undefined {
  const target = resolve(dir);
  // Create missing components one by one: a recursive mkdir never returns for some paths (under
  // /proc, for instance), and one at a time also names the component that fails.
  const missing: string[] = [];
  let existing = target;
  for (;;) {
    try {
      statSync(existing);
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') return `cannot use the state directory ${target}: ${existing}: ${code}`;
      const parent = dirname(existing);
      if (parent === existing) break;
      missing.unshift(existing);
      existing = parent;
    }
  }
  try {
    for (const component of missing) mkdirSync(component, { mode: 0o700 });
    if (!statSync(target).isDirectory()) return `cannot use the state directory ${target}: it is not a directory`;
    accessSync(target, constants.W_OK);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return `cannot use the state directory ${target}: ${err.code ?? err.message}${err.path ? ` (${err.path})` : ''}`;
  }
  return undefined;
}
