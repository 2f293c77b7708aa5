/**
 * The "started" earcon when a task's run begins: a new task, a queued one leaving the queue, or a
 * follow-up run. Tasks already running when voice-orch starts (re-adopted) make no sound, and
 * nothing plays while notices are off.
 */
import type { EventSource } from '../shared/events.js';
import type { TaskManagerEvents, TaskRecord, TaskStatus } from '../tasks/types.js';
import type { AudioOutputPort } from './types.js';

/** What the binding needs of the task engine. */
export type StartEarconTasks = EventSource<Pick<TaskManagerEvents, 'added' | 'updated'>> & { list(): TaskRecord[] };

/**
 * Plays `started` on `output` each time a task's status becomes `running`. `enabled` is asked at
 * that moment (the notice mode may change). Returns the unbind function.
 */
export function bindStartEarcon(
  tasks: StartEarconTasks,
  output: Pick<AudioOutputPort, 'earcon'>,
  enabled: () => boolean = () => true,
): () => void {
  const last = new Map<number, TaskStatus>(tasks.list().map((t) => [t.id, t.status]));
  const seen = (t: TaskRecord): void => {
    const before = last.get(t.id);
    last.set(t.id, t.status);
    if (t.status !== 'running' || before === 'running' || !enabled()) return;
    try {
      output.earcon('started');
    } catch {
      // A sound is a courtesy; a broken speaker must not stop the task events.
    }
  };
  tasks.on('added', seen);
  tasks.on('updated', seen);
  return () => {
    tasks.off('added', seen);
    tasks.off('updated', seen);
  };
}
