import { describe, expect, it } from 'vitest';
import { bindHostConnections } from '../../src/state/bind-hosts.js';
import { createInitialState, reducer } from '../../src/state/reducer.js';
import { createStore } from '../../src/state/store.js';
import type { HostConnection } from '../../src/tasks/remote/ssh-runner.js';

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
});
