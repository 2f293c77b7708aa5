/**
 * What the Realtime engine does with each (parsed) server event on the current socket: user and
 * assistant transcripts, the response slot, assistant audio, tool calls and their follow-up,
 * ordinary errors and rate-limit retries. Session events and fatal errors are the lifecycle's.
 */
import type { ResponseRequest } from '../response-gate.js';
import type { Conn } from './connection.js';
import type { EngineCore } from './engine-core.js';
import { classifyError, countServerError, parseRetryAfterMs } from './error-policy.js';
import type { EngineServerEvent, OutputItem, ResponseSummary } from './server-events.js';
import type { CallRecord } from './tool-calls.js';

const TOOL_TEXT_MAX = 600;

/** Handles the current socket's server events for one engine. */
export class ServerEventHandler {
  private readonly retryTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly e: EngineCore) {}

  /** Whether a rate-limited answer waits for its retry. */
  retrying(): boolean {
    return this.retryTimers.size > 0;
  }

  /** Stops pending retries (engine closing). */
  close(): void {
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
  }

  handle(conn: Conn, ev: EngineServerEvent, receivedAt: number): void {
    const { e } = this;
    switch (ev.type) {
      case 'error':
        return this.onError(conn, ev.error);
      case 'input_audio_buffer.committed':
        if (ev.item_id && !e.transcript.get(ev.item_id))
          e.transcript.upsert({ id: ev.item_id, role: 'user', text: '', final: false, at: e.now() });
        if (ev.item_id) e.lastUserEntryId = ev.item_id;
        return;
      case 'conversation.item.input_audio_transcription.delta':
        if (ev.item_id) e.transcript.appendDelta(ev.item_id, 'user', ev.delta, e.now());
        return;
      case 'conversation.item.input_audio_transcription.completed':
        if (ev.item_id) e.transcript.finalize(ev.item_id, 'user', ev.transcript.trim(), e.now());
        return;
      case 'conversation.item.input_audio_transcription.failed':
        if (ev.item_id)
          e.transcript.finalize(ev.item_id, 'user', e.transcript.get(ev.item_id)?.text || '(not understood)', e.now());
        return;
      case 'response.created':
        return this.onResponseCreated(conn, ev.responseId);
      case 'response.output_item.added':
        return conn.audio.itemAdded(ev.responseId, ev.item.id, ev.item.type === 'message');
      case 'response.output_audio.delta':
        return this.onAudioDelta(conn, ev.response_id, ev.item_id, ev.pcm, receivedAt);
      case 'assistant_text.delta':
        if (!ev.item_id || conn.audio.isDropped(ev.response_id, ev.item_id)) return;
        e.transcript.appendDelta(ev.item_id, 'assistant', ev.delta, e.now());
        return;
      case 'assistant_text.done':
        if (!ev.item_id || conn.audio.isDropped(ev.response_id, ev.item_id)) return;
        e.transcript.finalize(ev.item_id, 'assistant', ev.text, e.now());
        return;
      case 'response.output_item.done':
        if (ev.item.type === 'function_call') this.onFunctionCall(conn, ev.responseId, ev.item, receivedAt);
        return;
      case 'response.done':
        return this.onResponseDone(conn, ev.response, receivedAt);
      default:
        return;
    }
  }

  private onError(conn: Conn, err: { code: string; message: string; eventId: string | null }): void {
    const { e } = this;
    const failed = conn.gate.onError(err.eventId);
    if (failed) {
      conn.cancelOnCreate = false;
      e.tools.answered(failed);
      if (err.code !== 'conversation_already_has_active_response')
        e.fireInfo(`The assistant could not answer: ${err.message}`);
    }
    const cls = classifyError(err, conn.cfgEventId);
    const report = cls.kind === 'other' ? cls.report : null;
    if (report?.kind === 'server_error') {
      const counted = countServerError(conn.serverErrors, e.now());
      conn.serverErrors = counted.times;
      e.fireError(new Error(report.text));
      if (counted.reconnect) {
        e.fireInfo('The Realtime service keeps failing; reconnecting.');
        conn.client.close(4000, 'repeated server errors');
      }
    } else if (report?.kind === 'info') e.fireInfo(report.text);
    else if (report?.kind === 'error') e.fireError(new Error(report.text));
    e.pump();
  }

  private onResponseCreated(conn: Conn, id: string): void {
    if (!id) return;
    conn.gate.onCreated(id);
    if (conn.cancelOnCreate) {
      conn.cancelOnCreate = false;
      conn.audio.dropCreated(id);
      this.e.send(conn, { type: 'response.cancel', event_id: this.e.nextId('cancel'), response_id: id });
    }
  }

  private onAudioDelta(conn: Conn, responseId: string, itemId: string, pcm: Buffer, receivedAt: number): void {
    const { e } = this;
    if (!itemId || conn.audio.isDropped(responseId, itemId) || pcm.length === 0) return;
    conn.audio.audioReceived(responseId, itemId, pcm.length);
    try {
      e.audio.play(itemId, pcm);
    } catch (err) {
      e.fireError(err);
    }
    e.latency.audioDelta(receivedAt);
    e.setSpeaking(true);
  }

  private onResponseDone(conn: Conn, response: ResponseSummary, receivedAt: number): void {
    const { e } = this;
    const id = response.id;
    e.fire('cost', e.cost.add(response.usage));
    const dropped = conn.audio.responseDropped(id);
    for (const item of response.output) {
      if (item.type === 'function_call') this.onFunctionCall(conn, id, item, receivedAt);
      else if (item.type === 'message') {
        if (!item.id) continue;
        if (dropped || conn.audio.isDropped('', item.id)) {
          // Interrupted: keep what we showed (the truncate may already have cut it), mark it final.
          const entry = e.transcript.get(item.id);
          if (entry && !entry.final) e.transcript.finalize(item.id, 'assistant', `${entry.text.trimEnd()} …`, e.now());
          continue;
        }
        if (item.transcript !== undefined) e.transcript.finalize(item.id, 'assistant', item.transcript, e.now());
      }
    }
    const calls = conn.responseCalls.get(id);
    if (calls) {
      calls.done = true;
      this.maybeFollowUp(conn, id);
    }
    // Release after queuing the follow-up so a waiting user turn and the follow-up share one create.
    const request = conn.gate.onDone(id);
    if (request) e.tools.answered(request);
    if (response.error) this.onResponseFailed(conn, response.error, request);
    conn.audio.responseDone(id);
    if (!e.playing()) e.setSpeaking(false);
    e.pump();
  }

  private onResponseFailed(
    conn: Conn,
    error: { code: string; message: string },
    request: ResponseRequest | null,
  ): void {
    const { e } = this;
    const { code, message } = error;
    if (code !== 'rate_limit_exceeded') {
      e.fireInfo(`The assistant could not answer${code ? ` (${code})` : ''}: ${message}`);
      return;
    }
    const waitMs = parseRetryAfterMs(message) ?? 5000;
    if (!request || request.retried) {
      e.fireInfo('Still rate limited; try again in a moment.');
      return;
    }
    e.fireInfo(`Rate limited; retrying in ${Math.max(1, Math.ceil(waitMs / 1000))} s.`);
    const retry: ResponseRequest = {
      kind: request.kind,
      params: request.params,
      toolResponseIds: request.toolResponseIds,
      retried: true,
    };
    const t = setTimeout(() => {
      this.retryTimers.delete(t);
      if (e.closing) return;
      if (!e.conns.isCurrent(conn)) {
        e.fireInfo('Connection changed; the rate-limited reply was not retried.');
        return;
      }
      e.guard(() => conn.gate.request(retry));
    }, waitMs);
    t.unref();
    this.retryTimers.add(t);
  }

  // ─────────────────────────────── tools ───────────────────────────────

  private onFunctionCall(
    conn: Conn,
    responseId: string,
    item: Extract<OutputItem, { type: 'function_call' }>,
    receivedAt: number,
  ): void {
    const { e } = this;
    if (item.status !== 'completed') return;
    const rec = e.tools.begin(item, conn.gen, responseId, receivedAt);
    if (!rec) return;
    const calls = conn.responseCalls.get(responseId);
    if (calls) calls.callIds.push(rec.callId);
    else conn.responseCalls.set(responseId, { callIds: [rec.callId], done: false, requested: false });
    e.transcript.upsert({
      id: `tool_${rec.callId}`,
      role: 'tool',
      text: `${rec.name}(${clip(rec.args, 200)})`,
      final: false,
      at: e.now(),
    });
    e.tools.run(rec, (result) => {
      try {
        this.onToolResult(rec, result);
      } catch (err) {
        e.fireError(err);
      }
    });
  }

  private onToolResult(rec: CallRecord, result: string): void {
    const { e } = this;
    if (e.closing) return;
    rec.result = result;
    e.transcript.upsert({
      id: `tool_${rec.callId}`,
      role: 'tool',
      text: `${rec.name}(${clip(rec.args, 200)}) → ${clip(result, TOOL_TEXT_MAX)}`,
      final: true,
      at: e.now(),
    });
    const conn = e.conns.currentConn();
    if (!rec.late && conn && conn.gen === rec.gen && !conn.retired && conn.client.isOpen()) {
      const sent = e.send(conn, {
        type: 'conversation.item.create',
        event_id: `fco_${rec.callId}`,
        item: { type: 'function_call_output', call_id: rec.callId, output: result },
      });
      if (sent) {
        rec.outputSent = true;
        e.latency.toolOutputSent(rec.receivedAt);
        this.maybeFollowUp(conn, rec.responseId);
        e.pump();
        return;
      }
    }
    e.tools.deferResult(rec);
    e.pump();
  }

  /** One response.create after the tool-calling response is done and all its outputs are sent. */
  private maybeFollowUp(conn: Conn, responseId: string): void {
    const entry = conn.responseCalls.get(responseId);
    if (!entry || !entry.done || entry.requested) return;
    if (!this.e.tools.allSent(entry.callIds)) return;
    entry.requested = true;
    conn.responseCalls.delete(responseId);
    conn.gate.request({ kind: 'tool_followup', toolResponseIds: [responseId] });
  }
}

/** Clips text for the model or the transcript (an ellipsis marks the cut). */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
