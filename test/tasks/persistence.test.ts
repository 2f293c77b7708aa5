// What goes to disk and comes back, without processes: the re-adoption marker, the choice of the
// agent among marked processes, and a registry entry's round trip.
import { describe, expect, it } from 'vitest';
import {
  markedAgents,
  parseTaskMarker,
  restoreTaskState,
  serializeTasks,
  taskMarker,
} from '../../src/tasks/persistence.js';
import { newTaskRecord } from '../../src/tasks/spawn-validation.js';
import { newTaskState } from '../../src/tasks/task-state.js';
import type { TaskRecord } from '../../src/tasks/types.js';

const rec = (id: number): TaskRecord =>
  newTaskRecord(
    id,
    { name: `t${id}`, prompt: 'x', permissionMode: 'acceptEdits', backend: 'claude', extras: {} },
    '/r/p',
    1,
  );

describe('task marker', () => {
  it('round-trips, with a state dir that itself contains |', () => {
    expect(parseTaskMarker(taskMarker('/s|x', 12, 3))).toEqual({ stateDir: '/s|x', taskId: 12, runNo: 3 });
    expect(parseTaskMarker('no marker')).toBeUndefined();
  });

  it('picks the topmost marked process of each run of this state dir; tools and other state dirs are skipped', () => {
    const m = taskMarker('/s', 1, 2);
    const found = markedAgents(
      [
        { pid: 10, ppid: 1, startTime: 100, value: m },
        { pid: 11, ppid: 10, startTime: 101, value: m }, // its tool: inherits the marker
        { pid: 20, ppid: 1, startTime: 50, value: taskMarker('/other', 1, 2) },
        { pid: 30, ppid: 1, startTime: 90, value: taskMarker('/s', 4, 1) },
      ],
      '/s',
    );
    expect([...found.entries()]).toEqual([
      ['1|2', { pid: 10, startTime: 100 }],
      ['4|1', { pid: 30, startTime: 90 }],
    ]);
  });
});

describe('registry entries', () => {
  it('serializes tasks by id and restores their offsets, result and limits', () => {
    const a = newTaskState(rec(2), 10);
    const b = newTaskState(rec(1), 10);
    a.readOffset = 40;
    a.nextSeq = 7;
    a.cancelling = true;
    a.spawnExtras = { maxTurns: 3 };
    const data = serializeTasks([a, b], 3);
    expect(data.nextId).toBe(3);
    expect(data.tasks.map((t) => t.record.id)).toEqual([1, 2]);
    const back = restoreTaskState(data.tasks[1]!, 10);
    expect(back.rec.id).toBe(2);
    expect(back.readOffset).toBe(40);
    expect(back.nextSeq).toBe(7);
    expect(back.cancelling).toBe(true);
    expect(back.spawnExtras).toEqual({ maxTurns: 3 });
    expect(back.tail.capacity).toBe(10);
  });
});
