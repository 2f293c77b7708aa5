/**
 * A Realtime transport with no socket: unit tests script server events synchronously and read
 * what the engine sent. `RecordingNetwork.factory` is passed as the engine's `transport` option;
 * every connection the engine opens appears in `connections`, in order.
 */
import { EventEmitter } from 'node:events';
import type { RealtimeClientEvent } from 'openai/resources/realtime/realtime';
import type { RealtimeClientEvents, RealtimeClientOptions } from '../../src/session/realtime-client.js';
import type { RealtimeTransport, TransportFactory } from '../../src/session/realtime/transport.js';

/** A server event as a test scripts it (GA shape; loosely typed so tests can send odd frames too). */
export type ScriptedServerEvent = { type: string } & Record<string, unknown>;

/** One connection: records sent events, emits scripted server events on demand. */
export class RecordingTransport extends EventEmitter<RealtimeClientEvents> implements RealtimeTransport {
  readonly sent: RealtimeClientEvent[] = [];
  readonly closeCalls: { code: number; reason: string }[] = [];
  connected = false;
  private opened = false;
  private closed = false;

  constructor(readonly opts: RealtimeClientOptions) {
    super();
  }

  connect(): void {
    this.connected = true;
  }

  isOpen(): boolean {
    return this.opened && !this.closed;
  }

  send(event: RealtimeClientEvent): boolean {
    if (!this.isOpen()) return false;
    // A copy: the engine may reuse objects, the record must show what went out at that moment.
    this.sent.push(structuredClone(event));
    return true;
  }

  close(code = 1000, reason = 'client closing'): void {
    this.closeCalls.push({ code, reason });
    this.finish({ code, reason });
  }

  // ───── scripting (the server's side) ─────

  /** The socket opened. */
  open(): this {
    this.opened = true;
    this.emit('open');
    return this;
  }

  /** The server sends one event. */
  server(event: ScriptedServerEvent): this {
    this.emit('event', event as never, performance.now());
    return this;
  }

  /**
   * Open and configure: `session.created`, then `session.updated` once the engine has sent its
   * `session.update`. `expiresAtSec` is the session's `expires_at` (epoch seconds).
   */
  handshake(sessionId = 'sess_1', expiresAtSec = Math.floor(Date.now() / 1000) + 3600): this {
    if (!this.opened) this.open();
    this.server({ type: 'session.created', event_id: 'ev_c', session: { id: sessionId, expires_at: expiresAtSec } });
    this.server({ type: 'session.updated', event_id: 'ev_u', session: { id: sessionId, expires_at: expiresAtSec } });
    return this;
  }

  /** The connection dropped (network loss): the engine sees a close it did not ask for. */
  drop(code = 1006, reason = 'connection lost'): this {
    this.finish({ code, reason });
    return this;
  }

  /** Types of the events the engine sent, in order. */
  sentTypes(): string[] {
    return this.sent.map((e) => e.type);
  }

  /** Sent events of one type. */
  sentOfType<T extends RealtimeClientEvent['type']>(type: T): Extract<RealtimeClientEvent, { type: T }>[] {
    return this.sent.filter((e): e is Extract<RealtimeClientEvent, { type: T }> => e.type === type);
  }

  private finish(info: { code: number; reason: string }): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close', info);
  }
}

/** Every transport an engine asked for. */
export class RecordingNetwork {
  readonly connections: RecordingTransport[] = [];
  readonly factory: TransportFactory = (opts) => {
    const t = new RecordingTransport(opts);
    this.connections.push(t);
    return t;
  };

  /** The newest connection. */
  last(): RecordingTransport {
    const t = this.connections.at(-1);
    if (!t) throw new Error('the engine has not opened a connection');
    return t;
  }
}
