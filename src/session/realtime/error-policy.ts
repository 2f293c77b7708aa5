/**
 * What the Realtime engine does about a server `error` event or a closed socket: which failures
 * are fatal (reconnecting cannot help), which end the session on purpose, which the user hears
 * about, and when repeated server errors call for a fresh session. Pure functions.
 */
import type { CloseInfo } from '../realtime-client.js';

/** Error codes after which reconnecting cannot help. */
export const FATAL_ERROR_CODES: ReadonlySet<string> = new Set([
  'invalid_api_key',
  'beta_api_shape_disabled',
  'invalid_model',
  'missing_model',
  'model_not_found',
]);

/** `server_error`s within this window that make us open a fresh session ("if it repeats, reconnect"). */
export const SERVER_ERRORS_BEFORE_RECONNECT = 3;
export const SERVER_ERROR_WINDOW_MS = 60_000;

/** How one `error` event is handled by the connection it arrived on. */
export type ErrorClass =
  /** Reconnecting cannot help: close with this message and fail. */
  | { kind: 'fatal'; message: string }
  /** The session hit its time limit: open a fresh one. */
  | { kind: 'expired' }
  /** The session configuration was refused: retrying it cannot succeed. */
  | { kind: 'config_rejected'; message: string }
  /** Anything else: may fail a response request; `report` says what the user sees. */
  | { kind: 'other'; report: ErrorReport };

/** What the user sees of an ordinary error. */
export type ErrorReport =
  | { kind: 'none' }
  | { kind: 'info'; text: string }
  | { kind: 'error'; text: string }
  /** A `server_error`: reported, and counted towards a reconnect. */
  | { kind: 'server_error'; text: string };

/** Classifies one server `error` event. `configEventId` is the event id of this socket's `session.update`. */
export function classifyError(
  err: { code: string; message: string; eventId: string | null },
  configEventId: string,
): ErrorClass {
  const { code, message } = err;
  if (FATAL_ERROR_CODES.has(code)) return { kind: 'fatal', message: fatalMessage(code, message) };
  if (code === 'session_expired') return { kind: 'expired' };
  if (err.eventId && err.eventId === configEventId)
    return { kind: 'config_rejected', message: `Realtime rejected the session configuration: ${message}` };
  switch (code) {
    case 'response_cancel_not_active':
      return { kind: 'other', report: { kind: 'none' } };
    case 'server_error':
      return { kind: 'other', report: { kind: 'server_error', text: `Realtime error (server_error): ${message}` } };
    case 'input_audio_buffer_commit_empty':
      return { kind: 'other', report: { kind: 'info', text: 'Too short, nothing sent.' } };
    default:
      // Truncating past what was sent is harmless (the item is already that short).
      if (/already shorter than/i.test(message)) return { kind: 'other', report: { kind: 'none' } };
      return {
        kind: 'other',
        report: { kind: 'error', text: `Realtime error${code ? ` (${code})` : ''}: ${message}` },
      };
  }
}

/** Times of recent server errors after one more at `now`; `reconnect` when they are too many. */
export function countServerError(times: readonly number[], now: number): { times: number[]; reconnect: boolean } {
  const next = [...times.filter((t) => now - t < SERVER_ERROR_WINDOW_MS), now];
  return { times: next, reconnect: next.length >= SERVER_ERRORS_BEFORE_RECONNECT };
}

/** The user-facing sentence of a fatal error code. */
export function fatalMessage(code: string, message: string): string {
  switch (code) {
    case 'invalid_api_key':
      return `The OpenAI API key was rejected (${message}). Fix OPENAI_API_KEY and restart.`;
    case 'beta_api_shape_disabled':
      return `The Realtime endpoint refused the request shape: ${message}`;
    case 'invalid_model':
    case 'missing_model':
    case 'model_not_found':
      return `The Realtime model is not available: ${message}`;
    default:
      return message;
  }
}

/** A refused upgrade that reconnecting cannot fix, as a sentence; null otherwise. */
export function httpFatal(info: CloseInfo): string | null {
  if (info.httpStatus === 401 || info.httpStatus === 403) {
    return `The Realtime endpoint refused the connection (HTTP ${info.httpStatus}); check OPENAI_API_KEY.`;
  }
  if (info.httpStatus === 404) return 'The Realtime endpoint was not found (HTTP 404); check the Realtime URL.';
  return null;
}

/** A close as the status bar shows it ("HTTP 500", "closed (1006)"). */
export function describeClose(info: CloseInfo): string {
  if (info.httpStatus) return `HTTP ${info.httpStatus}`;
  return `closed (${info.code}${info.reason ? ` ${info.reason}` : ''})`;
}

/** Parses "Please try again in 7.853s" / "in 350ms" into milliseconds. */
export function parseRetryAfterMs(message: string): number | null {
  const m = /try again in\s+([\d.]+)\s*(ms|s)\b/i.exec(message);
  if (!m) return null;
  const v = Number(m[1]);
  if (!Number.isFinite(v)) return null;
  return Math.ceil(m[2]?.toLowerCase() === 'ms' ? v : v * 1000);
}
