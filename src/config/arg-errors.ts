/**
 * Messages for command-line mistakes, in voice-orch's words instead of Node's parser's: an
 * unknown option names the closest known one ("unknown option --rot; did you mean --root?"), a
 * missing value says which option wants one.
 */

/** Edit distance (insertions, deletions, substitutions) between two short strings. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
    }
    prev = cur;
  }
  return prev[b.length] as number;
}

/** The known option closest to `given` (both without dashes), when it is close enough to be a typo. */
export function closestOption(given: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = k.startsWith(given) && given.length >= 3 ? 0.5 : editDistance(given, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  // A third of the name (at least one edit) may differ: "rot" → "root", "notice" → "notices".
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(given.length / 3)) ? best : undefined;
}

/**
 * One sentence for an error thrown by `node:util` `parseArgs` (strict mode), or undefined when the
 * error is not one of its own. `known` lists the long option names without dashes.
 */
export function argErrorMessage(err: unknown, known: readonly string[]): string | undefined {
  const e = err as { code?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' ? e.message : '';
  if (e?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const given = /Unknown option '([^']+)'/.exec(message)?.[1] ?? '';
    const bare = given.replace(/^-+/, '').split('=')[0] ?? '';
    const near = given.startsWith('--') ? closestOption(bare, known) : undefined;
    return `unknown option ${given}${near ? `; did you mean --${near}?` : ''}`;
  }
  if (e?.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const missing = /^Option '(-[^' <]+)(?: <value>)?' argument missing/.exec(message)?.[1];
    if (missing) return `option ${missing} needs a value`;
    const noValue = /^Option '(-[^' ]+)' does not take an argument/.exec(message)?.[1];
    if (noValue) return `option ${noValue} takes no value`;
  }
  return undefined;
}
