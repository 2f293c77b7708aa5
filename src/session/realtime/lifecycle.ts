/**
 * Connection lifecycle of the Realtime engine: open, configure, loss, reconnect with backoff,
 * fatal failure, and rotation to a fresh session before the current one expires (the new socket
 * is configured beside the old one and takes over at a quiet moment). Conversation decisions
 * stay in the engine, reached through `LifecycleHooks`.
 */
import type { SessionUpdateEvent } from 'openai/resources/realtime/realtime';
import type { CloseInfo } from '../realtime-client.js';
import type { ConnectionState } from '../types.js';
import { newConn, type Conn } from './connection.js';
import { classifyError, describeClose, httpFatal } from './error-policy.js';
import { parseServerEvent, type EngineServerEvent, type SessionInfo } from './server-events.js';
import { wsTransport, type TransportFactory } from './transport.js';
import { DEFAULT_REALTIME_MODEL, DEFAULT_REALTIME_URL } from '../../shared/settings-values.js';
import type { RealtimeClientOptions } from '../realtime-client.js';
import type { RealtimeEngineOptions } from './options.js';

/** What the lifecycle needs from the engine. Hooks may throw; the lifecycle guards them. */
export interface LifecycleHooks {
  /** The configuration to send a new session. */
  sessionUpdate(): SessionUpdateEvent;
  /** A server event on the current, configured-or-configuring socket (session.* are handled here). */
  event(conn: Conn, ev: EngineServerEvent, receivedAt: number): void;
  /** A session becomes the current one, before `ready` is announced: replay context when `restored`. */
  beforeReady(conn: Conn, restored: boolean): void;
  /** After `ready`: flush what waited for the connection. */
  activated(conn: Conn, restored: boolean): void;
  /** The current socket is gone (its ids with it). */
  lost(conn: Conn): void;
  /** Voice failed for good: drop what waited for a connection. */
  failed(): void;
  /** Something may be ready for the idle pump (now, or after `ms`). */
  wake(ms?: number): void;
  state(state: ConnectionState): void;
  info(message: string): void;
  error(err: unknown): void;
}

/** Options of the lifecycle. */
export interface LifecycleOptions {
  client: RealtimeClientOptions;
  transport: TransportFactory;
  backoff: { initialMs: number; maxMs: number };
  /** Rotate when less than this is left before expiry (0 = only on session_expired). */
  rotateBeforeMs: number;
  connectTimeoutMs: number;
  now: () => number;
}

/** Lifecycle options from the engine options (defaults: 15 s connect timeout, 500 ms → 8 s backoff, rotate 5 min before expiry). */
export function lifecycleOptions(opts: RealtimeEngineOptions, now: () => number): LifecycleOptions {
  return {
    client: {
      apiKey: opts.apiKey ?? '',
      baseUrl: opts.baseUrl ?? DEFAULT_REALTIME_URL,
      model: opts.model ?? DEFAULT_REALTIME_MODEL,
      headers: opts.headers,
      handshakeTimeoutMs: opts.connectTimeoutMs ?? 15_000,
      keepAliveMs: opts.keepAliveMs,
    },
    transport: opts.transport ?? wsTransport,
    backoff: opts.backoff ?? { initialMs: 500, maxMs: 8000 },
    rotateBeforeMs: opts.rotateBeforeExpiryMs ?? 5 * 60_000,
    connectTimeoutMs: opts.connectTimeoutMs ?? 15_000,
    now,
  };
}

/** The current socket, a rotation socket, and the timers that move between them. */
export class ConnectionLifecycle {
  private current: Conn | null = null;
  private pending: Conn | null = null;
  private gen = 0;
  private attempt = 0;
  private sessionsActivated = 0;
  private closing = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private rotationTimer: NodeJS.Timeout | null = null;
  private rotationRetryAt = 0;

  constructor(
    private readonly opts: LifecycleOptions,
    private readonly hooks: LifecycleHooks,
  ) {}

  /** Opens the first socket. */
  start(): void {
    this.openCurrent();
  }

  /** The current socket when it is activated and open. */
  ready(): Conn | null {
    const c = this.current;
    return c && c.activated && !c.retired && c.client.isOpen() ? c : null;
  }

  /** The socket the engine talks to (maybe not ready). */
  currentConn(): Conn | null {
    return this.current;
  }

  /** Whether `conn` is the current, live socket. */
  isCurrent(conn: Conn | null): conn is Conn {
    return !!conn && conn === this.current && !conn.retired;
  }

  /** A rotation socket is configured and waits to take over. */
  pendingConfigured(): boolean {
    return this.pending?.configured ?? false;
  }

  /** A rotation socket is open or opening. */
  pendingOpen(): boolean {
    return !!this.pending;
  }

  /** The current session is close to its expiry (and a failed rotation is not being waited out). */
  rotationDue(conn: Conn): boolean {
    const now = this.opts.now();
    return (
      this.opts.rotateBeforeMs > 0 &&
      conn.expiresAtMs > 0 &&
      conn.expiresAtMs - now <= this.opts.rotateBeforeMs &&
      now >= this.rotationRetryAt
    );
  }

  /** Opens the rotation socket. */
  beginRotation(): void {
    if (!this.pending) this.pending = this.openConn();
  }

  /** The configured rotation socket takes over from the current one. */
  swapToPending(): void {
    const next = this.pending;
    const old = this.current;
    if (!next) return;
    this.pending = null;
    this.current = next;
    if (old) {
      old.retired = true;
      if (old.connectTimer) clearTimeout(old.connectTimer);
      old.gate.reset();
      old.client.close(1000, 'rotated to a new session');
    }
    this.activate(next);
  }

  /** Closes every socket and stops reconnecting. Resolves when they are closed (at most ~3 s). */
  async close(): Promise<void> {
    this.closing = true;
    for (const t of [this.reconnectTimer, this.rotationTimer]) if (t) clearTimeout(t);
    const conns = [this.current, this.pending].filter((c): c is Conn => !!c);
    for (const c of conns) if (c.connectTimer) clearTimeout(c.connectTimer);
    await Promise.all(
      conns.map(
        (c) =>
          new Promise<void>((resolve) => {
            c.client.once('close', () => resolve());
            const t = setTimeout(resolve, 3000);
            t.unref();
            c.client.close(1000, 'voice-orch closing');
          }),
      ),
    );
    this.current = null;
    this.pending = null;
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.hooks.error(err);
    }
  }

  private openCurrent(): void {
    this.current = this.openConn();
    this.hooks.state({ kind: 'connecting', attempt: this.attempt });
  }

  private openConn(): Conn {
    const conn = newConn(++this.gen, this.opts.transport(this.opts.client));
    const client = conn.client;
    client.on('event', (ev, receivedAt) => {
      // Guarded inline, not through guard(): one closure less per frame.
      try {
        this.onServerEvent(conn, ev, receivedAt);
      } catch (err) {
        this.hooks.error(err);
      }
    });
    client.on('close', (info) => this.guard(() => this.onClose(conn, info)));
    client.on('warning', (msg) => this.guard(() => this.onWarning(conn, msg)));
    conn.connectTimer = setTimeout(() => {
      conn.connectTimer = null;
      if (!conn.configured && !conn.retired) {
        conn.fatal = null;
        this.hooks.info('Realtime connection attempt timed out.');
        client.close(4000, 'connect timeout');
      }
    }, this.opts.connectTimeoutMs);
    conn.connectTimer.unref();
    client.connect();
    return conn;
  }

  private onWarning(conn: Conn, message: string): void {
    // Socket errors are followed by a close (handled there); odd frames on a live session are worth a note.
    if (conn === this.current && conn.configured && /frame/.test(message)) this.hooks.info(`Realtime: ${message}`);
  }

  private onServerEvent(conn: Conn, raw: { type: string }, receivedAt: number): void {
    if (conn.retired) return;
    const isCurrent = conn === this.current;
    // A rotation socket only needs configuring until it takes over.
    if (!isCurrent && conn !== this.pending) return;
    const ev = parseServerEvent(raw);
    if (!ev) return;
    if (ev.type === 'session.created') return this.onSessionCreated(conn, ev.session);
    if (ev.type === 'session.updated') return this.onSessionUpdated(conn, ev.session);
    if (ev.type === 'error') {
      const cls = classifyError(ev.error, conn.cfgEventId);
      if (cls.kind === 'fatal') {
        conn.fatal = cls.message;
        return;
      }
      if (cls.kind === 'expired') {
        conn.expired = true;
        if (isCurrent) this.hooks.info('Realtime session reached its time limit; starting a fresh one.');
        return;
      }
      if (cls.kind === 'config_rejected') {
        conn.fatal = cls.message;
        if (!isCurrent) return;
        // Retrying the same configuration cannot succeed: fail loudly.
        this.hooks.error(new Error(cls.message));
        conn.client.close(4000, 'configuration rejected');
        return;
      }
    }
    if (isCurrent) this.hooks.event(conn, ev, receivedAt);
  }

  private onSessionCreated(conn: Conn, session: SessionInfo): void {
    conn.sessionId = session.id || conn.sessionId;
    if (session.expiresAtMs) conn.expiresAtMs = session.expiresAtMs;
    const cfg = this.hooks.sessionUpdate();
    cfg.event_id = conn.cfgEventId;
    conn.client.send(cfg);
  }

  private onSessionUpdated(conn: Conn, session: SessionInfo): void {
    if (conn.configured) return;
    conn.configured = true;
    if (conn.connectTimer) clearTimeout(conn.connectTimer);
    conn.connectTimer = null;
    if (!conn.sessionId) conn.sessionId = session.id;
    if (session.expiresAtMs) conn.expiresAtMs = session.expiresAtMs;
    if (conn === this.current) this.activate(conn);
    else this.hooks.wake();
  }

  private onClose(conn: Conn, info: CloseInfo): void {
    if (conn.connectTimer) clearTimeout(conn.connectTimer);
    conn.connectTimer = null;
    if (conn.retired) return;
    conn.retired = true;
    const fatal = conn.fatal ?? httpFatal(info);
    if (conn === this.pending) {
      this.pending = null;
      if (fatal) this.hooks.info(`Could not open a fresh Realtime session: ${fatal}`);
      const wait = Math.max(1000, this.opts.backoff.maxMs);
      this.rotationRetryAt = this.opts.now() + wait;
      this.hooks.wake(wait);
      return;
    }
    if (conn !== this.current) return;
    this.current = null;
    this.hooks.lost(conn);
    if (this.closing) {
      this.hooks.state({ kind: 'closed' });
      return;
    }
    if (fatal) {
      if (this.pending) {
        this.pending.retired = true;
        this.pending.client.close();
        this.pending = null;
      }
      this.hooks.state({ kind: 'failed', message: fatal });
      this.hooks.info(`Voice unavailable: ${fatal}`);
      // Nothing reconnects after this: drop what waited for the connection instead of holding it.
      this.hooks.failed();
      return;
    }
    if (this.pending) {
      const next = this.pending;
      this.pending = null;
      this.current = next;
      if (next.configured) this.activate(next);
      else this.hooks.state({ kind: 'connecting', attempt: 0 });
      return;
    }
    if (conn.expired) {
      this.attempt = 0;
      this.openCurrent();
      return;
    }
    this.scheduleReconnect(describeClose(info));
  }

  private scheduleReconnect(lastError: string): void {
    this.attempt += 1;
    const { initialMs, maxMs } = this.opts.backoff;
    const delay = Math.min(initialMs * 2 ** (this.attempt - 1), maxMs);
    const retryAt = this.opts.now() + delay;
    this.hooks.state({ kind: 'reconnecting', attempt: this.attempt, retryAt, lastError });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.closing) return;
      this.guard(() => this.openCurrent());
    }, delay);
    this.reconnectTimer.unref();
  }

  /** A configured session becomes the one we talk to. */
  private activate(conn: Conn): void {
    if (conn.activated) return;
    conn.activated = true;
    this.attempt = 0;
    const restored = this.sessionsActivated++ > 0;
    this.hooks.beforeReady(conn, restored);
    this.hooks.state({ kind: 'ready', sessionId: conn.sessionId, expiresAt: conn.expiresAtMs });
    this.scheduleRotation(conn);
    this.hooks.activated(conn, restored);
  }

  private scheduleRotation(conn: Conn): void {
    if (this.rotationTimer) clearTimeout(this.rotationTimer);
    this.rotationTimer = null;
    if (!conn.expiresAtMs || this.opts.rotateBeforeMs <= 0) return;
    const due = conn.expiresAtMs - this.opts.rotateBeforeMs - this.opts.now();
    // Timers may fire a little early against the wall clock: re-arm until the rotation is due.
    this.rotationTimer = setTimeout(
      () => {
        this.rotationTimer = null;
        if (conn !== this.current || conn.retired) return;
        this.guard(() =>
          !this.rotationDue(conn) && this.opts.now() >= this.rotationRetryAt
            ? this.scheduleRotation(conn)
            : this.hooks.wake(),
        );
      },
      Math.max(0, Math.min(due + 5, 2 ** 31 - 1)),
    );
    this.rotationTimer.unref();
  }
}
