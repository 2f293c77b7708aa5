import { describe, expect, it } from 'vitest';
import { bindHostConnections } from '../../src/state/bind-hosts.js';
import { createInitialState, reducer } from '../../src/state/reducer.js';
import { createStore } from '../../src/state/store.js';
import type { HostConnection } from '../../src/tasks/remote/ssh-runner.js';
import type { TaskRecord } from '../../src/tasks/types.js';
import { task } from '../commands/fakes.js';

describe('host connection notices', () => {
  it('a dropped connection, an unreachable host and its return each become one notice', () => {
    const store = createStore(reducer, createInitialState(), { sync: true });
    const listeners = new Set<(c: HostConnection) => void>();
    const build = {
      onConnection(l: (c: HostConnection) => void) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    };
    const unbind = bindHostConnections(store, { hosts: new Map([['build', build]]) }, () => 1000);
    for (const c of ['reconnecting', 'unreachable', 'connected'] as const) for (const l of listeners) l(c);
    expect(store.getState().notices.map((n) => [n.level, n.text])).toEqual([
      ['warning', 'Host build: connection lost, reconnecting (its tasks keep running there)'],
      ['error', 'Host build unreachable: its tasks are kept as they are until it answers'],
      ['success', 'Host build is back'],
    ]);
    unbind();
    expect(listeners.size).toBe(0);
  });

  it("the rows of a host's running tasks say it is away, and show the engine's record once it is back", () => {
    const store = createStore(reducer, createInitialState(), { sync: true });
    const recs: TaskRecord[] = [
      task({ id: 1, name: 'remote', status: 'running', host: 'build', activity: 'Editing src/a.ts' }),
      task({ id: 2, name: 'local', status: 'running', activity: 'Reading README.md' }),
      task({ id: 3, name: 'done there', status: 'completed', host: 'build', activity: 'finished' }),
    ];
    for (const t of recs) store.dispatch({ type: 'task/upsert', task: t });
    const listeners = new Set<(c: HostConnection) => void>();
    const build = {
      onConnection(l: (c: HostConnection) => void) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    };
    const engine = { get: (id: number) => recs.find((t) => t.id === id) };
    bindHostConnections(store, { hosts: new Map([['build', build]]) }, () => 1000, engine);
    const activities = () => [1, 2, 3].map((id) => store.getState().tasks[id]?.activity);
    const say = (c: HostConnection) => {
      for (const l of listeners) l(c);
    };
    say('reconnecting');
    expect(activities()).toEqual(['host reconnecting — kept running', 'Reading README.md', 'finished']);
    say('unreachable');
    expect(activities()).toEqual(['host unreachable — kept running', 'Reading README.md', 'finished']);
    expect(store.getState().tasks[1]?.status).toBe('running');
    say('connected');
    expect(activities()).toEqual(['Editing src/a.ts', 'Reading README.md', 'finished']);
  });
});
