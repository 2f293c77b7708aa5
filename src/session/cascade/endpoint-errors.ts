/**
 * One-line statuses for a failed cascade request: which endpoint (by kind and URL), what went
 * wrong, and what to do. Server text is hostile: only a sanitised, cut excerpt is shown.
 */
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  NotFoundError,
  RateLimitError,
} from 'openai';
import { errorText } from '../../shared/errors.js';
import { oneLine } from '../../shared/sanitize.js';
import { NoConnectionError } from './connect-timeout.js';

/** The three endpoints of the cascade, as the user knows them. */
export type EndpointKind = 'speech-to-text' | 'chat' | 'speech';

/** The flag prefix of each endpoint's settings. */
const FLAG: Record<EndpointKind, string> = { 'speech-to-text': 'stt', chat: 'llm', speech: 'tts' };

/** What a failed request was. */
export interface EndpointRequest {
  kind: EndpointKind;
  url: string;
  model: string;
  timeoutMs: number;
}

/** True for an abort we asked for (barge-in, close): not a failure to report. */
export function isOwnAbort(err: unknown): boolean {
  return err instanceof APIUserAbortError || (err instanceof Error && err.name === 'AbortError');
}

/** The one-line status for a failed request. */
export function describeEndpointFailure(req: EndpointRequest, err: unknown): string {
  const where = `${req.kind} (${req.url})`;
  const flag = FLAG[req.kind];
  if (err instanceof APIConnectionTimeoutError || (err instanceof Error && err.name === 'StreamStalledError')) {
    return `${where} did not answer within ${Math.round(req.timeoutMs / 100) / 10} s; check that the server is running and not overloaded.`;
  }
  const timedOut = connectTimeout(err);
  if (timedOut) {
    return `${where} accepted no connection within ${Math.round(timedOut.timeoutMs / 100) / 10} s; check the host and port in --${flag}-url and that the server is up.`;
  }
  if (err instanceof APIConnectionError) {
    return `${where} is unreachable (${oneLine(causeText(err), 60)}); start the server or fix --${flag}-url.`;
  }
  if (err instanceof AuthenticationError) {
    return `${where} rejected the API key (401); set OPENAI_API_KEY or this endpoint's key variable.`;
  }
  if (err instanceof NotFoundError) {
    return `${where} does not know model "${oneLine(req.model, 60)}" (404); choose a listed model with --${flag}-model.`;
  }
  if (err instanceof RateLimitError) {
    const after = err.headers?.get('retry-after');
    const wait = after && /^\d+(\.\d+)?$/.test(after) ? `try again in ${after} s` : 'try again shortly';
    return `${where} is rate limited (429); ${wait}.`;
  }
  if (err instanceof APIError && typeof err.status === 'number' && err.status >= 500) {
    return `${where} had a server error (${err.status}); try again, or check the server's log.`;
  }
  if (err instanceof APIError && typeof err.status === 'number') {
    return `${where} refused the request (${err.status}): ${oneLine(errorText(err), 100)}.`;
  }
  return `${where} failed: ${oneLine(errorText(err), 100)}.`;
}

function connectTimeout(err: unknown): NoConnectionError | undefined {
  if (err instanceof NoConnectionError) return err;
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  return cause instanceof NoConnectionError ? cause : undefined;
}

function causeText(err: APIConnectionError): string {
  const cause = (err as { cause?: unknown }).cause;
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  const inner = (cause as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof inner === 'string' ? inner : 'connection failed';
}
