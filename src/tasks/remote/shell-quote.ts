/**
 * The one place a command line for a remote host is built. ssh joins its arguments with spaces
 * and hands the result to the remote user's shell, so an argv cannot be passed as is: every word
 * is single-quoted here (a `'` inside becomes `'\''`), which leaves nothing for the remote shell to
 * expand, split or run. Prompts, folder names and paths from outside only ever reach a host
 * through {@link remoteCommandLine}.
 */

/** One word quoted for a POSIX shell: the shell reads it back as exactly `word`. */
export function quoteWord(word: string): string {
  // A NUL cannot be carried through a shell word or an argv; refuse rather than truncate silently.
  if (word.includes('\0')) throw new Error('a NUL byte cannot be passed to a remote command');
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** An argv as one remote shell command line (every word quoted, nothing left to interpret). */
export function remoteCommandLine(argv: readonly string[]): string {
  return argv.map(quoteWord).join(' ');
}
