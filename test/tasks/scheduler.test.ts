// The pure scheduler: which queued task starts and why the others wait, with no processes.
import { describe, expect, it } from 'vitest';
import { busyMessage, liveInDir, planSchedule, type SchedTask } from '../../src/tasks/scheduler.js';

const task = (id: number, projectDir: string, status: SchedTask['status'] = 'queued'): SchedTask => ({
  id,
  name: `t${id}`,
  projectDir,
  status,
});

describe('planSchedule', () => {
  it('starts queued tasks FIFO up to the cap; the rest wait with the running count', () => {
    const plan = planSchedule([], [task(1, '/r/a'), task(2, '/r/b'), task(3, '/r/c')], 2);
    expect(plan.start).toEqual([1, 2]);
    expect(plan.wait).toEqual([{ id: 3, reason: '2 tasks already running' }]);
    expect(planSchedule([task(9, '/r/z', 'running')], [task(1, '/r/a')], 1).wait).toEqual([
      { id: 1, reason: '1 task already running' },
    ]);
  });

  it('a folder with a running task blocks the same folder, its parent and its subfolders, not a sibling', () => {
    const running = [task(1, '/r/api', 'running')];
    // The sibling comes before the parent: a queued parent claims its whole tree for those behind it.
    const plan = planSchedule(
      running,
      [task(2, '/r/api'), task(5, '/r/apix'), task(3, '/r'), task(4, '/r/api/sub')],
      9,
    );
    expect(plan.start).toEqual([5]);
    expect(plan.wait.map((w) => w.id)).toEqual([2, 3, 4]);
    expect(plan.wait[0]?.reason).toBe('waiting for task 1 (t1) in /r/api');
  });

  it('a queued task waits behind the one just ahead of it in its folder, not the running one', () => {
    const plan = planSchedule([task(1, '/r/a', 'running')], [task(2, '/r/a'), task(3, '/r/a/deep')], 9);
    expect(plan.start).toEqual([]);
    expect(plan.wait).toEqual([
      { id: 2, reason: 'waiting for task 1 (t1) in /r/a' },
      { id: 3, reason: 'waiting for task 2 (t2) in /r/a' },
    ]);
  });

  it('a queued task that starts claims its folder for the ones behind it in the same plan', () => {
    const plan = planSchedule([], [task(1, '/r/a'), task(2, '/r/a')], 4);
    expect(plan.start).toEqual([1]);
    expect(plan.wait).toEqual([{ id: 2, reason: 'waiting for task 1 (t1) in /r/a' }]);
  });

  it('drops entries that are no longer queued; ignores tasks that are not running in the running list', () => {
    const plan = planSchedule([task(1, '/r/a', 'completed')], [task(2, '/r/a', 'cancelled'), task(3, '/r/a')], 1);
    expect(plan).toEqual({ start: [3], wait: [] });
  });
});

describe('liveInDir and busyMessage', () => {
  it('finds a live task in an overlapping folder, preferring the running one', () => {
    const tasks = [task(1, '/r/a/q', 'queued'), task(2, '/r/a', 'running'), task(3, '/r/a', 'completed')];
    expect(liveInDir(tasks, '/r/a')?.id).toBe(2);
    expect(liveInDir(tasks, '/r/b')).toBeUndefined();
    expect(liveInDir([task(3, '/r/a', 'failed')], '/r/a')).toBeUndefined();
  });

  it('names the overlap when the folders differ', () => {
    expect(busyMessage(task(2, '/r/a', 'running'), '/r/a/sub')).toMatch(
      /^Task 2 \(t2\) is still running in \/r\/a, which overlaps \/r\/a\/sub;/,
    );
    expect(busyMessage(task(2, '/r/a', 'queued'), '/r/a')).toMatch(/^Task 2 \(t2\) is still queued in \/r\/a;/);
  });
});

describe('planSchedule per machine', () => {
  const on = (id: number, host: string, dir: string, status: SchedTask['status'] = 'queued'): SchedTask => ({
    ...task(id, dir, status),
    host,
  });

  it('holds a remote task while its host is at its own cap; local tasks and other hosts go on', () => {
    const plan = planSchedule(
      [on(1, 'build', '/srv/a', 'running')],
      [on(2, 'build', '/srv/b'), task(3, '/r/a'), on(4, 'gpu', '/srv/c'), on(5, 'gpu', '/srv/d')],
      2,
      { build: { maxConcurrent: 1 }, gpu: {} },
    );
    // gpu has no cap of its own: the local number (2) counts its tasks alone.
    expect(plan.start).toEqual([3, 4, 5]);
    expect(plan.wait).toEqual([{ id: 2, reason: '1 task already running on host build' }]);
  });

  it('remote tasks do not count against the local cap', () => {
    const plan = planSchedule([on(1, 'build', '/srv/a', 'running')], [task(2, '/r/a'), task(3, '/r/b')], 1, {
      build: { maxConcurrent: 3 },
    });
    expect(plan.start).toEqual([2]);
    expect(plan.wait).toEqual([{ id: 3, reason: '1 task already running' }]);
  });
});

describe('folders are per machine', () => {
  const on = (id: number, host: string, dir: string, status: SchedTask['status'] = 'queued'): SchedTask => ({
    ...task(id, dir, status),
    host,
  });

  it('a remote task and a local one with the same path do not wait for each other; two on one host do', () => {
    const plan = planSchedule(
      [task(1, '/srv/api', 'running')],
      [on(2, 'build', '/srv/api'), on(3, 'build', '/srv')],
      9,
    );
    expect(plan.start).toEqual([2]);
    expect(plan.wait).toEqual([{ id: 3, reason: 'waiting for task 2 (t2) in /srv/api' }]);
  });

  it('liveInDir and busyMessage look at the host', () => {
    const tasks = [task(1, '/srv/api', 'running'), on(2, 'build', '/srv/api', 'running')];
    expect(liveInDir(tasks, '/srv/api')?.id).toBe(1);
    expect(liveInDir(tasks, '/srv/api', 'build')?.id).toBe(2);
    expect(liveInDir(tasks, '/srv/api', 'gpu')).toBeUndefined();
    expect(busyMessage(tasks[1] as SchedTask, '/srv/api')).toMatch(/still running in build:\/srv\/api;/);
  });
});
