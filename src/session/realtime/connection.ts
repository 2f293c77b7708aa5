/**
 * One Realtime connection and everything that dies with it: the server assigns ids per session,
 * so the response slot, assistant-audio accounting and tool-call grouping are per socket.
 */
import { ResponseGate } from '../response-gate.js';
import type { TaskNotice } from '../types.js';
import { AssistantAudio } from './assistant-audio.js';
import type { RealtimeTransport } from './transport.js';

/** Per-socket state. */
export interface Conn {
  /** Generation: increases with every socket the engine opens. */
  gen: number;
  client: RealtimeTransport;
  gate: ResponseGate;
  sessionId: string;
  /** Epoch ms; 0 = unknown. */
  expiresAtMs: number;
  /** `session.updated` seen: the configuration took. */
  configured: boolean;
  /** The session the engine talks to (context restored, waiting work flushed). */
  activated: boolean;
  /** Closed, or replaced: its events are ignored. */
  retired: boolean;
  /** Set when the socket failed in a way reconnecting cannot fix. */
  fatal: string | null;
  /** The server ended the session at its time limit. */
  expired: boolean;
  /** Event id of this socket's `session.update` (errors naming it reject the configuration). */
  cfgEventId: string;
  connectTimer: NodeJS.Timeout | null;
  audio: AssistantAudio;
  /** A barge-in came while a response was creating: cancel it as soon as it is created. */
  cancelOnCreate: boolean;
  /** Times of recent `server_error`s; several in a row mean the session is sick. */
  serverErrors: number[];
  /** Completed calls per tool-calling response; `done` once its response.done arrived. */
  responseCalls: Map<string, { callIds: string[]; done: boolean; requested: boolean }>;
  /** The last notice batch handed to this socket; put back in the queue if its response is lost. */
  noticeBatch: TaskNotice[] | null;
}

/** A fresh connection record around a transport that is not connected yet. */
export function newConn(gen: number, client: RealtimeTransport): Conn {
  return {
    gen,
    client,
    gate: new ResponseGate((ev) => client.send(ev), `rc${gen}`),
    sessionId: '',
    expiresAtMs: 0,
    configured: false,
    activated: false,
    retired: false,
    fatal: null,
    expired: false,
    cfgEventId: `cfg_${gen}`,
    connectTimer: null,
    audio: new AssistantAudio(),
    cancelOnCreate: false,
    serverErrors: [],
    responseCalls: new Map(),
    noticeBatch: null,
  };
}
