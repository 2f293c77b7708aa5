/**
 * Typed events shared by every port: the event-source interface the store bindings subscribe
 * through, and the emitter whose listeners cannot break the service that emits.
 */
import { EventEmitter } from 'node:events';
import { errorText } from './errors.js';

/** An event map: event name → listener argument tuple (as node:events types it). */
export type EventMap<E> = { [K in keyof E]: unknown[] };

/**
 * The `on`/`off` pair of a port over its event map. Every port (task engine, voice session, push-to-
 * talk, audio) extends this, so code that subscribes needs only the port's type, never a cast.
 */
export interface EventSource<E extends EventMap<E>> {
  on<K extends keyof E>(event: K, listener: (...args: E[K]) => void): unknown;
  off<K extends keyof E>(event: K, listener: (...args: E[K]) => void): unknown;
}

/** Events of a {@link SafeEmitter}: whatever the service declares, plus `error`. */
export type ErrorEvents = { error: [error: Error] };

/**
 * An EventEmitter whose `fire` never throws: each listener runs in isolation, and one that throws
 * becomes an `error` event ("a "press" listener threw: …", the original error as `cause`) instead
 * of skipping the other listeners or escaping into a timer or a child-process callback as an
 * uncaught exception. An `error` with no listener goes to {@link unheardError} (dropped unless a
 * subclass keeps it, e.g. in its diagnostics), and an `error` listener that throws is ignored:
 * there is nobody left to tell. Services emit through `fire`, never `emit`.
 */
export class SafeEmitter<E extends EventMap<E> & ErrorEvents> extends EventEmitter<E> {
  /** Calls every listener of `event` with `args`; never throws. */
  protected fire<K extends keyof E>(event: K, ...args: E[K]): void {
    // listenerCount copies nothing: most fires (every streamed transcript delta) have no listener.
    if (this.listenerCount(event as never) === 0) {
      if (event === 'error') this.unheardError(args[0] as Error);
      return;
    }
    // rawListeners: a once() wrapper removes itself when called, as emit() would do
    const listeners = this.rawListeners(event as never) as unknown as ((...a: unknown[]) => void)[];
    for (const listener of listeners) {
      try {
        listener.apply(this, args);
      } catch (e) {
        if (event === 'error') continue;
        const err = new Error(`a "${String(event)}" listener threw: ${errorText(e)}`, { cause: e });
        (this.fire as (ev: 'error', error: Error) => void)('error', err);
      }
    }
  }

  /** An `error` fired with no listener. Default: dropped. */
  protected unheardError(_error: Error): void {}
}
