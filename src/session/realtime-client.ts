/**
 * One WebSocket to the OpenAI Realtime API (GA shape). Transport only: URL, headers, frames,
 * close codes. Protocol decisions live in the Realtime engine (src/session/realtime).
 */
import { errorText } from '../shared/errors.js';
import { DEFAULT_REALTIME_MODEL, DEFAULT_REALTIME_URL } from '../shared/settings-values.js';
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { RealtimeClientEvent, RealtimeServerEvent } from 'openai/resources/realtime/realtime';

/** A server event as received: a known GA event, or any other object with a string `type`. */
export type ServerEvent = RealtimeServerEvent | { type: string; [key: string]: unknown };

/** How a socket ended. `httpStatus` is set when the upgrade itself was refused. */
export interface CloseInfo {
  code: number;
  reason: string;
  httpStatus?: number;
}

/** Events of one Realtime socket. */
export interface RealtimeClientEvents {
  open: [];
  /** One parsed server event; `receivedAt` is performance.now() when the frame arrived. */
  event: [event: ServerEvent, receivedAt: number];
  /** Emitted exactly once per client, also when the connection never opened. */
  close: [info: CloseInfo];
  /** Transport problems that are not a close (bad frames, socket errors before close). */
  warning: [message: string];
}

/** Options of one socket. */
export interface RealtimeClientOptions {
  apiKey: string;
  /** Base URL without query, e.g. `wss://api.openai.com/v1/realtime`. */
  baseUrl?: string;
  model?: string;
  /** Extra headers (e.g. `OpenAI-Safety-Identifier`). `OpenAI-Beta` is refused. */
  headers?: Record<string, string>;
  /** Upgrade timeout in ms. */
  handshakeTimeoutMs?: number;
  /**
   * Ping the server this often (ms, default 15 000; 0 = off). When neither a pong nor any frame
   * arrived by the next ping, the socket is dead (laptop sleep, network switch): it is terminated
   * so the owner sees a close and reconnects, instead of waiting minutes for TCP to notice.
   */
  keepAliveMs?: number;
}

/** Builds `${baseUrl}?model=<model>` keeping any query the base already has. */
export function buildRealtimeUrl(baseUrl: string, model: string): string {
  const url = new URL(baseUrl);
  url.searchParams.set('model', model);
  return url.toString();
}

/** A typed wrapper around one `ws` socket. */
export class RealtimeClient extends EventEmitter<RealtimeClientEvents> {
  /** The URL this client connects to. */
  readonly url: string;
  private ws: WebSocket | null = null;
  private closedEmitted = false;
  private httpStatus: number | undefined;
  private keepAlive: NodeJS.Timeout | null = null;
  private awaitingPong = false;

  constructor(private readonly opts: RealtimeClientOptions) {
    super();
    this.url = buildRealtimeUrl(opts.baseUrl ?? DEFAULT_REALTIME_URL, opts.model ?? DEFAULT_REALTIME_MODEL);
  }

  /** Opens the socket. Call once. */
  connect(): void {
    if (this.ws) return;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.opts.headers ?? {})) {
      if (k.toLowerCase() !== 'openai-beta') headers[k] = v;
    }
    headers.Authorization = `Bearer ${this.opts.apiKey}`;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url, {
        headers,
        // Audio is base64 and does not compress; the official SDK turns both off too.
        perMessageDeflate: false,
        maxPayload: 0,
        handshakeTimeout: this.opts.handshakeTimeoutMs ?? 15_000,
      });
    } catch (err) {
      queueMicrotask(() => this.emitClose({ code: 1006, reason: errorText(err) }));
      return;
    }
    this.ws = ws;
    ws.on('open', () => {
      this.startKeepAlive(ws);
      this.emit('open');
    });
    ws.on('pong', () => {
      this.awaitingPong = false;
    });
    ws.on('message', (data, isBinary) => {
      const receivedAt = performance.now();
      this.awaitingPong = false;
      if (isBinary) {
        this.emit('warning', 'ignored a binary frame');
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(rawToString(data));
      } catch {
        this.emit('warning', 'ignored a frame that is not JSON');
        return;
      }
      if (!parsed || typeof parsed !== 'object' || typeof (parsed as { type?: unknown }).type !== 'string') {
        this.emit('warning', 'ignored a frame without a type');
        return;
      }
      this.emit('event', parsed as ServerEvent, receivedAt);
    });
    ws.on('unexpected-response', (_req, res) => {
      this.httpStatus = res.statusCode;
      res.resume();
      ws.terminate();
    });
    ws.on('error', (err) => {
      this.emit('warning', errorText(err));
    });
    ws.on('close', (code, reason) => {
      this.stopKeepAlive();
      this.emitClose({ code, reason: reason.toString('utf8'), httpStatus: this.httpStatus });
    });
  }

  /** True while frames can be sent. */
  isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Sends one client event as a text frame. Returns false when the socket is not open. */
  send(event: RealtimeClientEvent): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    try {
      ws.send(JSON.stringify(event));
      return true;
    } catch (err) {
      this.emit('warning', errorText(err));
      return false;
    }
  }

  /** Closes the socket (normal closure unless a code is given). The `close` event follows. */
  close(code = 1000, reason = 'client closing'): void {
    const ws = this.ws;
    if (!ws) {
      this.emitClose({ code, reason });
      return;
    }
    if (ws.readyState === WebSocket.CLOSED) return;
    if (ws.readyState === WebSocket.CONNECTING) {
      ws.terminate();
      return;
    }
    try {
      ws.close(code, reason);
    } catch {
      ws.terminate();
    }
    // A peer that never answers the close handshake must not keep us waiting.
    setTimeout(() => {
      if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
    }, 2000).unref();
  }

  private startKeepAlive(ws: WebSocket): void {
    const every = this.opts.keepAliveMs ?? 15_000;
    if (every <= 0) return;
    this.keepAlive = setInterval(() => {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (this.awaitingPong) {
        this.emit('warning', `no answer to a ping within ${every} ms; dropping the socket`);
        this.stopKeepAlive();
        ws.terminate();
        return;
      }
      this.awaitingPong = true;
      try {
        ws.ping();
      } catch {
        // A failing ping means the socket is going away; its close event follows.
      }
    }, every);
    this.keepAlive.unref();
  }

  private stopKeepAlive(): void {
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = null;
  }

  private emitClose(info: CloseInfo): void {
    if (this.closedEmitted) return;
    this.closedEmitted = true;
    this.emit('close', info);
  }
}

function rawToString(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
