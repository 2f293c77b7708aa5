/**
 * Earcons around task notices: a spoken notice is led by its earcon (done, failed, attention)
 * unless `earconBeforeNotice` is off, and the "started" earcon plays when a task's run begins.
 */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { bindStartEarcon } from '../../src/audio/task-start-earcon.js';
import type { EarconKind } from '../../src/audio/types.js';
import { NoticeQueue } from '../../src/session/notice-queue.js';
import type { TaskNotice } from '../../src/session/types.js';
import type { TaskRecord } from '../../src/tasks/types.js';
import { task } from '../commands/fakes.js';
import { closeHarnesses, ready, responsesDone, setup, sleep, until } from '../helpers/voice-doubles.js';

afterEach(closeHarnesses);

const n = (taskId: number, kind: TaskNotice['kind'], text: string): TaskNotice => ({
  taskId,
  taskName: `t${taskId}`,
  kind,
  text,
  at: taskId,
});

describe('an earcon leads the spoken notice', () => {
  it('the batch names the earcon of its first (most severe) notice; none when off or when a request leads', () => {
    const q = new NoticeQueue('speak');
    q.push(n(1, 'finished', 'A done.'));
    expect(q.takeBatch()?.earcon).toBe('done');
    q.push(n(1, 'finished', 'A done.'));
    q.push(n(2, 'failed', 'B failed.'));
    expect(q.takeBatch()?.earcon).toBe('failed');
    q.push(n(3, 'stalled', 'C stalled.'));
    expect(q.takeBatch()?.earcon).toBe('attention');
    q.push(n(4, 'request', 'D asks.'));
    q.push(n(5, 'finished', 'E done.'));
    // The request's own earcon played when it arrived.
    expect(q.takeBatch()?.earcon).toBeUndefined();
    const quiet = new NoticeQueue('speak', { earconBeforeNotice: false });
    quiet.push(n(1, 'failed', 'A failed.'));
    expect(quiet.takeBatch()).toEqual({ notices: [n(1, 'failed', 'A failed.')], text: 'A failed.' });
  });

  it('the voice session plays the earcon when the notice is delivered, not when it arrives', async () => {
    let held = true;
    const h = await setup({}, { isTalkHeld: () => held });
    h.session.start();
    await ready(h);
    h.session.notify(n(1, 'finished', 'Task 1 finished.'));
    h.session.notify(n(2, 'failed', 'Task 2 failed.'));
    await sleep(60);
    // Waiting for an idle moment: nothing heard yet.
    expect(h.audio.earcons).toEqual([]);
    held = false;
    await until(() => responsesDone(h) === 1, 'the spoken notice');
    expect(h.audio.earcons).toEqual(['failed']);
    expect(h.server.allErrors()).toEqual([]);
  });

  it('with earconBeforeNotice off the notice is only spoken', async () => {
    const h = await setup({}, { earconBeforeNotice: false });
    h.session.start();
    await ready(h);
    h.session.notify(n(1, 'finished', 'Task 1 finished.'));
    await until(() => responsesDone(h) === 1, 'the spoken notice');
    expect(h.audio.earcons).toEqual([]);
  });
});

class FakeTasks extends EventEmitter<{ added: [TaskRecord]; updated: [TaskRecord] }> {
  constructor(private readonly tasks: TaskRecord[]) {
    super();
  }
  list(): TaskRecord[] {
    return this.tasks;
  }
}

describe('the started earcon', () => {
  it('plays when a run begins: new, out of the queue, a follow-up; not for re-adopted or repeated updates', () => {
    const played: EarconKind[] = [];
    let enabled = true;
    const tasks = new FakeTasks([task({ id: 1, name: 'adopted', status: 'running' })]);
    const unbind = bindStartEarcon(tasks, { earcon: (k) => played.push(k) }, () => enabled);
    tasks.emit('updated', task({ id: 1, name: 'adopted', status: 'running' }));
    expect(played).toEqual([]);
    tasks.emit('added', task({ id: 2, name: 'new', status: 'running' }));
    tasks.emit('updated', task({ id: 2, name: 'new', status: 'running' }));
    expect(played).toEqual(['started']);
    tasks.emit('added', task({ id: 3, name: 'waits', status: 'queued' }));
    expect(played).toEqual(['started']);
    tasks.emit('updated', task({ id: 3, name: 'waits', status: 'running' }));
    expect(played).toEqual(['started', 'started']);
    tasks.emit('updated', task({ id: 2, name: 'new', status: 'completed' }));
    tasks.emit('updated', task({ id: 2, name: 'new', status: 'running' }));
    expect(played).toHaveLength(3);
    enabled = false;
    tasks.emit('added', task({ id: 4, name: 'silent', status: 'running' }));
    expect(played).toHaveLength(3);
    unbind();
    enabled = true;
    tasks.emit('added', task({ id: 5, name: 'after', status: 'running' }));
    expect(played).toHaveLength(3);
  });

  it('a speaker that throws does not stop the task events', () => {
    const tasks = new FakeTasks([]);
    bindStartEarcon(tasks, {
      earcon: () => {
        throw new Error('no speaker');
      },
    });
    expect(() => tasks.emit('added', task({ id: 1, name: 'x', status: 'running' }))).not.toThrow();
  });
});
