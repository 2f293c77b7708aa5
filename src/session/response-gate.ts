/**
 * The single response slot of a Realtime conversation: `idle → creating → active → idle`.
 *
 * Every `response.create` (user turn, tool follow-up, task notice, late tool result, retry) goes
 * through `request()`. Only one is on the wire at a time, so the server can never answer
 * `conversation_already_has_active_response` to us. One gate belongs to one socket: a new
 * session gets a new gate.
 */
import type { RealtimeResponseCreateParams, ResponseCreateEvent } from 'openai/resources/realtime/realtime';

/** Why a response is asked for. */
export type ResponseKind = 'user' | 'tool_followup' | 'notice' | 'late_result' | 'restore';

/** One queued `response.create`. */
export interface ResponseRequest {
  kind: ResponseKind;
  /** Per-response overrides (metadata, instructions…). Requests with params are never merged. */
  params?: RealtimeResponseCreateParams;
  /** Responses whose tool outputs this request answers (tool follow-ups). */
  toolResponseIds?: string[];
  /** Set on the one automatic retry after a rate-limited response. */
  retried?: boolean;
  /** Kinds merged into this request (a user turn and a tool follow-up can share one create). */
  mergedKinds?: ResponseKind[];
  /** Called right after the `response.create` frame was handed to the socket. */
  onSent?: (eventId: string) => void;
}

/** Where the slot is. `creating`: sent, no `response.created` yet. */
export type GateState =
  | { kind: 'idle' }
  | { kind: 'creating'; eventId: string; request: ResponseRequest }
  | { kind: 'active'; responseId: string; request: ResponseRequest | null };

/** Sends one `response.create`; returns false when the socket could not take it. */
export type SendCreate = (event: ResponseCreateEvent) => boolean;

/** Serialises `response.create` so that at most one response is creating or active. */
export class ResponseGate {
  private slot: GateState = { kind: 'idle' };
  private readonly queue: ResponseRequest[] = [];
  private seq = 0;
  private paused = false;

  /**
   * @param send hands a `response.create` to the socket.
   * @param idPrefix prefix of the client `event_id`s, so errors can be matched to the create.
   */
  constructor(
    private readonly send: SendCreate,
    private readonly idPrefix = 'rc',
  ) {}

  /** Current slot state. */
  state(): GateState {
    return this.slot;
  }

  /** True when nothing is creating or active and nothing waits in the queue. */
  isIdle(): boolean {
    return this.slot.kind === 'idle' && this.queue.length === 0;
  }

  /** The active response id, if `response.created` was seen and `response.done` not yet. */
  activeResponseId(): string | null {
    return this.slot.kind === 'active' ? this.slot.responseId : null;
  }

  /** Number of requests waiting behind the slot. */
  queued(): number {
    return this.queue.length;
  }

  /** Stop sending queued requests (e.g. until a session is configured). */
  pause(): void {
    this.paused = true;
  }

  /** Resume sending and flush the queue head if the slot is free. */
  resume(): void {
    this.paused = false;
    this.flush();
  }

  /**
   * Queue a response request; sent at once when the slot is idle. A plain request (no params)
   * joins a plain request already waiting, because one response answers both.
   */
  request(req: ResponseRequest): void {
    const mergeable = !req.params;
    const waiting = mergeable ? this.queue.find((q) => !q.params && !q.retried) : undefined;
    if (waiting && !req.retried) {
      waiting.mergedKinds = [...(waiting.mergedKinds ?? []), req.kind];
      if (req.toolResponseIds) waiting.toolResponseIds = [...(waiting.toolResponseIds ?? []), ...req.toolResponseIds];
      if (req.onSent) {
        const first = waiting.onSent;
        const second = req.onSent;
        waiting.onSent = (id) => {
          first?.(id);
          second(id);
        };
      }
    } else {
      this.queue.push(req);
    }
    this.flush();
  }

  /** `response.created` arrived. A response we did not ask for still occupies the slot. */
  onCreated(responseId: string): void {
    const request = this.slot.kind === 'creating' ? this.slot.request : null;
    this.slot = { kind: 'active', responseId, request };
  }

  /**
   * `response.done` arrived. Frees the slot when it is this response (or when the slot is still
   * `creating`, which means the `response.created` was missed). Returns the request that started
   * it, if known.
   */
  onDone(responseId: string): ResponseRequest | null {
    let request: ResponseRequest | null = null;
    if (this.slot.kind === 'active' && this.slot.responseId === responseId) {
      request = this.slot.request;
      this.slot = { kind: 'idle' };
    } else if (this.slot.kind === 'creating') {
      request = this.slot.request;
      this.slot = { kind: 'idle' };
    } else {
      return null;
    }
    this.flush();
    return request;
  }

  /**
   * An `error` event arrived. When its `error.event_id` is the pending create, the create failed
   * and no response exists: free the slot. Returns the failed request, or null if unrelated.
   */
  onError(clientEventId: string | null | undefined): ResponseRequest | null {
    if (!clientEventId || this.slot.kind !== 'creating' || this.slot.eventId !== clientEventId) return null;
    const request = this.slot.request;
    this.slot = { kind: 'idle' };
    this.flush();
    return request;
  }

  /** Drop everything (socket gone). Returns the requests that were queued or in flight. */
  reset(): ResponseRequest[] {
    const lost = [...this.queue];
    if (this.slot.kind === 'creating') lost.unshift(this.slot.request);
    else if (this.slot.kind === 'active' && this.slot.request) lost.unshift(this.slot.request);
    this.queue.length = 0;
    this.slot = { kind: 'idle' };
    return lost;
  }

  private flush(): void {
    if (this.paused || this.slot.kind !== 'idle') return;
    const next = this.queue[0];
    if (!next) return;
    const eventId = `${this.idPrefix}_${++this.seq}`;
    const event: ResponseCreateEvent = { type: 'response.create', event_id: eventId };
    if (next.params) event.response = next.params;
    if (!this.send(event)) return;
    this.queue.shift();
    this.slot = { kind: 'creating', eventId, request: next };
    next.onSent?.(eventId);
  }
}
