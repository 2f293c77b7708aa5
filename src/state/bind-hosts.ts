/**
 * Remote hosts' connections → notices: a dropped connection, a host that stays unreachable (its
 * tasks are kept as they are, never failed) and its return each say so once.
 */
import type { HostConnection } from '../tasks/remote/ssh-runner.js';
import type { AppStore } from './bind.js';

/** What the binder needs of the runner: each host's connection events. */
export interface HostConnectionsSource {
  hosts: ReadonlyMap<string, { onConnection(listener: (c: HostConnection) => void): () => void }>;
}

/** The notice for a host's new connection state (`previous` decides whether "back" is news). */
export function hostNotice(name: string, c: HostConnection): { text: string; level: 'warning' | 'error' | 'success' } {
  switch (c) {
    case 'reconnecting':
      return { text: `Host ${name}: connection lost, reconnecting (its tasks keep running there)`, level: 'warning' };
    case 'unreachable':
      return { text: `Host ${name} unreachable: its tasks are kept as they are until it answers`, level: 'error' };
    case 'connected':
      return { text: `Host ${name} is back`, level: 'success' };
  }
}

/** Subscribes to every host; returns the unsubscribe. */
export function bindHostConnections(store: AppStore, source: HostConnectionsSource, now = Date.now): () => void {
  const offs = [...source.hosts].map(([name, h]) =>
    h.onConnection((c) => store.dispatch({ type: 'notice/add', ...hostNotice(name, c), at: now(), ttlMs: 15_000 })),
  );
  return () => {
    for (const off of offs) off();
  };
}
