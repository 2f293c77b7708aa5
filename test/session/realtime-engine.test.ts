/**
 * The Realtime engine driven through the recording transport: no socket, server events scripted
 * synchronously, every client event recorded in order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RealtimeEngine, type RealtimeEngineOptions } from '../../src/session/realtime/realtime-engine.js';
import type { ConnectionState, TranscriptEntry } from '../../src/session/types.js';
import { RecordingNetwork, type RecordingTransport } from '../helpers/recording-transport.js';
import { FakeAudioOutput, FakeToolHost, pcm, until } from '../helpers/voice-doubles.js';

interface Rig {
  engine: RealtimeEngine;
  net: RecordingNetwork;
  host: FakeToolHost;
  audio: FakeAudioOutput;
  states: ConnectionState[];
  transcript: TranscriptEntry[];
  infos: string[];
  errors: Error[];
}

const open: RealtimeEngine[] = [];
afterEach(async () => {
  for (const e of open.splice(0)) await e.close();
});

function rig(opts: Partial<RealtimeEngineOptions> = {}): Rig {
  const net = new RecordingNetwork();
  const host = new FakeToolHost();
  const audio = new FakeAudioOutput(1);
  const engine = new RealtimeEngine({
    apiKey: 'test-key',
    toolHost: host,
    audio,
    transport: net.factory,
    backoff: { initialMs: 1, maxMs: 1 },
    keepAliveMs: 0,
    ...opts,
  });
  open.push(engine);
  const r: Rig = { engine, net, host, audio, states: [], transcript: [], infos: [], errors: [] };
  engine.on('state', (s) => r.states.push(s));
  engine.on('transcript', (e) => r.transcript.push(e));
  engine.on('info', (m) => r.infos.push(m));
  engine.on('error', (e) => r.errors.push(e));
  return r;
}

/** One completed model response that calls `name` with `callId`. */
function functionCallResponse(t: RecordingTransport, responseId: string, callId: string, name = 'list_tasks'): void {
  const item = {
    id: `fc_${responseId}`,
    type: 'function_call',
    call_id: callId,
    name,
    arguments: '{}',
    status: 'completed',
  };
  t.server({ type: 'response.created', response: { id: responseId, status: 'in_progress', output: [] } });
  t.server({
    type: 'response.output_item.added',
    response_id: responseId,
    output_index: 0,
    item: { ...item, status: 'in_progress' },
  });
  t.server({ type: 'response.output_item.done', response_id: responseId, output_index: 0, item });
  t.server({ type: 'response.done', response: { id: responseId, status: 'completed', output: [item] } });
}

/** One completed spoken answer whose audio (`audioMs` long) is still playing locally. */
function spokenResponse(
  t: RecordingTransport,
  responseId: string,
  itemId: string,
  text: string,
  audioMs: number,
): void {
  const item = {
    id: itemId,
    type: 'message',
    role: 'assistant',
    status: 'completed',
    content: [{ type: 'output_audio', transcript: text }],
  };
  t.server({ type: 'response.created', response: { id: responseId, status: 'in_progress', output: [] } });
  t.server({
    type: 'response.output_item.added',
    response_id: responseId,
    output_index: 0,
    item: { ...item, content: [] },
  });
  t.server({ type: 'response.output_audio_transcript.delta', response_id: responseId, item_id: itemId, delta: text });
  t.server({
    type: 'response.output_audio.delta',
    response_id: responseId,
    item_id: itemId,
    delta: pcm(audioMs).toString('base64'),
  });
  t.server({
    type: 'response.output_audio_transcript.done',
    response_id: responseId,
    item_id: itemId,
    transcript: text,
  });
  t.server({
    type: 'response.done',
    response: {
      id: responseId,
      status: 'completed',
      output: [item],
      usage: { total_tokens: 10, input_tokens: 4, output_tokens: 6 },
    },
  });
}

const isOutput = (callId: string) => (e: { type: string; item?: unknown }) =>
  e.type === 'conversation.item.create' && (e.item as { call_id?: string } | undefined)?.call_id === callId;

describe('Realtime engine through the recording transport (no socket)', () => {
  it('configures the session, sends a typed message and its response request, and shows the spoken answer', () => {
    const r = rig();
    r.engine.start();
    expect(r.states.at(-1)?.kind).toBe('connecting');
    const t = r.net.last().handshake('sess_a');
    expect(r.engine.state()).toMatchObject({ kind: 'ready', sessionId: 'sess_a' });
    const update = t.sentOfType('session.update')[0]!;
    expect(update.session.type).toBe('realtime');
    expect((update.session as { tools?: { name: string }[] }).tools?.map((x) => x.name)).toEqual([
      'spawn_task',
      'list_tasks',
      'cancel_task',
    ]);

    r.engine.sendText('what is running?');
    expect(t.sentTypes().slice(-2)).toEqual(['conversation.item.create', 'response.create']);
    spokenResponse(t, 'resp_1', 'item_1', 'Nothing is running.', 100);
    const answer = r.transcript.filter((e) => e.id === 'item_1').at(-1);
    expect(answer).toMatchObject({ role: 'assistant', text: 'Nothing is running.', final: true });
    expect(r.transcript.some((e) => e.role === 'user' && e.text === 'what is running?')).toBe(true);
    expect(r.errors).toEqual([]);
  });

  it('runs a function call through the tool host and answers it once, with one follow-up request', async () => {
    const r = rig();
    r.engine.start();
    const t = r.net.last().handshake();
    functionCallResponse(t, 'resp_1', 'call_1');
    expect(r.host.calls.map((c) => c.callId)).toEqual(['call_1']);
    await until(() => t.sent.some(isOutput('call_1')), 'the function_call_output');
    expect(t.sentTypes().filter((x) => x === 'response.create')).toHaveLength(1);
    expect(r.errors).toEqual([]);
  });

  it('executes a tool call at most once per engine lifetime: the same call_id on a later connection is not run again', async () => {
    const r = rig();
    r.engine.start();
    const first = r.net.last().handshake('sess_1');
    functionCallResponse(first, 'resp_1', 'call_same');
    await until(() => first.sent.some(isOutput('call_same')), 'the first output');
    expect(r.host.calls).toHaveLength(1);

    first.drop();
    await until(() => r.net.connections.length === 2, 'a reconnect');
    const second = r.net.last().handshake('sess_2');
    expect(r.engine.state().kind).toBe('ready');
    functionCallResponse(second, 'resp_9', 'call_same');
    expect(r.host.calls).toHaveLength(1);
    expect(second.sent.some(isOutput('call_same'))).toBe(false);
  });

  it('a typed message while an answer is still playing truncates the heard part before asking for the next answer', async () => {
    const r = rig();
    r.engine.start();
    const t = r.net.last().handshake();
    spokenResponse(t, 'resp_1', 'item_long', 'A long answer that keeps going.', 3000);
    expect(r.audio.isPlaying()).toBe(true);

    r.engine.sendText('stop, do this instead');
    await until(
      () => t.sentTypes().includes('conversation.item.truncate') && t.sentTypes().includes('response.create'),
      'truncate and response.create',
    );
    const types = t.sentTypes();
    expect(types.indexOf('conversation.item.truncate')).toBeLessThan(types.lastIndexOf('response.create'));
    const trunc = t.sentOfType('conversation.item.truncate')[0]!;
    expect(trunc.item_id).toBe('item_long');
    expect(trunc.audio_end_ms).toBeLessThan(3000);
    // The user's words follow the cut, and the answer request follows the words.
    const words = t.sent.findIndex(
      (e) => e.type === 'conversation.item.create' && e.item.type === 'message' && e.item.role === 'user',
    );
    expect(words).toBeGreaterThan(types.indexOf('conversation.item.truncate'));
    expect(types.lastIndexOf('response.create')).toBeGreaterThan(words);
  });
});
