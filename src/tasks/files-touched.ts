/**
 * Which files a run changed. A write tool's `tool_use` only says the agent asked to write; the
 * file changed only when its `tool_result` came back without `is_error` (a denied permission or a
 * failed edit also ends in a tool_result, marked as an error). So a write is held until its
 * result arrives and counts only then.
 */
import type { AgentEvent } from './types.js';

/** Files changed by successful write tool uses, de-duplicated, in the order their results came. */
export class FilesTouched {
  private readonly seen: Set<string>;
  /** tool_use id → path of writes whose result has not arrived yet. */
  private readonly pending = new Map<string, string>();

  /**
   * @param known files already counted (e.g. by earlier runs); they are not reported again.
   * @param pending writes still waiting for their result, as saved by {@link pendingWrites}
   *   (a restart between a write and its result must not lose the write).
   */
  constructor(known: Iterable<string> = [], pending: Iterable<readonly [string, string]> = []) {
    this.seen = new Set(known);
    for (const [id, path] of pending) this.pending.set(id, path);
  }

  /** Writes whose result has not arrived yet, as `[tool_use id, path]` pairs, for the registry. */
  pendingWrites(): [string, string][] {
    return [...this.pending];
  }

  /** Takes one parsed event; returns the path it confirmed as newly changed, if any. */
  apply(ev: AgentEvent): string | undefined {
    if (ev.type === 'tool_use') {
      if (ev.filePath !== undefined && ev.id !== '') this.pending.set(ev.id, ev.filePath);
      return undefined;
    }
    if (ev.type !== 'tool_result') return undefined;
    const path = this.pending.get(ev.toolUseId);
    if (path === undefined) return undefined;
    this.pending.delete(ev.toolUseId);
    if (ev.isError || this.seen.has(path)) return undefined;
    this.seen.add(path);
    return path;
  }
}
