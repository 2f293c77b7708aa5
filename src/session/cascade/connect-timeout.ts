/**
 * A connect timeout per endpoint, apart from the request timeout: a server that accepts no
 * connection (a host that drops packets, a listener whose queue is full) fails in the connect
 * time (10 s by default) with its own line, instead of using up the request's whole timeout.
 *
 * Node's built-in fetch does not say when its connection is made, so before a request to an
 * origin that has not been reached lately, a plain TCP connection is opened to it with the
 * connect timeout and closed again. Within {@link REACHED_FRESH_MS} of a connection that
 * succeeded, fetch reuses its kept-alive socket and the probe is skipped, so a streaming turn does
 * not pay a round trip per request.
 */
import { connect } from 'node:net';

/** Default time for an endpoint to accept a connection. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** How long a reached origin counts as reachable (fetch keeps idle sockets about this long). */
export const REACHED_FRESH_MS = 4_000;

/**
 * The endpoint accepted no connection within the connect timeout. Its name and message avoid the
 * word "timeout": the `openai` client would turn such an error into a plain request timeout.
 */
export class NoConnectionError extends Error {
  override readonly name = 'NoConnectionError';
  readonly code = 'NO_CONNECTION';
  constructor(
    readonly origin: string,
    readonly timeoutMs: number,
  ) {
    super(`no connection to ${origin} within ${Math.round(timeoutMs / 100) / 10} s`);
  }
}

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

function abortError(): Error {
  const err = new Error('The operation was aborted.');
  err.name = 'AbortError';
  return err;
}

/** Opens and closes one TCP connection to `url`'s host and port within `timeoutMs`. */
export function probeConnect(url: URL, timeoutMs: number, signal?: AbortSignal | null): Promise<void> {
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const socket = connect({ host, port });
    const done = (err?: Error): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    const onAbort = (): void => done(abortError());
    const timer = setTimeout(() => done(new NoConnectionError(url.origin, timeoutMs)), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => done());
    // A refused or unresolvable host is left to fetch, which reports it with its own code.
    socket.once('error', () => done());
  });
}

/**
 * A fetch for the `openai` client that first makes sure the origin accepts a connection within
 * `connectTimeoutMs` (skipped while a recent connection to it succeeded).
 */
export function fetchWithConnectTimeout(connectTimeoutMs: number, base: Fetch = fetch): Fetch {
  const reachedAt = new Map<string, number>();
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const last = reachedAt.get(url.origin);
    if (last === undefined || performance.now() - last > REACHED_FRESH_MS) {
      await probeConnect(url, connectTimeoutMs, init?.signal);
    }
    const res = await base(input, init);
    reachedAt.set(url.origin, performance.now());
    return res;
  };
}
