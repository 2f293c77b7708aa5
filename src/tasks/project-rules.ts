/**
 * Settings given per project in config.json, keyed by the project's folder name or absolute path
 * (like `projectAgents`): the allow rules a Claude run gets as `--allowedTools`, the global ones
 * first, then the project's own.
 */

/** The value of the first key that names one of `dirs` (absolute path first, then folder name). */
export function projectValue<T>(
  dirs: readonly (string | undefined)[],
  byProject: Readonly<Record<string, T>> | undefined,
): T | undefined {
  if (byProject === undefined) return undefined;
  for (const dir of dirs) {
    if (dir === undefined) continue;
    const trimmed = dir.trim().replace(/\/+$/, '');
    if (Object.hasOwn(byProject, trimmed)) return byProject[trimmed];
    const base = trimmed.slice(trimmed.lastIndexOf('/') + 1);
    if (base !== '' && Object.hasOwn(byProject, base)) return byProject[base];
  }
  return undefined;
}

/**
 * The allow rules of a run in a project: global rules, then the project's (a task in a worktree
 * of its own is matched by its folder and by its main checkout), each rule once.
 */
export function allowedToolsFor(
  global: readonly string[] | undefined,
  byProject: Readonly<Record<string, readonly string[]>> | undefined,
  dirs: readonly (string | undefined)[],
): string[] | undefined {
  const all = [...(global ?? []), ...(projectValue(dirs, byProject) ?? [])];
  return all.length ? [...new Set(all)] : global === undefined ? undefined : [];
}
