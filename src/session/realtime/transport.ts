/**
 * The Realtime engine's edge to the network: one socket's worth of client events out and raw
 * server events in. The ws-based RealtimeClient is the default; tests inject a recording
 * transport (test/helpers/recording-transport.ts) that scripts server events without a socket.
 */
import type { RealtimeClientEvent } from 'openai/resources/realtime/realtime';
import type { RealtimeClientEvents, RealtimeClientOptions } from '../realtime-client.js';
import { RealtimeClient } from '../realtime-client.js';

/** One connection to a Realtime endpoint. `close` is emitted exactly once, also when it never opened. */
export interface RealtimeTransport {
  /** Start opening. Called once. */
  connect(): void;
  /** True while frames can be sent. */
  isOpen(): boolean;
  /** Hands one client event to the connection; false when it could not take it. */
  send(event: RealtimeClientEvent): boolean;
  /** Close (normal closure unless a code is given); the `close` event follows. */
  close(code?: number, reason?: string): void;
  on<K extends keyof RealtimeClientEvents>(event: K, listener: (...args: RealtimeClientEvents[K]) => void): unknown;
  once<K extends keyof RealtimeClientEvents>(event: K, listener: (...args: RealtimeClientEvents[K]) => void): unknown;
}

/** Makes the transport of one connection (one per connect attempt or rotation). */
export type TransportFactory = (opts: RealtimeClientOptions) => RealtimeTransport;

/** The default transport: a `ws` socket. */
export const wsTransport: TransportFactory = (opts) => new RealtimeClient(opts);
