import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  closeHarnesses,
  pcm,
  ready,
  responsesDone,
  setup,
  sleep,
  speak,
  types,
  until,
} from '../helpers/voice-doubles.js';
import type { ConnectionState } from '../../src/session/types.js';

afterEach(closeHarnesses);

describe('VoiceSession connection', () => {
  it('connects with the GA handshake and one session.update; ready only after session.updated', async () => {
    const h = await setup();
    expect(h.session.state().kind).toBe('closed');
    h.session.start();
    await ready(h);
    const conn = h.server.connections[0]!;
    expect(conn.requestUrl).toBe('/v1/realtime?model=gpt-realtime');
    expect(conn.requestHeaders.authorization).toBe('Bearer test-key');
    expect(conn.requestHeaders['openai-beta']).toBeUndefined();
    expect(conn.requestHeaders['sec-websocket-extensions']).toBeUndefined();
    const updates = conn.eventsOfType('session.update');
    expect(updates).toHaveLength(1);
    const s = updates[0].session;
    expect(s.type).toBe('realtime');
    expect(s.output_modalities).toEqual(['audio']);
    expect(s.audio.input.turn_detection).toBeNull();
    expect(s.audio.input.format).toEqual({ type: 'audio/pcm', rate: 24000 });
    expect(s.audio.input.transcription.model).toBe('gpt-4o-mini-transcribe');
    expect(s.audio.output.voice).toBe('marin');
    expect(s.tool_choice).toBe('auto');
    expect(s.tools.map((t: { name: string }) => t.name)).toEqual(['spawn_task', 'list_tasks', 'cancel_task']);
    expect(s.instructions).toContain('spawn_task');
    expect(conn.session.audio.input.turn_detection).toBeNull();
    expect(h.states.map((x) => x.kind)).toEqual(['connecting', 'ready']);
    const st = h.session.state();
    expect(st.kind === 'ready' && st.sessionId.startsWith('sess_')).toBe(true);
    expect(st.kind === 'ready' && st.expiresAt > Date.now()).toBe(true);
    expect(h.server.allErrors()).toEqual([]);
  });

  it('uses the model and voice options', async () => {
    const h = await setup({}, { model: 'gpt-realtime-1.5', voice: 'cedar' });
    h.session.start();
    await ready(h);
    expect(h.server.connections[0]!.requestUrl).toBe('/v1/realtime?model=gpt-realtime-1.5');
    expect(h.server.connections[0]!.session.audio.output.voice).toBe('cedar');
  });

  it('without an API key is disabled and never connects', async () => {
    const h = await setup({}, { apiKey: undefined });
    h.session.start();
    await sleep(50);
    expect(h.session.state().kind).toBe('disabled');
    expect(h.server.connections).toHaveLength(0);
    h.session.sendText('hello');
    expect(h.infos.some((m) => /not connected/i.test(m))).toBe(true);
  });

  it('invalid_api_key: failed state with a clear message, no retry', async () => {
    const h = await setup({ apiKey: 'the-right-key' });
    h.session.start();
    await until(() => h.session.state().kind === 'failed', 'failed');
    await sleep(200);
    expect(h.server.connections).toHaveLength(1);
    const st = h.session.state();
    expect(st.kind === 'failed' && /API key/.test(st.message)).toBe(true);
    // The app stays usable: calls are harmless no-ops with an info.
    speak(h);
    h.session.sendText('anyone there?');
    expect(h.infos.some((m) => /not connected/i.test(m))).toBe(true);
  });

  it('a fatal failure drops the turn and text that waited for the connection, and says so', async () => {
    const h = await setup({ apiKey: 'the-right-key', frameDelayMs: 30 });
    h.session.start();
    speak(h);
    h.session.sendText('anyone there?');
    expect(h.infos.filter((m) => /Still connecting/.test(m))).toHaveLength(2);
    await until(() => h.session.state().kind === 'failed', 'failed');
    expect(h.infos.some((m) => /was not sent/.test(m))).toBe(true);
    // A new press starts a new turn (not the held one): too short is too short.
    h.session.talkStart();
    h.session.appendAudio(pcm(40));
    h.session.talkEnd();
    expect(h.infos.at(-1)).toMatch(/Too short/);
  });

  it('invalid_model: failed, no retry', async () => {
    const h = await setup({}, { model: 'gpt-4o-realtime-preview' });
    h.session.start();
    await until(() => h.session.state().kind === 'failed', 'failed');
    await sleep(200);
    expect(h.server.connections).toHaveLength(1);
    const st = h.session.state();
    expect(st.kind === 'failed' && /model/i.test(st.message)).toBe(true);
  });

  it('beta_api_shape_disabled (OpenAI-Beta header is stripped; an injected one is fatal)', async () => {
    const h = await setup({}, { headers: { 'OpenAI-Beta': 'realtime=v1' } });
    h.session.start();
    await ready(h);
    expect(h.server.connections[0]!.requestHeaders['openai-beta']).toBeUndefined();
    h.server.injectError(
      { code: 'beta_api_shape_disabled', message: 'The Realtime Beta API is no longer supported.' },
      { close: 4000 },
    );
    await until(() => h.session.state().kind === 'failed', 'failed');
    await sleep(150);
    expect(h.server.connections).toHaveLength(1);
  });

  it('a rejected session.update fails loudly instead of running with server VAD', async () => {
    const h = await setup({}, { voice: 'robot' });
    h.session.start();
    await until(() => h.session.state().kind === 'failed', 'failed');
    const st = h.session.state();
    expect(st.kind === 'failed' && /rejected the session configuration/.test(st.message)).toBe(true);
    expect(h.errors.some((e) => /session\.audio\.output\.voice|Invalid value/.test(e.message))).toBe(true);
    await sleep(100);
    expect(h.server.connections).toHaveLength(1);
  });

  it('missing_model is fatal too', async () => {
    const h = await setup({}, { model: '' });
    h.session.start();
    await until(() => h.session.state().kind === 'failed', 'failed');
    expect(h.server.connections[0]!.errorsSent[0].error.code).toBe('missing_model');
  });

  it('reconnects with backoff while the server is unreachable, showing attempt and retryAt', async () => {
    const h = await setup({}, { baseUrl: 'ws://127.0.0.1:9/v1/realtime', backoff: { initialMs: 10, maxMs: 40 } });
    const seen: { at: number; s: ConnectionState }[] = [];
    h.session.on('state', (s) => seen.push({ at: Date.now(), s }));
    h.session.start();
    await until(() => seen.filter((x) => x.s.kind === 'reconnecting').length >= 6, 'several attempts');
    const rs = seen.filter((x) => x.s.kind === 'reconnecting').slice(0, 6);
    expect(rs.map((x) => (x.s.kind === 'reconnecting' ? x.s.attempt : 0))).toEqual([1, 2, 3, 4, 5, 6]);
    const delays = rs.map((x) => (x.s.kind === 'reconnecting' ? x.s.retryAt - x.at : 0));
    const expected = [10, 20, 40, 40, 40, 40];
    delays.forEach((d, i) => expect(Math.abs(d - expected[i]!)).toBeLessThanOrEqual(2));
    expect(rs.every((x) => x.s.kind === 'reconnecting' && !!x.s.lastError)).toBe(true);
  });
});

describe('VoiceSession turns (reference §6.1, §6.2)', () => {
  it('spoken turn: appends, commit with event_id, response.create, audio played, transcripts', async () => {
    const h = await setup({
      replies: [{ text: 'The highest mountain is Everest.' }],
      userTranscripts: ['What is the highest mountain?'],
    });
    h.session.start();
    await ready(h);
    speak(h, 300);
    await until(() => responsesDone(h) === 1, 'response.done');
    await until(() => !h.audio.isPlaying(), 'drained');
    const t = types(h).filter((x) => x !== 'session.update' && x !== 'conversation.item.create');
    const firstCommit = t.indexOf('input_audio_buffer.commit');
    expect(t.slice(0, firstCommit).every((x) => x === 'input_audio_buffer.append')).toBe(true);
    expect(t.slice(firstCommit)).toEqual(['input_audio_buffer.commit', 'response.create']);
    const conn = h.server.connections[0]!;
    // The first turn carries the task board as one system item, before the user's audio item.
    const board = conn.eventsOfType('conversation.item.create');
    expect(board).toHaveLength(1);
    expect(board[0].item).toMatchObject({
      role: 'system',
      content: [{ type: 'input_text', text: 'Task board changed: No tasks yet.' }],
    });
    const userIdx = conn.items.findIndex((i) => i.role === 'user');
    expect(conn.items[userIdx - 1]?.role).toBe('system');
    expect(conn.eventsOfType('input_audio_buffer.commit')[0].event_id).toMatch(/^commit_/);
    expect(conn.eventsOfType('response.create')[0].event_id).toMatch(/^rc/);
    const assistantItem = conn.items.find((i) => i.role === 'assistant')!;
    expect(h.audio.playedBytes.get(assistantItem.id)).toBeGreaterThan(0);
    await until(() => h.session.transcriptEntries().some((e) => e.role === 'user' && e.final), 'user transcript');
    const entries = h.session.transcriptEntries();
    expect(entries.find((e) => e.role === 'user')?.text).toBe('What is the highest mountain?');
    expect(entries.find((e) => e.role === 'assistant')).toMatchObject({
      text: 'The highest mountain is Everest.',
      final: true,
    });
    // Streaming entries were re-emitted with the same id before the final one.
    const assistantEvents = h.transcript.filter((e) => e.id === assistantItem.id);
    expect(assistantEvents.length).toBeGreaterThan(1);
    expect(assistantEvents.at(-1)!.final).toBe(true);
    expect(h.server.allErrors()).toEqual([]);
    expect(h.server.allNotes()).toEqual([]);
  });

  it('too short: clear + info, never the server commit-empty error', async () => {
    const h = await setup();
    h.session.start();
    await ready(h);
    h.session.talkStart();
    h.session.appendAudio(pcm(60));
    h.session.talkEnd();
    await h.server.waitForClientEvent((e) => e.type === 'input_audio_buffer.clear');
    await sleep(30);
    expect(types(h)).not.toContain('input_audio_buffer.commit');
    expect(types(h)).not.toContain('response.create');
    expect(h.infos.some((m) => /too short/i.test(m))).toBe(true);
    // exactly 100 ms is enough
    speak(h, 100);
    await until(() => responsesDone(h) === 1, 'response');
    expect(h.server.allErrors()).toEqual([]);
  });

  it('talkDiscard clears the buffer and sends nothing else', async () => {
    const h = await setup();
    h.session.start();
    await ready(h);
    h.session.talkStart();
    h.session.appendAudio(pcm(400));
    h.session.talkDiscard();
    await h.server.waitForClientEvent((e) => e.type === 'input_audio_buffer.clear');
    expect(types(h)).not.toContain('input_audio_buffer.commit');
    expect(h.server.allErrors()).toEqual([]);
  });

  it('audio spoken while connecting is kept and sent once ready', async () => {
    const h = await setup({ frameDelayMs: 30 });
    h.session.start();
    h.session.talkStart();
    h.session.appendAudio(pcm(200));
    h.session.talkEnd();
    await until(() => responsesDone(h) === 1, 'response after connect');
    const t = types(h);
    expect(t.indexOf('session.update')).toBeLessThan(t.indexOf('input_audio_buffer.append'));
    expect(h.server.allErrors()).toEqual([]);
  });

  it('typed text: user input_text item then response.create', async () => {
    const h = await setup({ replies: [{ text: 'Sure.' }] });
    h.session.start();
    await ready(h);
    h.session.sendText('list my tasks please');
    await until(() => responsesDone(h) === 1, 'response');
    const conn = h.server.connections[0]!;
    const creates = conn.eventsOfType('conversation.item.create');
    const userItem = creates.find((c) => c.item.role === 'user');
    expect(userItem.item.content).toEqual([{ type: 'input_text', text: 'list my tasks please' }]);
    expect(h.server.allErrors()).toEqual([]);
  });

  it('tool call: executed once, output sent, ONE response.create after response.done', async () => {
    const h = await setup({
      replies: [
        { text: 'Starting it.', functionCalls: [{ name: 'spawn_task', arguments: { prompt: 'fix the flaky test' } }] },
        { text: 'Task one is running.' },
      ],
    });
    h.session.start();
    await ready(h);
    speak(h);
    await until(() => responsesDone(h) === 2, 'follow-up response');
    const conn = h.server.connections[0]!;
    expect(h.host.calls).toHaveLength(1);
    expect(h.host.calls[0]!.name).toBe('spawn_task');
    expect(JSON.parse(h.host.calls[0]!.argsJson)).toEqual({ prompt: 'fix the flaky test' });
    const fco = conn.eventsOfType('conversation.item.create').filter((c) => c.item.type === 'function_call_output');
    expect(fco).toHaveLength(1);
    expect(fco[0].item.call_id).toBe(h.host.calls[0]!.callId);
    expect(typeof fco[0].item.output).toBe('string');
    const creates = conn.received.filter((r) => r.event.type === 'response.create');
    expect(creates).toHaveLength(2);
    // The follow-up create came after the tool-calling response's response.done.
    const firstDone = conn.sent.find((s) => s.event.type === 'response.done')!;
    expect(creates[1]!.at).toBeGreaterThanOrEqual(firstDone.at);
    const fcoAt = conn.received.find((r) => r.event.item?.type === 'function_call_output')!.at;
    expect(creates[1]!.at).toBeGreaterThanOrEqual(fcoAt);
    await sleep(50);
    expect(conn.eventsOfType('response.create')).toHaveLength(2);
    expect(
      h.session.transcriptEntries().some((e) => e.role === 'tool' && e.final && e.text.includes('spawn_task')),
    ).toBe(true);
    expect(h.server.allErrors()).toEqual([]);
  });

  it('several calls in one response: every output, then a single response.create', async () => {
    const h = await setup({
      replies: [
        {
          functionCalls: [
            { name: 'spawn_task', arguments: { prompt: 'a' } },
            { name: 'spawn_task', arguments: { prompt: 'b' } },
            { name: 'list_tasks', arguments: {} },
          ],
        },
        { text: 'Done.' },
      ],
    });
    h.host.delayMs = (c) => (c.name === 'list_tasks' ? 60 : 5);
    h.session.start();
    await ready(h);
    h.session.sendText('do three things');
    await until(() => responsesDone(h) === 2, 'follow-up');
    await sleep(40);
    const conn = h.server.connections[0]!;
    expect(h.host.calls).toHaveLength(3);
    expect(
      conn.eventsOfType('conversation.item.create').filter((c) => c.item.type === 'function_call_output'),
    ).toHaveLength(3);
    expect(conn.eventsOfType('response.create')).toHaveLength(2);
    expect(h.server.allErrors()).toEqual([]);
  });

  it('a tool that does not answer in time gets a timeout sentence, and the turn still completes', async () => {
    const h = await setup(
      { replies: [{ functionCalls: [{ name: 'list_tasks', arguments: {} }] }, { text: 'It is slow.' }] },
      { toolTimeoutMs: 60 },
    );
    h.host.delayMs = 400;
    h.session.start();
    await ready(h);
    h.session.sendText('list');
    await until(() => responsesDone(h) === 2, 'follow-up');
    const out = h.server.connections[0]!.eventsOfType('conversation.item.create').filter(
      (c) => c.item.type === 'function_call_output',
    );
    expect(out).toHaveLength(1);
    expect(out[0].item.output).toMatch(/did not answer within/);
    await sleep(450);
    expect(
      h.server.connections[0]!.eventsOfType('conversation.item.create').filter(
        (c) => c.item.type === 'function_call_output',
      ),
    ).toHaveLength(1);
    expect(h.server.allErrors()).toEqual([]);
  });

  it('malformed tool arguments: the ToolHost answers with a sentence, the turn completes', async () => {
    const h = await setup({
      replies: [{ functionCalls: [{ name: 'spawn_task', arguments: '{"prompt": "oops' }] }, { text: 'Sorry.' }],
    });
    h.session.start();
    await ready(h);
    h.session.sendText('go');
    await until(() => responsesDone(h) === 2, 'follow-up');
    const out = h.server.connections[0]!.eventsOfType('conversation.item.create').find(
      (c) => c.item.type === 'function_call_output',
    );
    expect(out.item.output).toMatch(/Invalid arguments/);
    expect(h.server.allErrors()).toEqual([]);
  });

  it('writes the transcript (0600, final entries) and the stage-latency log to the given paths', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vo-state-'));
    const latencyLogPath = join(dir, 'latency.jsonl');
    const h = await setup(
      { replies: [{ text: 'Logged.' }], userTranscripts: ['Log this.'] },
      { stateDir: dir, latencyLogPath },
    );
    const speaking: boolean[] = [];
    h.session.on('speaking', (v) => speaking.push(v));
    h.session.start();
    await ready(h);
    speak(h);
    await until(() => responsesDone(h) === 1, 'response');
    await until(() => h.session.transcriptEntries().filter((e) => e.final).length >= 2, 'final entries');
    await until(() => !h.session.isSpeaking(), 'drained');
    expect(speaking).toEqual([true, false]);
    await h.session.close();
    const path = join(dir, 'transcript.jsonl');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.role, l.text])).toEqual(
      expect.arrayContaining([
        ['user', 'Log this.'],
        ['assistant', 'Logged.'],
      ]),
    );
    expect(lines.every((l) => l.final === true)).toBe(true);
    const stages = readFileSync(latencyLogPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).stage);
    expect(stages).toEqual(['talkEndToCommitMs', 'commitToFirstAudioMs', 'firstAudioToPlaybackMs']);
  });
});
