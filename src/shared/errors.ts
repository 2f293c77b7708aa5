/**
 * Error-to-text in one place: anything caught (`unknown`) becomes an Error or its message, the same
 * way everywhere, so a notice, a log line and a spoken failure never disagree on the text.
 */

/** `e` as an Error: itself when it is one, else an Error whose message is `String(e)`. */
export function toError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/** The message of `e` when it is an Error, else `String(e)`. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
