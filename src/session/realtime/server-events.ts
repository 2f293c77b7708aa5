/**
 * The Realtime engine's parser at the connection edge: a raw server event (any JSON object with
 * a string `type`) becomes one typed event the engine acts on, or null. Field types come from
 * the `openai` package's Realtime types; a missing or mistyped field becomes its empty value
 * here, once, so handlers never dig in untyped objects. Beta event names are mapped to their GA
 * names.
 */
import type {
  ConversationItemInputAudioTranscriptionCompletedEvent,
  ConversationItemInputAudioTranscriptionDeltaEvent,
  ConversationItemInputAudioTranscriptionFailedEvent,
  InputAudioBufferCommittedEvent,
  RealtimeConversationItemAssistantMessage,
  RealtimeConversationItemFunctionCall,
  RealtimeError,
  RealtimeResponse,
  RealtimeResponseUsage,
  ResponseAudioDeltaEvent,
  ResponseAudioTranscriptDeltaEvent,
  ResponseAudioTranscriptDoneEvent,
  ResponseCreatedEvent,
  ResponseOutputItemDoneEvent,
  SessionCreatedEvent,
  SessionUpdatedEvent,
} from 'openai/resources/realtime/realtime';

/** A session as the engine reads it: its id and when it expires (epoch ms, 0 = unknown). */
export interface SessionInfo {
  id: string;
  expiresAtMs: number;
}

/** An output item the engine tracks: assistant messages (speech) and function calls; others are `other`. */
export type OutputItem =
  | (Pick<RealtimeConversationItemAssistantMessage, 'type' | 'role'> & {
      id: string;
      /** First transcript (audio) or text of the content, when the server sent one. */
      transcript: string | undefined;
    })
  | (Required<Pick<RealtimeConversationItemFunctionCall, 'type' | 'call_id' | 'name' | 'arguments'>> & {
      id: string;
      status: RealtimeConversationItemFunctionCall['status'];
    })
  | { type: 'other'; id: string };

/** A finished response: id, status, failure details, usage and output items. */
export interface ResponseSummary {
  id: string;
  status: RealtimeResponse['status'];
  /** Set when `status` is `failed`. */
  error: { code: string; message: string } | null;
  usage: RealtimeResponseUsage | null;
  output: OutputItem[];
}

type Text<T, K extends keyof T> = { [P in K]-?: string } & Pick<T, Extract<keyof T, 'type'>>;

/** Every server event the engine acts on. */
export type EngineServerEvent =
  | { type: SessionCreatedEvent['type'] | SessionUpdatedEvent['type']; session: SessionInfo }
  | { type: 'error'; error: { code: string; message: string; eventId: string | null } & Pick<RealtimeError, 'type'> }
  | Text<InputAudioBufferCommittedEvent, 'item_id'>
  | Text<ConversationItemInputAudioTranscriptionDeltaEvent, 'item_id' | 'delta'>
  | Text<ConversationItemInputAudioTranscriptionCompletedEvent, 'item_id' | 'transcript'>
  | Text<ConversationItemInputAudioTranscriptionFailedEvent, 'item_id'>
  | { type: ResponseCreatedEvent['type']; responseId: string }
  | { type: 'response.output_item.added' | ResponseOutputItemDoneEvent['type']; responseId: string; item: OutputItem }
  | (Text<ResponseAudioDeltaEvent, 'item_id' | 'response_id'> & { pcm: Buffer })
  | { type: 'assistant_text.delta'; item_id: string; response_id: string; delta: string }
  | { type: 'assistant_text.done'; item_id: string; response_id: string; text: string | undefined }
  | { type: 'response.done'; response: ResponseSummary };

type Raw = Record<string, unknown>;

const TEXT_DELTAS: ReadonlySet<string> = new Set<ResponseAudioTranscriptDeltaEvent['type'] | string>([
  'response.output_audio_transcript.delta',
  'response.audio_transcript.delta',
  'response.output_text.delta',
  'response.text.delta',
]);
const TEXT_DONES: ReadonlySet<string> = new Set<ResponseAudioTranscriptDoneEvent['type'] | string>([
  'response.output_audio_transcript.done',
  'response.audio_transcript.done',
  'response.output_text.done',
  'response.text.done',
]);

/** Parses one server event; null for events the engine does not act on. Never throws. */
export function parseServerEvent(ev: { type: string }): EngineServerEvent | null {
  const e = ev as Raw;
  const type = ev.type;
  switch (type) {
    case 'session.created':
    case 'session.updated':
      return { type, session: sessionInfo(e.session) };
    case 'error': {
      const err = obj(e.error);
      const code = str(err.code);
      return {
        type,
        error: {
          type: str(err.type),
          code,
          message: str(err.message) || code || 'unknown error',
          eventId: typeof err.event_id === 'string' ? err.event_id : null,
        },
      };
    }
    case 'input_audio_buffer.committed':
    case 'conversation.item.input_audio_transcription.failed':
      return { type, item_id: str(e.item_id) };
    case 'conversation.item.input_audio_transcription.delta':
      return { type, item_id: str(e.item_id), delta: str(e.delta) };
    case 'conversation.item.input_audio_transcription.completed':
      return { type, item_id: str(e.item_id), transcript: str(e.transcript) };
    case 'response.created':
      return { type, responseId: str(obj(e.response).id) };
    case 'response.output_item.added':
    case 'response.output_item.done':
      return { type, responseId: str(e.response_id), item: outputItem(e.item) };
    case 'response.output_audio.delta':
    case 'response.audio.delta':
      return {
        type: 'response.output_audio.delta',
        item_id: str(e.item_id),
        response_id: str(e.response_id),
        pcm: Buffer.from(str(e.delta), 'base64'),
      };
    case 'response.done':
      return { type, response: responseSummary(e.response) };
    default:
      if (TEXT_DELTAS.has(type))
        return {
          type: 'assistant_text.delta',
          item_id: str(e.item_id),
          response_id: str(e.response_id),
          delta: str(e.delta),
        };
      if (TEXT_DONES.has(type)) {
        const text = typeof e.transcript === 'string' ? e.transcript : typeof e.text === 'string' ? e.text : undefined;
        return { type: 'assistant_text.done', item_id: str(e.item_id), response_id: str(e.response_id), text };
      }
      // Unknown or uninteresting events (rate_limits.updated, content_part.*, conversation.item.*…).
      return null;
  }
}

function sessionInfo(v: unknown): SessionInfo {
  const s = obj(v);
  const exp = s.expires_at;
  return { id: str(s.id), expiresAtMs: typeof exp === 'number' && exp > 0 ? exp * 1000 : 0 };
}

function outputItem(v: unknown): OutputItem {
  const it = obj(v);
  const id = str(it.id);
  if (it.type === 'message' && it.role === 'assistant')
    return { type: 'message', role: 'assistant', id, transcript: contentTranscript(it.content) };
  if (it.type === 'function_call') {
    const status =
      it.status === 'completed' || it.status === 'incomplete' || it.status === 'in_progress' ? it.status : undefined;
    return {
      type: 'function_call',
      id,
      call_id: str(it.call_id),
      name: str(it.name),
      arguments: typeof it.arguments === 'string' ? it.arguments : JSON.stringify(it.arguments ?? {}),
      status,
    };
  }
  return { type: 'other', id };
}

function responseSummary(v: unknown): ResponseSummary {
  const r = obj(v);
  const status = typeof r.status === 'string' ? (r.status as RealtimeResponse['status']) : undefined;
  const err = obj(obj(r.status_details).error);
  const code = str(err.code);
  const usage = r.usage && typeof r.usage === 'object' ? (r.usage as RealtimeResponseUsage) : null;
  return {
    id: str(r.id),
    status,
    error: status === 'failed' ? { code, message: str(err.message) || code || 'failed' } : null,
    usage,
    output: Array.isArray(r.output) ? r.output.map(outputItem) : [],
  };
}

function contentTranscript(content: unknown): string | undefined {
  if (!Array.isArray(content)) return undefined;
  for (const part of content as unknown[]) {
    const p = obj(part);
    if (typeof p.transcript === 'string') return p.transcript;
    if (typeof p.text === 'string') return p.text;
  }
  return undefined;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function obj(v: unknown): Raw {
  return v && typeof v === 'object' ? (v as Raw) : {};
}
