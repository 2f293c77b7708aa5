/**
 * A loopback OpenAI-compatible server for the cascade engine's tests: speech-to-text
 * (`/v1/audio/transcriptions`, multipart), chat completions streamed as server-sent events the
 * way OpenAI streams them (content fragments, tool-call deltas split across chunks, a final
 * `finish_reason`, `data: [DONE]`), speech (`/v1/audio/speech`, streamed PCM) and `/v1/models`.
 * Replies are scripted per endpoint; failures use OpenAI's error JSON shape.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A scripted failure of one request. */
export type FakeFailure =
  { fail: 401 } | { fail: 404; model?: string } | { fail: 429; retryAfterS: number } | { fail: 500 } | { fail: 'hang' };

/** One scripted tool call of a chat reply. */
export interface FakeToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** One scripted chat reply: text streamed in fragments, or tool calls, or a failure. */
export type FakeChatReply =
  | { text: string; fragmentChars?: number; fragmentDelayMs?: number; firstDelayMs?: number }
  | { toolCalls: FakeToolCall[]; text?: string; fragmentDelayMs?: number }
  | FakeFailure;

/** A recorded request. */
export interface FakeRequest {
  path: string;
  at: number;
  /** Parsed JSON body (chat, speech) or the multipart fields and file size (transcriptions). */
  body: Record<string, unknown>;
  /** When the response finished, or undefined while open / when the client went away first. */
  endedAt?: number;
  /** The client closed the connection before the response was complete. */
  aborted: boolean;
}

/** Options of the fake. */
export interface FakeOpenAiOptions {
  /** Bytes of PCM per speech reply (default 48 000 = 1 s at 24 kHz). */
  speechBytes?: number;
  /** Delay before the first speech bytes (default 0) and between its 4 800-byte chunks. */
  speechDelayMs?: number;
  speechChunkDelayMs?: number;
  /** Delay before a transcription answer (default 0). */
  sttDelayMs?: number;
  models?: string[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The fake server. Script replies with `transcripts`, `chat`, `speechFailures`, then `start()`. */
export class FakeOpenAiServer {
  readonly requests: FakeRequest[] = [];
  /** Transcripts returned in order (or failures); the last text repeats when exhausted. */
  readonly transcripts: (string | FakeFailure)[] = [];
  /** Chat replies in order; a plain "OK." when exhausted. */
  readonly chat: FakeChatReply[] = [];
  /**
   * Picks a reply from the request's messages before the `chat` queue is used (undefined: the
   * queue): lets a test answer by what was said rather than by order, as notices may come between.
   */
  chatFor: ((messages: readonly { role: string; content?: unknown }[]) => FakeChatReply | undefined) | undefined;
  /** Failures for the next speech requests, in order (then normal PCM). */
  readonly speechFailures: FakeFailure[] = [];
  private server: Server | null = null;
  private readonly open = new Set<ServerResponse>();
  private lastTranscript = '';

  constructor(private readonly options: FakeOpenAiOptions = {}) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return this.baseUrl();
  }

  /** `http://127.0.0.1:PORT/v1` */
  baseUrl(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}/v1`;
  }

  /** Recorded requests to one endpoint path (e.g. `/v1/chat/completions`). */
  to(path: string): FakeRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    for (const res of this.open) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = (req.url ?? '').split('?')[0] ?? '';
    const record: FakeRequest = { path, at: performance.now(), body: {}, aborted: false };
    this.requests.push(record);
    this.open.add(res);
    res.on('close', () => {
      this.open.delete(res);
      if (!res.writableFinished) record.aborted = true;
      else record.endedAt = performance.now();
    });
    if (req.headers.authorization === 'Bearer wrong-key') return sendError(res, { fail: 401 });
    try {
      if (path === '/v1/models' && req.method === 'GET') return this.models(res);
      if (path === '/v1/audio/transcriptions') return await this.transcribe(req, raw, record, res);
      record.body = JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
      if (path === '/v1/chat/completions') return await this.chatReply(record, res);
      if (path === '/v1/audio/speech') return await this.speech(record, res);
      sendJson(res, 404, {
        error: { message: `Unknown path ${path}`, type: 'invalid_request_error', param: null, code: null },
      });
    } catch {
      if (!res.headersSent) sendError(res, { fail: 500 });
      else res.destroy();
    }
  }

  private models(res: ServerResponse): void {
    const ids = this.options.models ?? ['gpt-4o-mini-transcribe', 'gpt-4.1-mini', 'gpt-4o-mini-tts'];
    sendJson(res, 200, {
      object: 'list',
      data: ids.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'system' })),
    });
  }

  private async transcribe(req: IncomingMessage, raw: Buffer, record: FakeRequest, res: ServerResponse): Promise<void> {
    const type = req.headers['content-type'] ?? '';
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(type);
    if (!type.startsWith('multipart/form-data') || !boundary) {
      return sendJson(res, 400, {
        error: { message: 'Expected multipart/form-data', type: 'invalid_request_error', param: null, code: null },
      });
    }
    record.body = parseMultipart(raw, boundary[1] ?? boundary[2] ?? '');
    const next = this.transcripts.shift() ?? this.lastTranscript;
    if (typeof next !== 'string') return sendError(res, next);
    this.lastTranscript = next;
    if (this.options.sttDelayMs) await sleep(this.options.sttDelayMs);
    sendJson(res, 200, { text: next, usage: { type: 'duration', seconds: 1 } });
  }

  private async chatReply(record: FakeRequest, res: ServerResponse): Promise<void> {
    const messages = Array.isArray(record.body.messages)
      ? (record.body.messages as { role: string; content?: unknown }[])
      : [];
    const reply = this.chatFor?.(messages) ?? this.chat.shift() ?? { text: 'OK.' };
    if ('fail' in reply) return sendError(res, reply, String(record.body.model));
    const model = String(record.body.model ?? 'fake');
    const id = `chatcmpl-${this.requests.length}`;
    const chunk = (delta: Record<string, unknown>, finish: string | null): string =>
      `data: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created: Math.floor(Date.now() / 1000),
        model,
        system_fingerprint: 'fp_fake',
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      })}\n\n`;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    const delay = reply.fragmentDelayMs ?? 0;
    if ('firstDelayMs' in reply && reply.firstDelayMs) await sleep(reply.firstDelayMs);
    const write = async (s: string): Promise<boolean> => {
      if (res.destroyed) return false;
      res.write(s);
      if (delay) await sleep(delay);
      return !res.destroyed;
    };
    if (!(await write(chunk({ role: 'assistant', content: '', refusal: null }, null)))) return;
    const text = reply.text ?? '';
    const size = 'fragmentChars' in reply && reply.fragmentChars ? reply.fragmentChars : 6;
    for (let i = 0; i < text.length; i += size) {
      if (!(await write(chunk({ content: text.slice(i, i + size) }, null)))) return;
    }
    if ('toolCalls' in reply) {
      for (const [index, call] of reply.toolCalls.entries()) {
        const head = { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } };
        if (!(await write(chunk({ tool_calls: [head] }, null)))) return;
        // Argument fragments, as OpenAI splits them: a few characters per chunk.
        for (let i = 0; i < call.arguments.length; i += 7) {
          const frag = { index, function: { arguments: call.arguments.slice(i, i + 7) } };
          if (!(await write(chunk({ tool_calls: [frag] }, null)))) return;
        }
      }
    }
    if (!(await write(chunk({}, 'toolCalls' in reply ? 'tool_calls' : 'stop')))) return;
    res.end('data: [DONE]\n\n');
  }

  private async speech(record: FakeRequest, res: ServerResponse): Promise<void> {
    const failure = this.speechFailures.shift();
    if (failure) return sendError(res, failure, String(record.body.model));
    if (this.options.speechDelayMs) await sleep(this.options.speechDelayMs);
    if (res.destroyed) return;
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' });
    let left = this.options.speechBytes ?? 48_000;
    while (left > 0 && !res.destroyed) {
      const n = Math.min(4_800, left);
      res.write(Buffer.alloc(n, 1));
      left -= n;
      if (this.options.speechChunkDelayMs) await sleep(this.options.speechChunkDelayMs);
    }
    res.end();
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', () => resolve(Buffer.concat(parts)));
  });
}

/** Text fields as strings; file fields as `{filename, bytes, head, data}` (head: first 4 bytes as text). */
function parseMultipart(raw: Buffer, boundary: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const sep = Buffer.from(`--${boundary}`);
  let pos = raw.indexOf(sep);
  while (pos >= 0) {
    const next = raw.indexOf(sep, pos + sep.length);
    if (next < 0) break;
    const part = raw.subarray(pos + sep.length + 2, next - 2);
    const headEnd = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, headEnd).toString('utf8');
    const body = part.subarray(headEnd + 4);
    const name = /name="([^"]+)"/.exec(head)?.[1];
    const filename = /filename="([^"]*)"/.exec(head)?.[1];
    if (name)
      out[name] =
        filename !== undefined
          ? { filename, bytes: body.length, head: body.subarray(0, 4).toString('latin1'), data: Buffer.from(body) }
          : body.toString('utf8');
    pos = next;
  }
  return out;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** OpenAI's error body: `{error: {message, type, param, code}}`. */
function sendError(res: ServerResponse, f: FakeFailure, model = 'unknown'): void {
  switch (f.fail) {
    case 401:
      return sendJson(res, 401, {
        error: {
          message: 'Incorrect API key provided: wrong-key.',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      });
    case 404:
      return sendJson(res, 404, {
        error: {
          message: `The model \`${f.model ?? model}\` does not exist or you do not have access to it.`,
          type: 'invalid_request_error',
          param: null,
          code: 'model_not_found',
        },
      });
    case 429:
      return sendJson(
        res,
        429,
        {
          error: {
            message: 'Rate limit reached for requests.',
            type: 'requests',
            param: null,
            code: 'rate_limit_exceeded',
          },
        },
        { 'retry-after': String(f.retryAfterS) },
      );
    case 500:
      return sendJson(res, 500, {
        error: {
          message: 'The server had an error while processing your request.',
          type: 'server_error',
          param: null,
          code: null,
        },
      });
    case 'hang':
      return; // Never answers; the client's timeout must end it.
  }
}
