/**
 * The `error` and `finished` events the task engine fires while its start() runs (a registry
 * moved aside, a bad record skipped, tasks that ended while voice-orch was not running), kept to
 * be fired again for listeners bound after it: the screen and the voice session are bound once
 * start() has returned.
 */
import type { TaskRecord } from './types.js';

/** A kept event. */
export type StartupEvent = ['error', Error] | ['finished', TaskRecord];

/** See this file's header. */
export class StartupEvents {
  private events: StartupEvent[] = [];
  private capturing = false;

  /** Runs start()'s work `load`, keeping the events fired meanwhile. */
  async during(load: () => Promise<void>): Promise<void> {
    this.capturing = true;
    try {
      await load();
    } finally {
      this.capturing = false;
    }
  }

  /** Keeps `event` when it is one to replay and start() is running. */
  keep(event: string, arg: unknown): void {
    if (!this.capturing) return;
    if (event === 'error') this.events.push(['error', arg as Error]);
    if (event === 'finished') this.events.push(['finished', arg as TaskRecord]);
  }

  /** The kept events, once: a second call gets none. */
  take(): StartupEvent[] {
    return this.events.splice(0);
  }
}
