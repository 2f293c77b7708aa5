/**
 * A JSON-RPC 2.0 peer over a pair of byte streams, one JSON object per line: the way the approval
 * host talks to `codex app-server` and `gemini --acp` over their stdio. Both sides send requests:
 * ours (initialize, start a turn) resolve with the result or an error object; theirs (approval
 * requests) are answered by a handler, and notifications go to another. Lines that are not JSON
 * are ignored (the agent's own messages go to stderr). Never throws to its caller.
 */
import type { Readable, Writable } from 'node:stream';

/** A JSON object from the agent (hostile: read with the stream-util readers). */
export type RpcObject = Record<string, unknown>;

/** The answer to one of our requests. */
export type RpcReply = { ok: true; result: unknown } | { ok: false; message: string; gone?: boolean };

/** What the agent asked of us; resolves with the result to send back. */
export type RpcRequestHandler = (method: string, params: unknown) => Promise<unknown>;

/** Thrown by a request handler for a method we do not serve (answered as a JSON-RPC error). */
export class RpcMethodUnknown extends Error {}

function isObject(v: unknown): v is RpcObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** See this file's header. */
export class JsonRpcPeer {
  private nextId = 1;
  private readonly waiting = new Map<number, (r: RpcReply) => void>();
  private buf = '';
  private closed = false;
  private goneWith: (why: string) => void = () => {};
  /** Resolves with why, once the agent has gone (its output ended or it exited). */
  readonly gone = new Promise<string>((resolve) => {
    this.goneWith = resolve;
  });
  /** Notifications from the agent. */
  onNotification: (method: string, params: unknown) => void = () => {};
  /** Requests from the agent (approvals). */
  onRequest: RpcRequestHandler = () => Promise.reject(new RpcMethodUnknown());

  constructor(
    input: Readable,
    private readonly output: Writable,
  ) {
    input.setEncoding('utf8');
    input.on('data', (chunk: string) => this.onData(chunk));
    input.on('end', () => this.close('the agent closed its output'));
    input.on('error', () => this.close('the agent closed its output'));
    output.on('error', () => this.close('the agent closed its input'));
  }

  /** Sends a request; resolves with the reply, or an error reply when the agent goes away first. */
  request(method: string, params: unknown): Promise<RpcReply> {
    if (this.closed) return Promise.resolve({ ok: false, message: 'the agent is gone', gone: true });
    const id = this.nextId++;
    return new Promise<RpcReply>((resolve) => {
      this.waiting.set(id, resolve);
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  /** Sends a notification. */
  notify(method: string, params?: unknown): void {
    this.send(params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params });
  }

  /** Fails every waiting request (the agent exited). */
  close(why: string): void {
    if (this.closed) return;
    this.closed = true;
    this.goneWith(why);
    for (const settle of this.waiting.values()) settle({ ok: false, message: why, gone: true });
    this.waiting.clear();
  }

  private send(msg: RpcObject): void {
    if (this.closed || this.output.destroyed) return;
    this.output.write(`${JSON.stringify(msg)}\n`);
  }

  private onData(chunk: string): void {
    this.buf += chunk;
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl).trim();
      this.buf = this.buf.slice(nl + 1);
      if (line.startsWith('{')) this.onLine(line);
    }
  }

  private onLine(line: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    }
    if (!isObject(msg)) return;
    const method = typeof msg.method === 'string' ? msg.method : undefined;
    const id = msg.id;
    if (method !== undefined && (typeof id === 'number' || typeof id === 'string')) {
      this.serve(id, method, msg.params);
    } else if (method !== undefined) {
      try {
        this.onNotification(method, msg.params);
      } catch {
        // A notification we could not read changes nothing.
      }
    } else if (typeof id === 'number') {
      const settle = this.waiting.get(id);
      if (settle === undefined) return;
      this.waiting.delete(id);
      if (isObject(msg.error)) {
        const m = msg.error.message;
        settle({ ok: false, message: typeof m === 'string' ? m : 'the agent answered with an error' });
      } else settle({ ok: true, result: msg.result });
    }
  }

  private serve(id: number | string, method: string, params: unknown): void {
    this.onRequest(method, params).then(
      (result) => this.send({ jsonrpc: '2.0', id, result }),
      (e: unknown) => {
        const unknown = e instanceof RpcMethodUnknown;
        const message = unknown ? `voice-orch does not serve ${method}` : 'voice-orch could not answer';
        this.send({ jsonrpc: '2.0', id, error: { code: unknown ? -32601 : -32603, message } });
      },
    );
  }
}
