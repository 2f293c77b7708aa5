/**
 * Remote hosts' connections → notices: a dropped connection, a host that stays unreachable (its
 * tasks are kept as they are, never failed) and its return each say so once. While a host is
 * reconnecting or unreachable, the rows of its running tasks say so in their activity cell; when
 * it is back they show the task engine's record again.
 */
import type { HostConnection } from '../tasks/remote/ssh-runner.js';
import type { TaskRecord } from '../tasks/types.js';
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

/** The activity cell of a running task on a host that is not connected. */
export function hostActivity(c: Exclude<HostConnection, 'connected'>): string {
  return c === 'unreachable' ? 'host unreachable — kept running' : 'host reconnecting — kept running';
}

/** The rows of `host`'s running tasks: marked while it is away, the engine's record once it is back. */
function markRows(
  store: AppStore,
  tasks: { get(id: number): TaskRecord | undefined },
  host: string,
  c: HostConnection,
) {
  for (const t of Object.values(store.getState().tasks)) {
    if (t.host !== host || t.status !== 'running') continue;
    const rec = tasks.get(t.id) ?? t;
    store.dispatch({ type: 'task/upsert', task: c === 'connected' ? rec : { ...rec, activity: hostActivity(c) } });
  }
}

/**
 * Subscribes to every host; returns the unsubscribe. With `tasks` (the task engine), the rows of a
 * host's running tasks follow its connection too.
 */
export function bindHostConnections(
  store: AppStore,
  source: HostConnectionsSource,
  now = Date.now,
  tasks?: { get(id: number): TaskRecord | undefined },
): () => void {
  const offs = [...source.hosts].map(([name, h]) =>
    h.onConnection((c) => {
      store.dispatch({ type: 'notice/add', ...hostNotice(name, c), at: now(), ttlMs: 15_000 });
      if (tasks) markRows(store, tasks, name, c);
    }),
  );
  return () => {
    for (const off of offs) off();
  };
}
