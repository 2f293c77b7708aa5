/* eslint-disable @typescript-eslint/no-explicit-any -- raw wire JSON */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { FakeRealtimeServer, type FakeRealtimeOptions } from '../helpers/fake-realtime-server.js';

// ---------------------------------------------------------------------------------------------
// A raw ws client that records everything
// ---------------------------------------------------------------------------------------------

interface Closed {
  code: number;
  reason: string;
}

class RawClient {
  readonly events: any[] = [];
  readonly closed: Promise<Closed>;
  private waiters: { pred: (e: any) => boolean; from: number; resolve: (e: any) => void }[] = [];
  private seq = 0;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const ev = JSON.parse(data.toString());
      this.events.push(ev);
      const idx = this.events.length - 1;
      for (const w of [...this.waiters]) {
        if (idx >= w.from && w.pred(ev)) {
          this.waiters = this.waiters.filter((x) => x !== w);
          w.resolve(ev);
        }
      }
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    ws.on('error', () => {});
  }

  static open(url: string, opts: { headers?: Record<string, string>; protocols?: string[] } = {}): Promise<RawClient> {
    const ws = new WebSocket(url, opts.protocols ?? [], { headers: opts.headers ?? {}, perMessageDeflate: false });
    const c = new RawClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(c));
      ws.once('unexpected-response', (_req, res) =>
        reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { statusCode: res.statusCode })),
      );
      ws.once('error', reject);
    });
  }

  send(ev: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(ev));
  }

  /** First event (at index ≥ from) matching pred; already-received ones count. */
  waitFor(pred: string | ((e: any) => boolean), from = 0, timeoutMs = 3000): Promise<any> {
    const p = typeof pred === 'string' ? (e: any) => e.type === pred : pred;
    const hit = this.events.slice(from).find(p);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error(`timeout waiting (types so far: ${this.types().join(', ')})`)),
        timeoutMs,
      );
      this.waiters.push({
        pred: p,
        from,
        resolve: (e) => {
          clearTimeout(t);
          resolve(e);
        },
      });
    });
  }

  /** Count of events so far (a cursor for waitFor). */
  mark(): number {
    return this.events.length;
  }

  types(from = 0): string[] {
    return this.events.slice(from).map((e) => e.type);
  }

  nextId(prefix: string): string {
    return `${prefix}_${++this.seq}`;
  }
}

const PTT_SESSION = {
  type: 'realtime',
  instructions: 'You are voice-orch. Keep replies short.',
  output_modalities: ['audio'],
  audio: {
    input: {
      format: { type: 'audio/pcm', rate: 24000 },
      transcription: { model: 'gpt-4o-mini-transcribe', language: 'en' },
      noise_reduction: { type: 'near_field' },
      turn_detection: null,
    },
    output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin', speed: 1.0 },
  },
  tools: [
    {
      type: 'function',
      name: 'spawn_task',
      description: 'Start a background task.',
      parameters: { type: 'object', properties: { prompt: { type: 'string' } }, required: ['prompt'] },
    },
    {
      type: 'function',
      name: 'list_tasks',
      description: 'List tasks.',
      parameters: { type: 'object', properties: {} },
    },
  ],
  tool_choice: 'auto',
  max_output_tokens: 'inf',
  truncation: 'auto',
};

/** PCM16 silence of `ms` milliseconds, base64. */
const silence = (ms: number): string => Buffer.alloc(ms * 48).toString('base64');
/** A loud 300 Hz tone of `ms` milliseconds, base64 (speech for the fake's VAD). */
function loud(ms: number): string {
  const n = ms * 24;
  const b = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(9000 * Math.sin((2 * Math.PI * 300 * i) / 24000)), i * 2);
  return b.toString('base64');
}

let server: FakeRealtimeServer | undefined;
const clients: RawClient[] = [];

async function start(opts: FakeRealtimeOptions = {}): Promise<FakeRealtimeServer> {
  server = await FakeRealtimeServer.start({ pingIntervalMs: 0, ...opts });
  return server;
}

async function connect(
  s: FakeRealtimeServer,
  opts: { model?: string | null; key?: string | null; headers?: Record<string, string>; protocols?: string[] } = {},
): Promise<RawClient> {
  const model = opts.model === undefined ? 'gpt-realtime' : opts.model;
  const url = model === null ? s.url : `${s.url}?model=${encodeURIComponent(model)}`;
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const key = opts.key === undefined ? 'test-key' : opts.key;
  if (key !== null) headers.Authorization = `Bearer ${key}`;
  const c = await RawClient.open(url, { headers, protocols: opts.protocols });
  clients.push(c);
  return c;
}

/** Connect and configure for push-to-talk (turn_detection null), waiting for session.updated. */
async function ready(s: FakeRealtimeServer, session: Record<string, unknown> = PTT_SESSION): Promise<RawClient> {
  const c = await connect(s);
  await c.waitFor('session.created');
  c.send({ type: 'session.update', event_id: 'cfg_1', session });
  await c.waitFor((e) => e.type === 'session.updated' || e.type === 'error');
  expect(c.types()).toContain('session.updated');
  return c;
}

/** Push-to-talk turn: append `ms` of silence, commit. */
function talk(c: RawClient, ms = 300): void {
  for (let sent = 0; sent < ms; sent += 100)
    c.send({ type: 'input_audio_buffer.append', audio: silence(Math.min(100, ms - sent)) });
  c.send({ type: 'input_audio_buffer.commit', event_id: c.nextId('commit') });
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await server?.close();
  server = undefined;
});

// ---------------------------------------------------------------------------------------------
// Transport
// ---------------------------------------------------------------------------------------------

describe('transport and auth', () => {
  it('listens on loopback at /v1/realtime and sends session.created with GA defaults at once', async () => {
    const s = await start();
    expect(s.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v1\/realtime$/);
    const c = await connect(s);
    const created = await c.waitFor('session.created');
    expect(c.types()[0]).toBe('session.created');
    expect(created.event_id).toMatch(/^event_[A-Za-z0-9]{21}$/);
    const sess = created.session;
    expect(sess.type).toBe('realtime');
    expect(sess.id).toMatch(/^sess_/);
    expect(sess.model).toBe('gpt-realtime');
    expect(sess.output_modalities).toEqual(['audio']);
    expect(sess.audio.input.turn_detection.type).toBe('server_vad');
    expect(sess.audio.input.transcription).toBeNull();
    expect(sess.audio.input.noise_reduction).toBeNull();
    expect(sess.audio.output.voice).toBe('alloy');
    expect(Math.abs(sess.expires_at - (Date.now() / 1000 + 3600))).toBeLessThan(3);
    const conn = await s.waitForConnection(1);
    expect(conn.authMethod).toBe('header');
    expect(s.allErrors()).toEqual([]);
  });

  it('refuses an upgrade without any credentials with HTTP 401', async () => {
    const s = await start();
    await expect(connect(s, { key: null })).rejects.toMatchObject({ statusCode: 401 });
    expect(s.connections).toHaveLength(0);
  });

  it('wrong key: accepts the upgrade, sends invalid_api_key, closes 3000', async () => {
    const s = await start();
    const c = await connect(s, { key: 'sk-wrong-key-123456' });
    const closed = await c.closed;
    expect(c.types()).toEqual(['error']);
    expect(c.events[0].error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key', event_id: null });
    expect(c.events[0].error.message).toMatch(/^Incorrect API key provided/);
    expect(closed).toEqual({ code: 3000, reason: 'invalid_request_error.invalid_api_key' });
  });

  it('accepts the key as subprotocol pair and selects "realtime"', async () => {
    const s = await start({ apiKey: 'k-123' });
    const c = await connect(s, { key: null, protocols: ['realtime', 'openai-insecure-api-key.k-123'] });
    await c.waitFor('session.created');
    expect(c.ws.protocol).toBe('realtime');
    expect(s.connections[0]!.authMethod).toBe('subprotocol');
  });

  it('OpenAI-Beta header: beta_api_shape_disabled, close 4000', async () => {
    const s = await start();
    const c = await connect(s, { headers: { 'OpenAI-Beta': 'realtime=v1' } });
    const closed = await c.closed;
    expect(c.types()).toEqual(['error']);
    expect(c.events[0].error.code).toBe('beta_api_shape_disabled');
    expect(c.events[0].error.message).toBe(
      'The Realtime Beta API is no longer supported. Please use /v1/realtime for the GA API.',
    );
    expect(closed).toEqual({ code: 4000, reason: 'invalid_request_error.beta_api_shape_disabled' });
  });

  it('missing model: missing_model, close 4000', async () => {
    const s = await start();
    const c = await connect(s, { model: null });
    const closed = await c.closed;
    expect(c.events.map((e) => e.error?.code)).toEqual(['missing_model']);
    expect(closed.code).toBe(4000);
  });

  it('unknown model: invalid_model, close 4000; the allowed list is configurable', async () => {
    const s = await start({ models: ['gpt-realtime', 'my-model'] });
    const bad = await connect(s, { model: 'gpt-4o-realtime-preview' });
    expect((await bad.closed).code).toBe(4000);
    expect(bad.events[0].error.code).toBe('invalid_model');
    expect(bad.events[0].error.message).toContain('Model "gpt-4o-realtime-preview" is not supported in realtime mode.');
    const ok = await connect(s, { model: 'my-model' });
    expect((await ok.waitFor('session.created')).session.model).toBe('my-model');
  });

  it('non-JSON, binary and unknown types are errors but not fatal', async () => {
    const s = await start();
    const c = await connect(s);
    await c.waitFor('session.created');
    c.ws.send('{not json');
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    c.send({ type: 'output_audio_buffer.clear', event_id: 'oabc_1' });
    c.send({ type: 'response.text.delta', event_id: 'x_1' });
    c.send({ event_id: 'no_type' });
    await c.waitFor((e) => e.error?.event_id === 'no_type');
    const errs = c.events.filter((e) => e.type === 'error').map((e) => e.error);
    expect(errs.map((e) => e.code)).toEqual([
      'invalid_json',
      'invalid_event',
      'invalid_value',
      'invalid_value',
      'missing_required_parameter',
    ]);
    expect(errs[2]).toMatchObject({ param: 'type', event_id: 'oabc_1' });
    expect(errs[2].message).toMatch(
      /^Invalid value: 'output_audio_buffer.clear'. Supported values are: 'session.update'/,
    );
    c.send({ type: 'session.update', session: { type: 'realtime', instructions: 'x' } });
    await c.waitFor('session.updated');
    expect(s.connections[0]!.closed).toBe(false);
    expect(s.connections[0]!.invalidFrames).toHaveLength(2);
  });
});

// ---------------------------------------------------------------------------------------------
// Session
// ---------------------------------------------------------------------------------------------

describe('session.update', () => {
  it('rejects an update without session.type as a whole', async () => {
    const s = await start();
    const c = await connect(s);
    await c.waitFor('session.created');
    c.send({
      type: 'session.update',
      event_id: 'cfg_1',
      session: { instructions: 'new', audio: { input: { turn_detection: null } } },
    });
    const err = await c.waitFor('error');
    expect(err.error).toMatchObject({
      code: 'missing_required_parameter',
      param: 'session.type',
      message: "Missing required parameter: 'session.type'.",
      event_id: 'cfg_1',
    });
    expect(s.connections[0]!.session.audio.input.turn_detection.type).toBe('server_vad');
    expect(s.connections[0]!.session.instructions).not.toBe('new');
    expect(c.types()).not.toContain('session.updated');
  });

  it('rejects unknown and beta keys as unknown_parameter with the dotted param', async () => {
    const s = await start();
    const c = await connect(s);
    await c.waitFor('session.created');
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'realtime', modalities: ['text', 'audio'] }, 'session.modalities'],
      [{ type: 'realtime', voice: 'marin' }, 'session.voice'],
      [{ type: 'realtime', input_audio_format: 'pcm16' }, 'session.input_audio_format'],
      [{ type: 'realtime', temperature: 0.8 }, 'session.temperature'],
      [{ type: 'realtime', turn_detection: null }, 'session.turn_detection'],
      [{ type: 'realtime', audio: { input: { vad: null } } }, 'session.audio.input.vad'],
      [{ type: 'realtime', tools: [{ type: 'function', function: { name: 'x' } }] }, 'session.tools[0].function'],
    ];
    for (const [i, [session, param]] of cases.entries()) {
      c.send({ type: 'session.update', event_id: `u_${i}`, session });
      const err = await c.waitFor((e) => e.type === 'error' && e.error.event_id === `u_${i}`);
      expect(err.error).toMatchObject({ code: 'unknown_parameter', param, message: `Unknown parameter: '${param}'.` });
    }
    expect(c.types()).not.toContain('session.updated');
  });

  it('rejects bad enum values with invalid_value on the dotted path', async () => {
    const s = await start();
    const c = await connect(s);
    await c.waitFor('session.created');
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'realtime', audio: { output: { voice: 'robot' } } }, 'session.audio.output.voice'],
      [{ type: 'realtime', audio: { input: { format: { type: 'pcm16' } } } }, 'session.audio.input.format.type'],
      [{ type: 'realtime', output_modalities: ['text', 'audio'] }, 'session.output_modalities'],
      [{ type: 'realtime', tool_choice: 'sometimes' }, 'session.tool_choice'],
      [{ type: 'realtime', max_output_tokens: 99999 }, 'session.max_output_tokens'],
      [
        { type: 'realtime', audio: { input: { turn_detection: { type: 'semantic_vad', eagerness: 'eager' } } } },
        'session.audio.input.turn_detection.eagerness',
      ],
    ];
    for (const [i, [session, param]] of cases.entries()) {
      c.send({ type: 'session.update', event_id: `v_${i}`, session });
      const err = await c.waitFor((e) => e.type === 'error' && e.error.event_id === `v_${i}`);
      expect(err.error).toMatchObject({ code: 'invalid_value', param });
    }
    expect(c.events.find((e) => e.error?.event_id === 'v_0').error.message).toMatch(
      /^Invalid value: 'robot'. Supported values are: 'alloy'/,
    );
  });

  it('deep-merges updates and replies with the full session', async () => {
    const s = await start();
    const c = await connect(s);
    const created = (await c.waitFor('session.created')).session;
    c.send({
      type: 'session.update',
      session: { type: 'realtime', instructions: 'A', audio: { input: { turn_detection: null } } },
    });
    const u1 = (await c.waitFor('session.updated')).session;
    expect(u1.instructions).toBe('A');
    expect(u1.audio.input.turn_detection).toBeNull();
    expect(u1.audio.input.format).toEqual({ type: 'audio/pcm', rate: 24000 });
    expect(u1.audio.output.voice).toBe('alloy');
    expect(u1.id).toBe(created.id);
    expect(u1.expires_at).toBe(created.expires_at);
    const m = c.mark();
    c.send({
      type: 'session.update',
      session: { type: 'realtime', audio: { output: { voice: 'marin' } }, tools: PTT_SESSION.tools },
    });
    const u2 = (await c.waitFor('session.updated', m)).session;
    expect(u2.instructions).toBe('A');
    expect(u2.audio.input.turn_detection).toBeNull();
    expect(u2.audio.output).toEqual({ format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin', speed: 1.0 });
    expect(u2.tools.map((t: any) => t.name)).toEqual(['spawn_task', 'list_tasks']);
    expect(s.connections[0]!.session).toEqual(u2);
    expect(s.allErrors()).toEqual([]);
  });

  it('locks the voice once assistant audio was produced', async () => {
    const s = await start({ replies: [{ text: 'Hi.' }] });
    const c = await ready(s);
    c.send({
      type: 'session.update',
      event_id: 'v_early',
      session: { type: 'realtime', audio: { output: { voice: 'cedar' } } },
    });
    await c.waitFor('session.updated', 2);
    c.send({ type: 'response.create', event_id: 'rc_1' });
    await c.waitFor('response.done');
    c.send({
      type: 'session.update',
      event_id: 'v_late',
      session: { type: 'realtime', audio: { output: { voice: 'marin' } } },
    });
    const err = await c.waitFor('error');
    expect(err.error).toMatchObject({ code: 'invalid_value', param: 'session.audio.output.voice', event_id: 'v_late' });
    // Same voice and other fields are still fine.
    const m = c.mark();
    c.send({
      type: 'session.update',
      session: { type: 'realtime', audio: { output: { voice: 'cedar', speed: 1.2 } } },
    });
    expect((await c.waitFor('session.updated', m)).session.audio.output.speed).toBe(1.2);
  });
});

// ---------------------------------------------------------------------------------------------
// §6 orderings
// ---------------------------------------------------------------------------------------------

describe('orderings on the wire', () => {
  it('6.1 push-to-talk turn with a spoken answer', async () => {
    const s = await start({
      replies: [{ text: 'Two tasks are running.', audioMs: 400 }],
      userTranscripts: ['How many tasks run?'],
      transcriptionDelayMs: 20,
    });
    const c = await ready(s);
    const m = c.mark();
    talk(c, 300);
    c.send({ type: 'response.create', event_id: 'rc_1' });
    await c.waitFor('rate_limits.updated', m);
    await c.waitFor('conversation.item.input_audio_transcription.completed', m);
    const evs = c.events.slice(m);
    const main = evs
      .filter((e) => !e.type.startsWith('conversation.item.input_audio_transcription'))
      .map((e) => e.type);
    const audioDeltas = main.filter((t) => t === 'response.output_audio.delta').length;
    expect(audioDeltas).toBeGreaterThanOrEqual(4);
    const collapsed = main.filter((t, i) => !(t.endsWith('.delta') && main[i - 1]?.endsWith('.delta')));
    expect(collapsed).toEqual([
      'input_audio_buffer.committed',
      'conversation.item.added',
      'conversation.item.done',
      'response.created',
      'response.output_item.added',
      'conversation.item.added',
      'response.content_part.added',
      'response.output_audio_transcript.delta',
      'response.output_audio.done',
      'response.output_audio_transcript.done',
      'response.content_part.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.done',
      'rate_limits.updated',
    ]);
    const committed = evs.find((e) => e.type === 'input_audio_buffer.committed');
    const userAdded = evs.find((e) => e.type === 'conversation.item.added');
    expect(userAdded.item).toMatchObject({
      id: committed.item_id,
      role: 'user',
      status: 'completed',
      content: [{ type: 'input_audio', transcript: null }],
    });
    const done = evs.find((e) => e.type === 'response.done').response;
    expect(done.status).toBe('completed');
    expect(done.id).toMatch(/^resp_/);
    expect(done.output[0]).toMatchObject({
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_audio', transcript: 'Two tasks are running.' }],
    });
    // Audio totals 400 ms of PCM16 in 40-100 ms deltas; transcript deltas concatenate to the text.
    const bytes = evs
      .filter((e) => e.type === 'response.output_audio.delta')
      .map((e) => Buffer.from(e.delta, 'base64').length);
    expect(bytes.reduce((a, b) => a + b, 0)).toBe(400 * 48);
    for (const b of bytes) expect(b / 48).toBeGreaterThanOrEqual(40);
    for (const b of bytes) expect(b / 48).toBeLessThanOrEqual(100);
    expect(
      evs
        .filter((e) => e.type === 'response.output_audio_transcript.delta')
        .map((e) => e.delta)
        .join(''),
    ).toBe('Two tasks are running.');
    // Usage from durations: user 300 ms = 3 audio tokens in; 400 ms assistant audio = 8 tokens out.
    expect(done.usage.input_token_details.audio_tokens).toBe(3);
    expect(done.usage.output_token_details.audio_tokens).toBe(8);
    expect(done.usage.total_tokens).toBe(done.usage.input_tokens + done.usage.output_tokens);
    const transcript = evs.find((e) => e.type === 'conversation.item.input_audio_transcription.completed');
    expect(transcript).toMatchObject({
      item_id: committed.item_id,
      content_index: 0,
      transcript: 'How many tasks run?',
    });
    expect(transcript.usage.type).toBe('tokens');
    expect(
      evs
        .filter((e) => e.type === 'conversation.item.input_audio_transcription.delta')
        .map((e) => e.delta)
        .join(''),
    ).toBe('How many tasks run?');
    const rl = evs.find((e) => e.type === 'rate_limits.updated');
    expect(rl.rate_limits[0]).toMatchObject({ name: 'tokens', limit: 40000 });
    const conn = s.connections[0]!;
    expect(conn.items.map((i) => i.role)).toEqual(['user', 'assistant']);
    expect(conn.activeResponseId).toBeNull();
    expect(s.allErrors()).toEqual([]);
  });

  it('6.2 function call → function_call_output → response.create → spoken answer', async () => {
    const s = await start({
      replies: [
        { functionCalls: [{ name: 'spawn_task', arguments: { prompt: 'fix the flaky test' } }] },
        { text: 'Started task one.' },
      ],
    });
    const c = await ready(s);
    c.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'start a task' }] },
    });
    c.send({ type: 'response.create', event_id: 'rc_1' });
    const done1 = await c.waitFor('response.done');
    const m1 = c.events.findIndex((e) => e.type === 'response.created');
    const types = c.types(m1).filter((t, i, a) => !(t.endsWith('.delta') && a[i - 1]?.endsWith('.delta')));
    expect(types.slice(0, types.indexOf('response.done') + 1)).toEqual([
      'response.created',
      'response.output_item.added',
      'conversation.item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.done',
    ]);
    const fc = done1.response.output[0];
    expect(fc).toMatchObject({
      type: 'function_call',
      status: 'completed',
      name: 'spawn_task',
      arguments: '{"prompt":"fix the flaky test"}',
    });
    expect(fc.call_id).toMatch(/^call_[A-Za-z0-9]{16,24}$/);
    const argsDone = c.events.find((e) => e.type === 'response.function_call_arguments.done');
    expect(argsDone).toMatchObject({ call_id: fc.call_id, name: 'spawn_task', item_id: fc.id });
    const m = c.mark();
    c.send({
      type: 'conversation.item.create',
      event_id: 'fco_1',
      item: { type: 'function_call_output', call_id: fc.call_id, output: '{"task_id":1}' },
    });
    c.send({ type: 'response.create', event_id: 'rc_2' });
    const done2 = await c.waitFor('response.done', m);
    expect(c.types(m).slice(0, 3)).toEqual(['conversation.item.added', 'conversation.item.done', 'response.created']);
    expect(done2.response.output[0].content[0].transcript).toBe('Started task one.');
    const conn = s.connections[0]!;
    expect(conn.items.map((i) => i.type + (i.role ? `:${i.role}` : ''))).toEqual([
      'message:user',
      'function_call',
      'function_call_output',
      'message:assistant',
    ]);
    expect(conn.previousItemId(conn.items[2].id)).toBe(fc.id);
    expect(s.allErrors()).toEqual([]);
  });

  it('6.3 barge-in: cancel ends the response incomplete, truncate is recorded', async () => {
    const s = await start({
      replies: [{ text: 'A long answer about many things that goes on and on.', audioMs: 3000, deltaIntervalMs: 15 }],
    });
    const c = await ready(s);
    talk(c, 200);
    c.send({ type: 'response.create', event_id: 'rc_1' });
    await c.waitFor(
      (e) =>
        e.type === 'response.output_audio.delta' &&
        c.events.filter((x) => x.type === 'response.output_audio.delta').length >= 3,
    );
    const itemId = c.events.find((e) => e.type === 'response.output_item.added').item.id;
    const m = c.mark();
    c.send({ type: 'response.cancel', event_id: 'cancel_1' });
    c.send({
      type: 'conversation.item.truncate',
      event_id: 'trunc_1',
      item_id: itemId,
      content_index: 0,
      audio_end_ms: 120,
    });
    const truncated = await c.waitFor('conversation.item.truncated', m);
    expect(truncated).toMatchObject({ item_id: itemId, content_index: 0, audio_end_ms: 120 });
    const types = c
      .types(m)
      .filter((t) => t !== 'response.output_audio.delta' && t !== 'response.output_audio_transcript.delta');
    expect(types).toEqual([
      'response.output_audio.done',
      'response.output_audio_transcript.done',
      'response.content_part.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.done',
      'conversation.item.truncated',
    ]);
    const itemDone = c.events.slice(m).find((e) => e.type === 'response.output_item.done');
    expect(itemDone.item.status).toBe('incomplete');
    const done = c.events.slice(m).find((e) => e.type === 'response.done').response;
    expect(done.status).toBe('cancelled');
    expect(done.status_details).toEqual({ type: 'cancelled', reason: 'client_cancelled' });
    // No deltas after response.done.
    await new Promise((r) => setTimeout(r, 80));
    const after = c.types(c.events.findIndex((e) => e === c.events.slice(m).find((x) => x.type === 'response.done')));
    expect(after.filter((t) => t.endsWith('.delta'))).toEqual([]);
    expect(s.connections[0]!.truncations).toEqual([
      expect.objectContaining({ itemId, audioEndMs: 120, contentIndex: 0 }),
    ]);
    // A second cancel has nothing to cancel.
    c.send({ type: 'response.cancel', event_id: 'cancel_2' });
    const err = await c.waitFor('error');
    expect(err.error).toMatchObject({ code: 'response_cancel_not_active', event_id: 'cancel_2' });
  });

  it('6.4 notification during an active response: create conflicts; after response.done it works', async () => {
    const s = await start({
      replies: [
        { text: 'Working on it, one moment please.', audioMs: 1200, deltaIntervalMs: 10 },
        { text: 'Task one finished.' },
      ],
    });
    const c = await ready(s);
    c.send({ type: 'response.create', event_id: 'rc_1' });
    const created = await c.waitFor('response.created');
    c.send({
      type: 'conversation.item.create',
      event_id: 'note_1',
      item: { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'Task 1 finished.' }] },
    });
    c.send({ type: 'response.create', event_id: 'rc_wrong', response: { metadata: { kind: 'task_notification' } } });
    const err = await c.waitFor('error');
    expect(err.error).toMatchObject({ code: 'conversation_already_has_active_response', event_id: 'rc_wrong' });
    expect(err.error.message).toContain(created.response.id);
    const added = c.events.find((e) => e.type === 'conversation.item.added' && e.item.role === 'system');
    expect(added.item.content).toEqual([{ type: 'input_text', text: 'Task 1 finished.' }]);
    await c.waitFor('response.done');
    expect(c.events.filter((e) => e.type === 'response.created')).toHaveLength(1);
    const m = c.mark();
    c.send({
      type: 'response.create',
      event_id: 'rc_note',
      response: {
        instructions: 'Say that task 1 finished.',
        tool_choice: 'none',
        metadata: { kind: 'task_notification', task_id: '1' },
      },
    });
    const created2 = await c.waitFor('response.created', m);
    expect(created2.response.metadata).toEqual({ kind: 'task_notification', task_id: '1' });
    const done2 = await c.waitFor('response.done', m);
    expect(done2.response.metadata).toEqual({ kind: 'task_notification', task_id: '1' });
    expect(done2.response.output[0].content[0].transcript).toBe('Task one finished.');
    const rec = s.connections[0]!.responses[1]!;
    expect(rec).toMatchObject({
      instructions: 'Say that task 1 finished.',
      toolChoice: 'none',
      eventId: 'rc_note',
      status: 'completed',
    });
    // Only the deliberate conflict was reported.
    expect(s.allErrors().map((e) => e.error.code)).toEqual(['conversation_already_has_active_response']);
  });
});

// ---------------------------------------------------------------------------------------------
// Input buffer, items, errors
// ---------------------------------------------------------------------------------------------

describe('input buffer', () => {
  it('commit under 100 ms: input_audio_buffer_commit_empty with the measured ms, no committed', async () => {
    const s = await start();
    const c = await ready(s);
    c.send({ type: 'input_audio_buffer.append', audio: silence(50) });
    c.send({ type: 'input_audio_buffer.commit', event_id: 'commit_short' });
    const err = await c.waitFor('error');
    expect(err.error).toMatchObject({ code: 'input_audio_buffer_commit_empty', event_id: 'commit_short' });
    expect(err.error.message).toBe(
      'Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has 50.00ms of audio.',
    );
    // The 50 ms stay in the buffer: 50 more make a valid commit.
    c.send({ type: 'input_audio_buffer.append', audio: silence(50) });
    c.send({ type: 'input_audio_buffer.commit', event_id: 'commit_ok' });
    await c.waitFor('input_audio_buffer.committed');
    // An immediate second commit has 0 ms since the last one.
    c.send({ type: 'input_audio_buffer.commit', event_id: 'commit_again' });
    const err2 = await c.waitFor((e) => e.error?.event_id === 'commit_again');
    expect(err2.error.message).toContain('buffer only has 0.00ms of audio.');
    expect(c.events.filter((e) => e.type === 'input_audio_buffer.committed')).toHaveLength(1);
  });

  it('commit waits committedDelayMs; clear answers cleared', async () => {
    const s = await start({ committedDelayMs: 120 });
    const c = await ready(s);
    c.send({ type: 'input_audio_buffer.append', audio: silence(200) });
    c.send({ type: 'input_audio_buffer.clear' });
    await c.waitFor('input_audio_buffer.cleared');
    c.send({ type: 'input_audio_buffer.commit', event_id: 'c_empty' });
    expect((await c.waitFor('error')).error.code).toBe('input_audio_buffer_commit_empty');
    c.send({ type: 'input_audio_buffer.append', audio: silence(100) });
    const t0 = Date.now();
    c.send({ type: 'input_audio_buffer.commit', event_id: 'c_ok' });
    await c.waitFor('input_audio_buffer.committed');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
  });

  it('server VAD left on: the fake commits and answers on its own, the client commit then fails', async () => {
    const s = await start({ replies: [{ text: 'Auto answer.' }] });
    const c = await connect(s);
    await c.waitFor('session.created');
    for (let i = 0; i < 5; i++) c.send({ type: 'input_audio_buffer.append', audio: loud(100) });
    for (let i = 0; i < 2; i++) c.send({ type: 'input_audio_buffer.append', audio: silence(100) });
    c.send({ type: 'input_audio_buffer.commit', event_id: 'ptt_commit' });
    c.send({ type: 'response.create', event_id: 'ptt_rc' });
    await c.waitFor('response.done');
    const types = c.types();
    expect(types.slice(0, 3)).toEqual([
      'session.created',
      'input_audio_buffer.speech_started',
      'input_audio_buffer.speech_stopped',
    ]);
    const errs = s.allErrors().map((e) => [e.error.code, e.error.event_id]);
    expect(errs).toEqual([
      ['input_audio_buffer_commit_empty', 'ptt_commit'],
      ['conversation_already_has_active_response', 'ptt_rc'],
    ]);
    expect(s.connections[0]!.notes.join('\n')).toMatch(/turn_detection/);
  });
});

describe('conversation items', () => {
  it('validates item shapes and previous_item_id; inserts at root', async () => {
    const s = await start();
    const c = await ready(s);
    const bad: [string, Record<string, unknown>, string, string][] = [
      [
        'i1',
        { type: 'message', role: 'system', content: [{ type: 'output_text', text: 'x' }] },
        'invalid_value',
        'item.content[0].type',
      ],
      [
        'i2',
        { type: 'message', role: 'assistant', content: [{ type: 'output_audio', transcript: 'x' }] },
        'invalid_value',
        'item.content[0].type',
      ],
      [
        'i3',
        { type: 'message', role: 'user', content: [{ type: 'text', text: 'x' }] },
        'invalid_value',
        'item.content[0].type',
      ],
      [
        'i4',
        { type: 'function_call_output', call_id: 'call_nope1234567890', output: '{}' },
        'invalid_value',
        'item.call_id',
      ],
      ['i5', { type: 'message', role: 'user' }, 'missing_required_parameter', 'item.content'],
    ];
    for (const [id, item, code, param] of bad) {
      c.send({ type: 'conversation.item.create', event_id: id, item });
      const err = await c.waitFor((e) => e.error?.event_id === id);
      expect(err.error).toMatchObject({ code, param });
    }
    c.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'one' }] },
    });
    const a1 = await c.waitFor('conversation.item.done');
    expect(a1.previous_item_id).toBeNull();
    c.send({
      type: 'conversation.item.create',
      event_id: 'p_bad',
      previous_item_id: 'item_missing',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'x' }] },
    });
    expect((await c.waitFor((e) => e.error?.event_id === 'p_bad')).error.param).toBe('previous_item_id');
    c.send({
      type: 'conversation.item.create',
      previous_item_id: 'root',
      item: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'zero' }] },
    });
    await c.waitFor((e) => e.type === 'conversation.item.done' && e.item.role === 'assistant');
    const conn = s.connections[0]!;
    expect(conn.items.map((i) => i.content[0].text)).toEqual(['zero', 'one']);
    expect(conn.previousItemId(a1.item.id)).toBe(conn.items[0].id);
    expect(conn.errorsSent).toHaveLength(6);
  });

  it('truncate: past the end fails with the real message; non-audio items fail', async () => {
    const s = await start({ replies: [{ text: 'Short.', audioMs: 300 }] });
    const c = await ready(s);
    c.send({ type: 'response.create', event_id: 'rc_1' });
    const done = await c.waitFor('response.done');
    const itemId = done.response.output[0].id;
    c.send({
      type: 'conversation.item.truncate',
      event_id: 't_far',
      item_id: itemId,
      content_index: 0,
      audio_end_ms: 500,
    });
    const err = await c.waitFor((e) => e.error?.event_id === 't_far');
    expect(err.error.message).toBe('Audio content of 300ms is already shorter than 500ms');
    c.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
    });
    const user = await c.waitFor((e) => e.type === 'conversation.item.done' && e.item.role === 'user');
    c.send({
      type: 'conversation.item.truncate',
      event_id: 't_user',
      item_id: user.item.id,
      content_index: 0,
      audio_end_ms: 0,
    });
    expect((await c.waitFor((e) => e.error?.event_id === 't_user')).error.message).toBe(
      'Only model output audio messages can be truncated',
    );
    c.send({
      type: 'conversation.item.truncate',
      event_id: 't_ok',
      item_id: itemId,
      content_index: 0,
      audio_end_ms: 300,
    });
    await c.waitFor('conversation.item.truncated');
    expect(s.connections[0]!.truncations.map((t) => t.audioEndMs)).toEqual([300]);
  });

  it('function_call_output with an unknown call_id is rejected (even one from another session)', async () => {
    const s = await start({ replies: [{ functionCalls: [{ name: 'list_tasks', arguments: '{}' }] }] });
    const c1 = await ready(s);
    c1.send({ type: 'response.create' });
    const callId = (await c1.waitFor('response.done')).response.output[0].call_id;
    const c2 = await ready(s);
    c2.send({
      type: 'conversation.item.create',
      event_id: 'fco_stale',
      item: { type: 'function_call_output', call_id: callId, output: 'done' },
    });
    const err = await c2.waitFor('error');
    expect(err.error).toMatchObject({ code: 'invalid_value', param: 'item.call_id', event_id: 'fco_stale' });
    c1.send({
      type: 'conversation.item.create',
      item: { type: 'function_call_output', call_id: callId, output: 'done' },
    });
    await c1.waitFor((e) => e.type === 'conversation.item.done' && e.item.type === 'function_call_output');
    c1.send({
      type: 'conversation.item.create',
      event_id: 'fco_obj',
      item: { type: 'function_call_output', call_id: callId, output: { ok: true } },
    });
    expect((await c1.waitFor((e) => e.error?.event_id === 'fco_obj')).error.code).toBe('invalid_type');
  });
});

describe('responses', () => {
  it('response.done failed with rate_limit_exceeded', async () => {
    const msg =
      'Rate limit reached for gpt-realtime on tokens per min (TPM): Limit 40000, Used 39000, Requested 8196. Please try again in 1.2s. Visit the rate-limits page to learn more.';
    const s = await start({ replies: [{ fail: { code: 'rate_limit_exceeded', message: msg, type: 'tokens' } }] });
    const c = await ready(s);
    c.send({ type: 'response.create', event_id: 'rc_1' });
    const done = await c.waitFor('response.done');
    expect(c.types(2)).toEqual(['response.created', 'response.done']);
    expect(done.response).toMatchObject({
      status: 'failed',
      output: [],
      status_details: { type: 'failed', error: { type: 'tokens', code: 'rate_limit_exceeded', message: msg } },
    });
    const rl = await c.waitFor('rate_limits.updated');
    expect(rl.rate_limits[0].remaining).toBe(0);
    expect(s.allErrors()).toEqual([]);
    // The slot is free again.
    c.send({ type: 'response.create', event_id: 'rc_2' });
    await c.waitFor((e) => e.type === 'response.done' && e.response.status === 'completed');
  });

  it('replyFor answers a typed request with a tool call; undeclared tools are not called', async () => {
    const s = await start({
      replyFor: ({ lastUserText, lastToolOutputs }) => {
        if (lastToolOutputs.length) return { text: `Done: ${lastToolOutputs[0]!.output}` };
        if (lastUserText?.includes('start a task'))
          return {
            functionCalls: [
              { name: 'spawn_task', arguments: { prompt: 'x' } },
              { name: 'nuke', arguments: {} },
            ],
          };
        return undefined;
      },
    });
    const c = await ready(s);
    c.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'please start a task' }] },
    });
    c.send({ type: 'response.create' });
    const done = await c.waitFor('response.done');
    expect(done.response.output.map((o: any) => o.name)).toEqual(['spawn_task']);
    expect(s.connections[0]!.notes.join('\n')).toMatch(/undeclared tool 'nuke'/);
    const m = c.mark();
    c.send({
      type: 'conversation.item.create',
      item: { type: 'function_call_output', call_id: done.response.output[0].call_id, output: 'task 7' },
    });
    c.send({ type: 'response.create' });
    const done2 = await c.waitFor('response.done', m);
    expect(done2.response.output[0].content[0].transcript).toBe('Done: task 7');
  });

  it('text modality emits output_text events', async () => {
    const s = await start({ replies: [{ text: 'Plain text reply.' }] });
    const c = await ready(s);
    c.send({ type: 'response.create', response: { output_modalities: ['text'] } });
    const done = await c.waitFor('response.done');
    expect(c.types()).toContain('response.output_text.delta');
    expect(c.types()).not.toContain('response.output_audio.delta');
    expect(done.response.output[0].content).toEqual([{ type: 'output_text', text: 'Plain text reply.' }]);
  });
});

// ---------------------------------------------------------------------------------------------
// Lifetime, drops, knobs
// ---------------------------------------------------------------------------------------------

describe('lifetime and knobs', () => {
  it('session_expired at the end of the lifetime, then close', async () => {
    const s = await start({ sessionLifetimeMs: 150 });
    const c = await connect(s);
    const created = await c.waitFor('session.created');
    expect(Math.abs(created.session.expires_at - Date.now() / 1000)).toBeLessThan(2);
    const closed = await c.closed;
    const err = c.events.find((e) => e.type === 'error');
    expect(err.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'session_expired',
      message: 'Your session hit the maximum duration of 60 minutes.',
      param: null,
      event_id: null,
    });
    expect(closed.code).toBe(1001);
  });

  it('expireAll forces expiry now', async () => {
    const s = await start();
    const c = await connect(s);
    await c.waitFor('session.created');
    s.expireAll();
    await c.closed;
    expect(c.events.at(-1).error.code).toBe('session_expired');
  });

  it('drop mid-response after N audio deltas: the client sees 1006', async () => {
    const s = await start({
      replies: [{ text: 'This will be cut off mid sentence.', audioMs: 2000, dropAfterDeltas: 2 }],
    });
    const c = await ready(s);
    c.send({ type: 'response.create' });
    const closed = await c.closed;
    expect(closed.code).toBe(1006);
    expect(c.events.filter((e) => e.type === 'response.output_audio.delta')).toHaveLength(2);
    expect(c.types()).not.toContain('response.done');
    expect(s.connections[0]!.closed).toBe(true);
    expect(s.connections[0]!.responses[0]!.status).toBe('dropped');
  });

  it('dropAll drops at once; a reconnect is a fresh session', async () => {
    const s = await start();
    const c = await ready(s);
    s.dropAll();
    expect((await c.closed).code).toBe(1006);
    const c2 = await connect(s);
    const created = await c2.waitFor('session.created');
    expect(created.session.audio.input.turn_detection.type).toBe('server_vad');
    expect((await s.waitForConnection(2)).items).toEqual([]);
  });

  it('injectError sends an error (optionally closing); frame delay holds frames back', async () => {
    const s = await start();
    const c = await ready(s);
    s.injectError({ code: 'server_error', message: 'boom', type: 'server_error' });
    expect((await c.waitFor('error')).error).toMatchObject({
      code: 'server_error',
      type: 'server_error',
      event_id: null,
    });
    s.setFrameDelay(120);
    const t0 = Date.now();
    c.send({ type: 'input_audio_buffer.clear' });
    await c.waitFor('input_audio_buffer.cleared');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
    s.setFrameDelay(0);
    s.injectError({ code: 'fatal_thing', message: 'bye' }, { close: 4001 });
    expect(await c.closed).toEqual({ code: 4001, reason: 'invalid_request_error.fatal_thing' });
  });

  it('waitForClientEvent sees past and future events with their connection', async () => {
    const s = await start();
    const c = await ready(s);
    const past = await s.waitForClientEvent((e) => e.type === 'session.update');
    expect(past.event_id).toBe('cfg_1');
    const future = s.waitForClientEvent((e, conn) => e.type === 'input_audio_buffer.clear' && conn.id === 1);
    c.send({ type: 'input_audio_buffer.clear', event_id: 'clr' });
    expect((await future).event_id).toBe('clr');
    const conn = s.connections[0]!;
    expect(conn.received.map((r) => r.event.type)).toEqual(['session.update', 'input_audio_buffer.clear']);
    expect(typeof conn.received[0]!.at).toBe('number');
    await expect(s.waitForConnection(3, 50)).rejects.toThrow(/timed out/);
  });
});

describe('more response rules', () => {
  it('numeric max_output_tokens ends the response incomplete', async () => {
    const s = await start({ replies: [{ text: 'A rather long answer.', audioMs: 2000 }] });
    const c = await ready(s);
    c.send({ type: 'response.create', response: { max_output_tokens: 10 } });
    const done = await c.waitFor('response.done');
    expect(done.response.status).toBe('incomplete');
    expect(done.response.status_details).toEqual({ type: 'incomplete', reason: 'max_output_tokens' });
    expect(done.response.output[0].status).toBe('incomplete');
    expect(done.response.usage.output_tokens).toBeLessThanOrEqual(10);
  });

  it('a scripted transcription failure emits ...transcription.failed', async () => {
    const s = await start({
      userTranscripts: [{ fail: { code: 'audio_unintelligible', message: 'The audio could not be transcribed.' } }],
      transcriptionDelayMs: 10,
    });
    const c = await ready(s);
    talk(c, 200);
    const failed = await c.waitFor('conversation.item.input_audio_transcription.failed');
    expect(failed.error).toMatchObject({ type: 'transcription_error', code: 'audio_unintelligible' });
    expect(failed.item_id).toBe(c.events.find((e) => e.type === 'input_audio_buffer.committed').item_id);
  });

  it('replyFor sees new user text, tool outputs and system notes only once', async () => {
    const seen: any[] = [];
    const s = await start({
      userTranscripts: ['start a task'],
      replyFor: (ctx) => {
        seen.push({
          user: ctx.newUserText,
          last: ctx.lastUserText,
          sys: ctx.newSystemTexts,
          tools: ctx.lastToolOutputs.length,
        });
        return undefined;
      },
    });
    const c = await ready(s);
    talk(c, 200);
    c.send({ type: 'response.create' });
    await c.waitFor('response.done');
    c.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'Task 1 finished.' }] },
    });
    const m = c.mark();
    c.send({ type: 'response.create' });
    await c.waitFor('response.done', m);
    expect(seen).toEqual([
      { user: 'start a task', last: 'start a task', sys: [], tools: 0 },
      { user: undefined, last: 'start a task', sys: ['Task 1 finished.'], tools: 0 },
    ]);
  });

  it('response.cancel while the response waits for a pending commit still reports created + done cancelled', async () => {
    const s = await start({ committedDelayMs: 100 });
    const c = await ready(s);
    talk(c, 200);
    c.send({ type: 'response.create', event_id: 'rc_1' });
    c.send({ type: 'response.cancel', event_id: 'cx_1' });
    const done = await c.waitFor('response.done');
    expect(done.response.status).toBe('cancelled');
    await new Promise((r) => setTimeout(r, 150));
    expect(c.types().filter((t) => t.startsWith('response.'))).toEqual(['response.created', 'response.done']);
    expect(s.allErrors()).toEqual([]);
  });
});

describe('CLI launcher', () => {
  it('prints its URL, follows rules, logs client events and errors as JSONL, obeys stdin commands', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-rt-'));
    const scriptPath = join(dir, 'script.json');
    const logPath = join(dir, 'log.jsonl');
    writeFileSync(
      scriptPath,
      JSON.stringify({
        options: { pingIntervalMs: 0 },
        rules: [
          {
            when: 'user',
            match: 'start (a )?task',
            reply: { functionCalls: [{ name: 'spawn_task', arguments: { prompt: '${user}' } }] },
          },
        ],
        replies: [{ text: 'Fallback.' }],
      }),
    );
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/helpers/fake-realtime-server-cli.ts',
        '--port',
        '0',
        '--script',
        scriptPath,
        '--log',
        logPath,
      ],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    try {
      const lines = createInterface({ input: child.stdout! });
      const next = (): Promise<any> => new Promise((resolve) => lines.once('line', (l) => resolve(JSON.parse(l))));
      const hello = await next();
      expect(hello.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v1\/realtime$/);
      const ws = new WebSocket(`${hello.url}?model=gpt-realtime`, { headers: { Authorization: 'Bearer test-key' } });
      const c = new RawClient(ws);
      clients.push(c);
      await c.waitFor('session.created', 0, 8000);
      c.send({ type: 'session.update', event_id: 'cfg_1', session: PTT_SESSION });
      await c.waitFor('session.updated');
      c.send({
        type: 'conversation.item.create',
        item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'please start a task now' }] },
      });
      c.send({ type: 'response.create', event_id: 'rc_1' });
      const done = await c.waitFor('response.done');
      expect(done.response.output[0]).toMatchObject({
        name: 'spawn_task',
        arguments: JSON.stringify({ prompt: 'please start a task now' }),
      });
      c.send({ type: 'input_audio_buffer.commit', event_id: 'commit_bad' });
      await c.waitFor('error');
      child.stdin!.write('status\n');
      const status = await next();
      expect(status.connections[0]).toMatchObject({ id: 1, errors: 1 });
      child.stdin!.write('drop\n');
      expect((await c.closed).code).toBe(1006);
      const log = readFileSync(logPath, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(log.filter((e) => e.kind === 'client_event').map((e) => e.data.type)).toEqual([
        'session.update',
        'conversation.item.create',
        'response.create',
        'input_audio_buffer.commit',
      ]);
      expect(log.filter((e) => e.kind === 'error_sent').map((e) => e.data.error.code)).toEqual([
        'input_audio_buffer_commit_empty',
      ]);
    } finally {
      child.kill('SIGTERM');
    }
  }, 20_000);
});

describe('details', () => {
  it('audio deltas are 40–100 ms each and total audioMs for any duration', async () => {
    const durations = [70, 130, 300, 333, 1010];
    const s = await start({ replies: durations.map((audioMs) => ({ text: 'Some words here.', audioMs })) });
    const c = await ready(s);
    for (const ms of durations) {
      const m = c.mark();
      c.send({ type: 'response.create' });
      await c.waitFor('response.done', m);
      const sizes = c.events
        .slice(m)
        .filter((e) => e.type === 'response.output_audio.delta')
        .map((e) => Buffer.from(e.delta, 'base64').length / 48);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(ms);
      if (ms >= 40) for (const x of sizes) expect(x).toBeGreaterThanOrEqual(40);
      for (const x of sizes) expect(x).toBeLessThanOrEqual(100);
    }
  });

  it('switching turn_detection type replaces the object instead of merging fields', async () => {
    const s = await start();
    const c = await connect(s);
    await c.waitFor('session.created');
    c.send({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { turn_detection: { type: 'semantic_vad', eagerness: 'low' } } } },
    });
    const u = await c.waitFor('session.updated');
    expect(u.session.audio.input.turn_detection).toEqual({
      type: 'semantic_vad',
      eagerness: 'low',
      create_response: true,
      interrupt_response: true,
    });
    expect(s.allNotes().join('\n')).toMatch(/semantic_vad/);
  });
});
