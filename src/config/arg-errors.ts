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
    const noValue = /^Option '(?:-\w, )?(-[^' ]+)' does not take an argument/.exec(message)?.[1];
    if (noValue) return `option ${noValue} takes no value`;
  }
  return undefined;
}

/** What the settings schema found wrong with one flag or environment value (a zod issue, loosely). */
export interface ValueIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  values?: readonly unknown[];
  format?: string;
  minimum?: unknown;
  maximum?: unknown;
}

/** The flag of a settings field: `stateDir` → `state-dir` (`sameDirPolicy` is `--same-dir`). */
export function flagOfField(field: string): string {
  const flag = field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return flag === 'same-dir-policy' ? 'same-dir' : flag;
}

/** The environment variable of a settings field: `stateDir` → `VOICE_ORCH_STATE_DIR`. */
export function envOfField(field: string): string {
  return `VOICE_ORCH_${field.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/**
 * One sentence for a bad flag or environment value: where it came from (`--notices` or
 * `VOICE_ORCH_…`), what it must be, and what was given ("--notices must be one of speak, chime,
 * off (got "loud")"). `fromFlag` says whether the flag (rather than the environment) gave it.
 */
export function valueIssueMessage(
  issue: ValueIssue,
  fromFlag: (field: string) => boolean,
  given: (field: string) => unknown,
): string {
  const field = String(issue.path[0] ?? '');
  const where = fromFlag(field) ? `--${flagOfField(field)}` : envOfField(field);
  let must: string;
  if (issue.code === 'invalid_value' && issue.values) must = `must be one of ${issue.values.map(String).join(', ')}`;
  else if (issue.code === 'invalid_format' && issue.format === 'url')
    must = 'must be a URL like http://localhost:8000/v1';
  else if (issue.code === 'too_small' && /^Too small/.test(issue.message))
    must = `must be at least ${String(issue.minimum)}`;
  else if (issue.code === 'too_big' && /^Too big/.test(issue.message))
    must = `must be at most ${String(issue.maximum)}`;
  else must = issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
  const value = given(field);
  const got = typeof value === 'string' || typeof value === 'number' ? ` (got ${JSON.stringify(value)})` : '';
  return `${where} ${must}${got}`;
}
