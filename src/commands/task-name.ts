/**
 * A task name made from its prompt, for the new-task form when the name is left empty: the first
 * few meaningful words in lower-case kebab-case ("Fix the login redirect on Safari" →
 * `fix-login-redirect`). Only ASCII letters and digits survive, so nothing a prompt carries
 * (control sequences, markup, path separators) reaches the name.
 */

/** Words that say nothing about the task and are skipped at the start and between words. */
const FILLER = new Set([
  'a',
  'an',
  'the',
  'please',
  'pls',
  'can',
  'could',
  'would',
  'you',
  'i',
  'we',
  'want',
  'need',
  'to',
  'of',
  'in',
  'on',
  'for',
  'and',
  'with',
  'some',
  'my',
  'our',
  'this',
  'that',
  'it',
  'me',
  'us',
  'let',
  'lets',
]);

/** Most words taken. */
const MAX_WORDS = 3;
/** Most characters of a derived name. */
export const DERIVED_NAME_MAX = 32;
/** The name when the prompt has no usable word. */
const FALLBACK = 'task';

/** A short kebab-case name from the first words of `prompt` (never empty, at most {@link DERIVED_NAME_MAX}). */
export function deriveTaskName(prompt: string): string {
  // The first line and sentence carry the gist; later ones would make a name about the details.
  const first = prompt.trim().split(/\n|[.!?](?:\s|$)/, 1)[0] ?? '';
  const words = first
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/'/g, '')
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
  const meaningful = words.filter((w) => !FILLER.has(w));
  const picked = (meaningful.length ? meaningful : words).slice(0, MAX_WORDS);
  let name = '';
  for (const w of picked) {
    const next = name ? `${name}-${w}` : w;
    if (next.length > DERIVED_NAME_MAX) {
      if (!name) name = w.slice(0, DERIVED_NAME_MAX);
      break;
    }
    name = next;
  }
  return name || FALLBACK;
}
