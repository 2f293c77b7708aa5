import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { FakeRealtimeServer } from '../helpers/fake-realtime-server.js';
import { RealtimeClient, type CloseInfo, type ServerEvent } from '../../src/session/realtime-client.js';
import { sleep, until } from '../helpers/voice-doubles.js';

let server: FakeRealtimeServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

function collect(client: RealtimeClient): { events: ServerEvent[]; warnings: string[]; closes: CloseInfo[] } {
  const out = { events: [] as ServerEvent[], warnings: [] as string[], closes: [] as CloseInfo[] };
  client.on('event', (e) => out.events.push(e));
  client.on('warning', (w) => out.warnings.push(w));
  client.on('close', (c) => out.closes.push(c));
  return out;
}

describe('RealtimeClient', () => {
  it('opens with the bearer header, no deflate, and passes parsed events with a receive time', async () => {
    server = await FakeRealtimeServer.start({ pingIntervalMs: 0 });
    const client = new RealtimeClient({ apiKey: 'test-key', baseUrl: server.url, model: 'gpt-realtime' });
    const got = collect(client);
    let receivedAt = 0;
    client.on('event', (_e, at) => (receivedAt = at));
    client.connect();
    await until(() => got.events.length === 1, 'session.created');
    expect(got.events[0]!.type).toBe('session.created');
    expect(receivedAt).toBeGreaterThan(0);
    const conn = server.connections[0]!;
    expect(conn.authMethod).toBe('header');
    expect(conn.requestHeaders['sec-websocket-extensions']).toBeUndefined();
    expect(client.isOpen()).toBe(true);
    expect(client.send({ type: 'input_audio_buffer.clear' })).toBe(true);
    await server.waitForClientEvent((e) => e.type === 'input_audio_buffer.clear');
    client.close();
    await until(() => got.closes.length === 1, 'close');
    expect(got.closes[0]!.code).toBe(1000);
    expect(client.send({ type: 'input_audio_buffer.clear' })).toBe(false);
  });

  it('ignores binary and non-JSON frames with a warning; unknown types pass through', async () => {
    server = await FakeRealtimeServer.start({ pingIntervalMs: 0 });
    const client = new RealtimeClient({ apiKey: 'test-key', baseUrl: server.url });
    const got = collect(client);
    client.connect();
    const conn = await server.waitForConnection(1);
    await until(() => got.events.length === 1, 'session.created');
    conn.ws!.send('not json {');
    conn.ws!.send(Buffer.from([1, 2, 3]), { binary: true });
    conn.ws!.send('{"no_type":1}');
    conn.sendRaw({ type: 'some.future_event', extra: true });
    await until(() => got.events.length === 2, 'future event');
    expect(got.events[1]).toMatchObject({ type: 'some.future_event', extra: true });
    expect(got.warnings).toEqual([
      'ignored a frame that is not JSON',
      'ignored a binary frame',
      'ignored a frame without a type',
    ]);
    client.close();
  });

  it('reports the fatal close code and reason of a rejected key, and close exactly once', async () => {
    server = await FakeRealtimeServer.start({ pingIntervalMs: 0 });
    const client = new RealtimeClient({ apiKey: 'wrong', baseUrl: server.url });
    const got = collect(client);
    client.connect();
    await until(() => got.closes.length === 1, 'close');
    expect(got.events.map((e) => (e as { error?: { code?: string } }).error?.code)).toEqual(['invalid_api_key']);
    expect(got.closes[0]).toMatchObject({ code: 3000, reason: 'invalid_request_error.invalid_api_key' });
    client.close();
    expect(got.closes).toHaveLength(1);
  });

  it('a refused upgrade closes with the HTTP status', async () => {
    server = await FakeRealtimeServer.start({ pingIntervalMs: 0 });
    const client = new RealtimeClient({
      apiKey: 'test-key',
      baseUrl: server.url.replace('/v1/realtime', '/v1/elsewhere'),
    });
    const got = collect(client);
    client.connect();
    await until(() => got.closes.length === 1, 'close');
    expect(got.closes[0]!.httpStatus).toBe(404);
  });

  it('keep-alive: a peer that stops answering pings is dropped; a live one is kept', async () => {
    const mute = new WebSocketServer({ port: 0, host: '127.0.0.1', autoPong: false });
    await new Promise((r) => mute.once('listening', r));
    const port = (mute.address() as { port: number }).port;
    try {
      const client = new RealtimeClient({
        apiKey: 'k',
        baseUrl: `ws://127.0.0.1:${port}/v1/realtime`,
        keepAliveMs: 30,
      });
      const got = collect(client);
      client.connect();
      await until(() => got.closes.length === 1, 'dead socket dropped', 2000);
      expect(got.closes[0]!.code).toBe(1006);
      expect(got.warnings.some((w) => /no answer to a ping/.test(w))).toBe(true);
    } finally {
      for (const c of mute.clients) c.terminate();
      await new Promise((r) => mute.close(r));
    }
    server = await FakeRealtimeServer.start({ pingIntervalMs: 0 });
    const live = new RealtimeClient({ apiKey: 'test-key', baseUrl: server.url, keepAliveMs: 20 });
    const got = collect(live);
    live.connect();
    await sleep(250);
    expect(got.closes).toEqual([]);
    live.close();
  });
});
