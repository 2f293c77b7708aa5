/**
 * The output pipeline of every task: log lines in (from the tailers), events applied to the record
 * at once, display work batched. Events become output entries only at a flush and only where they
 * can be seen (the newest `tailSize` worth); a flush sends each task's new entries as one `output`
 * event and its record as one `updated` event. Flushes by timer go one task per turn of the event
 * loop, so a busy task never holds it for long.
 */
import { sanitizeText } from '../shared/sanitize.js';
import { activityLine, toOutputEntries } from './display.js';
import type { SplitLine } from './line-splitter.js';
import { decodeLogLine } from './log-decoder.js';
import { snapshot, type RunState, type TaskState, type Unrendered } from './task-state.js';
import type { AgentEvent, TaskOutputEntry, TaskRecord } from './types.js';

/** What the pipeline needs from the manager. */
export interface OutputPipelineDeps {
  /** Output entries kept in memory per task. */
  tailSize: number;
  /** Batching interval (ms). */
  flushMs: number;
  /** Every task, for the timer's flush. */
  tasks: () => Iterable<TaskState>;
  /** Applies one agent event to the task (record, hang timer). */
  apply: (st: TaskState, rs: RunState, ev: AgentEvent) => void;
  /** A batch was ingested (the registry should be saved soon). */
  ingested: () => void;
  output: (id: number, entries: TaskOutputEntry[]) => void;
  updated: (rec: TaskRecord) => void;
}

type Rendered = { u: Unrendered; es: ReturnType<typeof toOutputEntries> };

/** See this file's header. */
export class OutputPipeline {
  private flushTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private linesIngested = 0;

  constructor(private readonly d: OutputPipelineDeps) {}

  /** Log lines parsed and applied since construction. */
  get ingestedLines(): number {
    return this.linesIngested;
  }

  /** The record changed: stamp it and send it at the next flush. */
  markDirty(st: TaskState): void {
    st.rec.updatedAt = Date.now();
    st.dirty = true;
    this.scheduleFlush();
  }

  /**
   * Applies a batch of log lines: every line is parsed and applied to the record at once
   * (session, files, result…); display work waits for the next flush and is done only where it
   * can be seen: the activity line from the newest event that has one, and output entries only
   * for the newest `tailSize` events (older ones would be pushed out of the bounded tail before
   * anyone looked; their seq numbers are skipped). This keeps ingestion cheap when an agent
   * floods its log.
   */
  ingest(st: TaskState, rs: RunState, lines: SplitLine[], endOffset: number): void {
    const rec = st.rec;
    const now = Date.now();
    const cap = this.d.tailSize;
    let activityEv: AgentEvent | undefined;
    const batchStart = st.unrendered.length;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as SplitLine;
      const events = decodeLogLine(rec.backend, line.text, line.truncated, rec.projectDir);
      for (let k = 0; k < events.length; k++) {
        const ev = events[k] as AgentEvent;
        this.d.apply(st, rs, ev);
        if (ev.type === 'other' || ev.type === 'usage') continue;
        activityEv = ev;
        // Streaming deltas render to nothing (the complete line follows); keep them out of the queue.
        if (ev.type !== 'partial_text') st.unrendered.push({ ev, runNo: rs.runNo, ts: now, offset: line.offset });
      }
    }
    this.linesIngested += lines.length;
    if (activityEv !== undefined && !st.cancelling) {
      // Most events have an activity line; look further back only for those that do not, and
      // only in this batch: older events had their say when they arrived (rescanning them cost
      // up to 2 × tailSize calls per batch and could undo a later activity such as the hang notice).
      let a = activityLine(activityEv);
      for (let i = st.unrendered.length - 1; a === undefined && i >= batchStart; i--)
        a = activityLine((st.unrendered[i] as Unrendered).ev);
      if (a !== undefined) rec.activity = a;
    }
    if (st.unrendered.length > 2 * cap) {
      const drop = st.unrendered.length - cap;
      st.nextSeq += drop;
      st.unrendered = st.unrendered.slice(drop);
    }
    st.readOffset = endOffset;
    rs.lastOutputAt = now;
    if (rec.stalled) rec.stalled = false;
    this.markDirty(st);
    this.d.ingested();
  }

  /** Turns queued events into output entries (newest `tailSize` events' worth), into the tail and the next batch. */
  render(st: TaskState): void {
    const evs = st.unrendered;
    if (evs.length === 0) return;
    st.unrendered = [];
    const cap = this.d.tailSize;
    const rendered: Rendered[] = [];
    let count = 0;
    let i = evs.length - 1;
    for (; i >= 0 && count < cap; i--) {
      const u = evs[i] as Unrendered;
      const es = toOutputEntries(u.ev);
      if (es.length > 0) {
        rendered.push({ u, es });
        count += es.length;
      }
    }
    st.nextSeq += i + 1;
    for (let k = rendered.length - 1; k >= 0; k--) {
      const { u, es } = rendered[k] as Rendered;
      for (const e of es) {
        const entry: TaskOutputEntry = { seq: st.nextSeq++, ts: u.ts, runNo: u.runNo, kind: e.kind, text: e.text };
        if (u.offset !== undefined) entry.offset = u.offset;
        if (e.truncated) entry.truncated = true;
        if (e.isError !== undefined) entry.isError = e.isError;
        st.tail.push(entry);
        st.pending.push(entry);
      }
    }
    // Views never see more than the tail, so older unflushed entries are dropped in bulk.
    if (st.pending.length > 2 * cap) st.pending = st.pending.slice(-cap);
  }

  /** The newest `limit` entries of a task's tail, rendered up to now. */
  tail(st: TaskState, limit?: number): TaskOutputEntry[] {
    this.render(st);
    return st.tail.last(limit ?? st.tail.size);
  }

  /** The end of a run's stderr log as `stderr` entries (its last 20 lines). */
  addStderrEntries(st: TaskState, runNo: number, text: string): void {
    // Agent stderr enters voice-orch here: the one sanitiser cleans it before it becomes an entry.
    const lines = sanitizeText(text)
      .split('\n')
      .filter((l) => l.trim() !== '');
    if (lines.length === 0) return;
    this.render(st);
    const now = Date.now();
    for (const l of lines.slice(-20)) {
      const entry: TaskOutputEntry = { seq: st.nextSeq++, ts: now, runNo, kind: 'stderr', text: l };
      st.tail.push(entry);
      st.pending.push(entry);
    }
  }

  /** Sends a task's new entries and its changed record now. */
  flushTask(st: TaskState): void {
    this.render(st);
    if (st.pending.length > 0) {
      const entries = st.pending.length > this.d.tailSize ? st.pending.slice(-this.d.tailSize) : st.pending;
      st.pending = [];
      this.d.output(st.rec.id, entries);
    }
    if (st.dirty) {
      st.dirty = false;
      this.d.updated(snapshot(st.rec));
    }
  }

  /** Flushes every task now and stops the timer for good (shutdown). */
  close(): void {
    for (const st of this.d.tasks()) this.flushTask(st);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.closed = true;
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== undefined || this.closed) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flushSpread([...this.d.tasks()], 0);
    }, this.d.flushMs);
    this.flushTimer.unref();
  }

  /**
   * The timer's flush: one task per turn of the event loop. Rendering a busy task's batch can take
   * milliseconds; doing every task in one go held the loop for tens of them under load.
   */
  private flushSpread(states: TaskState[], i: number): void {
    const st = states[i];
    if (st === undefined || this.closed) return;
    this.flushTask(st);
    if (i + 1 < states.length) setImmediate(() => this.flushSpread(states, i + 1));
  }
}
