/**
 * Saving the task registry and run files: at once, or once shortly after a burst of changes
 * (one write for many output lines). A failed save becomes an error for the caller's `error`
 * event; nothing here throws.
 */
import { toError } from '../shared/errors.js';
import { runMetaOf, serializeTasks } from './persistence.js';
import type { TaskState } from './task-state.js';
import type { TaskStore } from './task-store.js';

/** What the saver reads and where it reports. */
export interface RegistrySaverDeps {
  store: TaskStore;
  tasks: () => Iterable<TaskState>;
  nextId: () => number;
  error: (e: Error) => void;
}

/** See this file's header. */
export class RegistrySaver {
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly d: RegistrySaverDeps) {}

  /** Rewrites the current run's meta file; a failure is reported (the registry has it too). */
  async runMeta(st: TaskState): Promise<void> {
    try {
      await this.d.store.writeRunMeta(runMetaOf(st));
    } catch (e) {
      this.d.error(new Error(`could not save the run file of task ${st.rec.id}: ${toError(e).message}`));
    }
  }

  /** Saves the registry within 200 ms (once for every call until then); nothing after {@link close}. */
  soon(): void {
    if (this.timer !== undefined || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.now();
    }, 200);
    this.timer.unref();
  }

  async now(): Promise<void> {
    try {
      await this.d.store.save(serializeTasks(this.d.tasks(), this.d.nextId()));
    } catch (e) {
      this.d.error(new Error(`could not save the task registry: ${toError(e).message}`));
    }
  }

  /** No more delayed saves (shutdown saves once more with {@link now}). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.closed = true;
  }
}
