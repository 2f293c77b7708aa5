/**
 * Tool calls of the Realtime engine: each model call runs once through the tool host (at most
 * once per engine lifetime, see executed-calls.ts) under a deadline, and its result is kept until
 * the model has it — on the socket that asked, or as a late result on the next one.
 */
import { errorText } from '../../shared/errors.js';
import type { ResponseRequest } from '../response-gate.js';
import type { ToolHost } from '../types.js';
import { ExecutedCalls } from './executed-calls.js';
import type { OutputItem } from './server-events.js';

/** A parsed function-call output item. */
type FunctionCallItem = Extract<OutputItem, { type: 'function_call' }>;

/** A tool call being run or answered; kept until the model has answered its output. */
export interface CallRecord {
  callId: string;
  name: string;
  args: string;
  /** Socket generation that issued the call. */
  gen: number;
  responseId: string;
  /** performance.now() when the call arrived (latency). */
  receivedAt: number;
  result?: string;
  outputSent: boolean;
  /** The socket that issued the call is gone: deliver the result as a system message. */
  late: boolean;
}

/** Default deadline of one tool call. */
export const TOOL_TIMEOUT_MS = 30_000;

/** Calls in flight, late results and the memory of what already ran. */
export class ToolCalls {
  private readonly inflight = new Map<string, CallRecord>();
  private late: CallRecord[] = [];
  private readonly executed = new ExecutedCalls();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly host: ToolHost,
    private readonly timeoutMs = TOOL_TIMEOUT_MS,
  ) {}

  /** Starts tracking a completed call; null when this call id already ran (any socket). */
  begin(item: FunctionCallItem, gen: number, responseId: string, receivedAt: number): CallRecord | null {
    const callId = item.call_id;
    if (!callId || !this.executed.claim(callId)) return null;
    // Built field by field from the parsed item: a spread here cost more than the rest of the hand-off (bench:voice).
    const rec: CallRecord = {
      callId,
      name: item.name,
      args: item.arguments,
      gen,
      responseId,
      receivedAt,
      outputSent: false,
      late: false,
    };
    this.inflight.set(callId, rec);
    return rec;
  }

  /**
   * Runs the call through the tool host and hands `done` the result, a failure sentence, or a
   * timeout sentence (a tool that never answers would hold every notice and rotation back), once
   * and never synchronously; not at all after `close`. `done` must not throw. Plain callbacks,
   * no wrapping promise: this is the function_call → output window of bench:voice.
   */
  run(rec: CallRecord, done: (result: string) => void): void {
    let pending: Promise<unknown>;
    try {
      pending = Promise.resolve(this.host.callTool(rec.name, rec.args, rec.callId));
    } catch (err) {
      pending = Promise.reject(err);
    }
    // The timer is in `timers` until the call settles: whoever removes it first answers.
    const timer = setTimeout(() => {
      if (this.timers.delete(timer))
        done(
          `The tool ${rec.name} did not answer within ${Math.round(this.timeoutMs / 1000)} s; it may still be running.`,
        );
    }, this.timeoutMs);
    timer.unref();
    this.timers.add(timer);
    pending.then(
      (r) => {
        if (!this.timers.delete(timer)) return;
        clearTimeout(timer);
        done(typeof r === 'string' ? r : (JSON.stringify(r) ?? ''));
      },
      (err: unknown) => {
        if (!this.timers.delete(timer)) return;
        clearTimeout(timer);
        done(`The tool ${rec.name} failed: ${errorText(err)}`);
      },
    );
  }

  /** Whether every one of these calls has its output on the wire. */
  allSent(callIds: readonly string[]): boolean {
    return callIds.every((id) => this.inflight.get(id)?.outputSent);
  }

  /** The result could not go to the socket that asked: deliver it later as a system message. */
  deferResult(rec: CallRecord): void {
    rec.late = true;
    this.inflight.delete(rec.callId);
    this.late.push(rec);
  }

  /** Socket `gen` is gone: its calls become late. Returns whether it had any. */
  socketLost(gen: number): boolean {
    let had = false;
    for (const rec of this.inflight.values()) {
      if (rec.gen !== gen) continue;
      had = true;
      rec.late = true;
      if (rec.result !== undefined) {
        this.late.push(rec);
        this.inflight.delete(rec.callId);
      }
    }
    return had;
  }

  /** A response request was answered (or failed for good): its tool outputs are consumed. */
  answered(request: ResponseRequest): void {
    for (const rid of request.toolResponseIds ?? []) {
      for (const [callId, rec] of this.inflight) {
        if (rec.responseId === rid && rec.outputSent) this.inflight.delete(callId);
      }
    }
  }

  /** Whether a call is running or its output is not answered yet. */
  busy(): boolean {
    return this.inflight.size > 0;
  }

  /** Whether late results wait for delivery. */
  hasLate(): boolean {
    return this.late.length > 0;
  }

  /** The late results, handed over once. */
  takeLate(): CallRecord[] {
    const out = this.late;
    this.late = [];
    return out;
  }

  /** Stops the deadlines (engine closing). */
  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
