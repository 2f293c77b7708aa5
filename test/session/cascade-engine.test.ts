/**
 * The cascade engine against the loopback OpenAI-compatible fake, through the real `openai`
 * client: typed and spoken turns, sentence streaming, tool calls, notices at idle, barge-in.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { NOTICE_PREFIX } from '../../src/session/cascade/cascade-engine.js';
import { cascadeRig, chatMessages, closeCascadeRigs, lastFinal } from '../helpers/cascade-rig.js';
import { pcm, until } from '../helpers/voice-doubles.js';

afterEach(closeCascadeRigs);

describe('cascade engine turns', () => {
  it('answers a typed message: streamed text in the transcript, spoken, with the task board and tools', async () => {
    const rig = await cascadeRig();
    rig.host.board = { version: 2, summary: 'Task 1 running: tests' };
    rig.server.chat.push({ text: 'Hello there, I am listening to you now. What should I start?' });
    rig.engine.sendText('hello');
    await until(() => lastFinal(rig, 'assistant') !== undefined, 'answer');
    await until(() => rig.audio.playCalls > 0, 'playback');
    expect(lastFinal(rig, 'user')).toBe('hello');
    expect(lastFinal(rig, 'assistant')).toBe('Hello there, I am listening to you now. What should I start?');
    expect(rig.server.to('/v1/audio/transcriptions')).toHaveLength(0);
    const body = rig.server.to('/v1/chat/completions')[0]!.body;
    expect(body.stream).toBe(true);
    expect((body.tools as { function: { name: string } }[]).map((t) => t.function.name)).toEqual([
      'spawn_task',
      'list_tasks',
      'cancel_task',
    ]);
    const msgs = chatMessages(rig, 0);
    expect(msgs.map((m) => m.role)).toEqual(['system', 'system', 'user']);
    expect(String(msgs[1]!.content)).toContain('Task 1 running: tests');
    const speech = rig.server.to('/v1/audio/speech').map((r) => r.body);
    expect(speech[0]).toMatchObject({ model: 'gpt-4o-mini-tts', voice: 'marin', response_format: 'pcm' });
    expect(speech.map((b) => b.input).join(' ')).toBe('Hello there, I am listening to you now. What should I start?');
    expect(rig.engine.historyMessages().at(-1)).toMatchObject({
      role: 'assistant',
      content: lastFinal(rig, 'assistant'),
    });
  });

  it('sends a spoken turn as a WAV upload, shows the words, answers them, and logs each stage', async () => {
    const rig = await cascadeRig();
    rig.server.transcripts.push('start the tests in the api project');
    rig.server.chat.push({ text: 'Starting the tests in the api project right away for you.' });
    rig.engine.talkStart();
    rig.engine.appendAudio(pcm(300));
    rig.engine.appendAudio(pcm(200));
    rig.engine.talkEnd();
    await until(() => rig.audio.playCalls > 0, 'playback');
    await until(
      () => existsSync(rig.latencyLog) && readFileSync(rig.latencyLog, 'utf8').includes('firstPlayback'),
      'latency line',
    );
    const upload = rig.server.to('/v1/audio/transcriptions')[0]!.body;
    expect(upload.model).toBe('gpt-4o-mini-transcribe');
    expect(upload.file).toMatchObject({ filename: 'turn.wav', bytes: 44 + 500 * 48, head: 'RIFF' });
    expect(lastFinal(rig, 'user')).toBe('start the tests in the api project');
    expect(chatMessages(rig, 0).at(-1)).toEqual({ role: 'user', content: 'start the tests in the api project' });
    const line = JSON.parse(readFileSync(rig.latencyLog, 'utf8').trim().split('\n')[0]!) as {
      engine: string;
      kind: string;
      stages: Record<string, number>;
    };
    expect(line.engine).toBe('cascade');
    expect(line.kind).toBe('audio');
    expect(Object.keys(line.stages)).toEqual([
      'sttRequest',
      'transcript',
      'chatRequest',
      'firstToken',
      'firstSentence',
      'speechRequest',
      'firstSpeechBytes',
      'firstPlayback',
    ]);
    const s = line.stages;
    expect(s.sttRequest! <= s.transcript! && s.transcript! <= s.chatRequest! && s.chatRequest! <= s.firstToken!).toBe(
      true,
    );
  });

  it('drops a turn shorter than 100 ms without any request', async () => {
    const rig = await cascadeRig();
    rig.engine.talkStart();
    rig.engine.appendAudio(pcm(50));
    rig.engine.talkEnd();
    expect(rig.infos).toEqual(['Too short, nothing sent.']);
    expect(rig.server.requests).toHaveLength(0);
  });

  it('sends the first sentence to speech before the answer has finished streaming', async () => {
    const rig = await cascadeRig();
    const text =
      'The first task finished without any problems at all. The second one is still running its tests. ' +
      'The third one is waiting for your decision about the migration.';
    rig.server.chat.push({ text, fragmentChars: 4, fragmentDelayMs: 15 });
    rig.engine.sendText('status please');
    await until(() => rig.server.to('/v1/chat/completions')[0]?.endedAt !== undefined, 'chat end');
    await until(() => rig.server.to('/v1/audio/speech').length === 3, 'three speech requests');
    const chat = rig.server.to('/v1/chat/completions')[0]!;
    const speech = rig.server.to('/v1/audio/speech');
    expect(speech[0]!.at).toBeLessThan(chat.endedAt!);
    expect(speech.map((r) => r.body.input)).toEqual([
      'The first task finished without any problems at all.',
      'The second one is still running its tests.',
      'The third one is waiting for your decision about the migration.',
    ]);
    // Audio reaches the output sentence by sentence, in order.
    await until(() => rig.audio.playedBytes.size === 3, 'all audio queued');
    expect([...rig.audio.playedBytes.keys()]).toEqual(['c1-a0-0', 'c1-a0-1', 'c1-a0-2']);
  });

  it('runs a streamed tool call through the tool host once and sends its result back to the model', async () => {
    const rig = await cascadeRig();
    rig.server.chat.push(
      { toolCalls: [{ id: 'call_abc', name: 'spawn_task', arguments: '{"prompt":"write the release notes"}' }] },
      { text: 'Started task one for the release notes.' },
    );
    rig.engine.sendText('write the release notes');
    await until(() => lastFinal(rig, 'assistant') === 'Started task one for the release notes.', 'final answer');
    expect(rig.host.calls.map((c) => [c.name, c.argsJson, c.callId])).toEqual([
      ['spawn_task', '{"prompt":"write the release notes"}', 'call_abc'],
    ]);
    const second = chatMessages(rig, 1).slice(2);
    expect(second[1]).toMatchObject({
      role: 'assistant',
      tool_calls: [
        {
          id: 'call_abc',
          type: 'function',
          function: { name: 'spawn_task', arguments: '{"prompt":"write the release notes"}' },
        },
      ],
    });
    expect(second[2]).toEqual({
      role: 'tool',
      tool_call_id: 'call_abc',
      content: '{"ok":true,"task_id":1,"state":"running"}',
    });
    expect(String(chatMessages(rig, 1)[1]!.content)).toContain('Task 1 running: write the release notes');
    expect(lastFinal(rig, 'tool')).toBe('spawn_task');
  });

  it('stops a tool loop after the configured number of rounds', async () => {
    const rig = await cascadeRig({}, { override: { maxToolRounds: 2 } });
    for (let i = 0; i < 2; i++)
      rig.server.chat.push({ toolCalls: [{ id: `call_${i}`, name: 'list_tasks', arguments: '{}' }] });
    rig.server.chat.push({ text: 'Nothing else to do here for now.' });
    rig.engine.sendText('loop');
    await until(() => lastFinal(rig, 'assistant') !== undefined, 'answer');
    expect(rig.host.calls).toHaveLength(2);
    // The last allowed round is sent without tools, so the model must answer in words.
    expect(rig.server.to('/v1/chat/completions')[2]!.body.tools).toBeUndefined();
  });
});

describe('cascade notices', () => {
  it('holds a notice during a turn and sends it once, marked as a task update, when idle', async () => {
    const rig = await cascadeRig();
    rig.server.chat.push(
      { text: 'Let me think about that for a moment please.', fragmentDelayMs: 10 },
      { text: 'Task two has finished.' },
    );
    rig.engine.sendText('what is up');
    await until(() => rig.server.to('/v1/chat/completions').length === 1, 'turn started');
    rig.engine.notify({ taskId: 2, taskName: 'docs', kind: 'finished', text: 'Task 2 docs finished.', at: Date.now() });
    await until(() => lastFinal(rig, 'assistant') === 'Let me think about that for a moment please.', 'turn answer');
    expect(rig.server.to('/v1/chat/completions')).toHaveLength(1);
    await until(() => rig.server.to('/v1/chat/completions').length === 2, 'notice request');
    const notice = chatMessages(rig, 1).at(-1)!;
    expect(notice).toEqual({ role: 'user', content: `${NOTICE_PREFIX} Task 2 docs finished.` });
    expect(lastFinal(rig, 'notice')).toBe('Task 2 docs finished.');
    await until(() => lastFinal(rig, 'assistant') === 'Task two has finished.', 'notice answer');
    rig.engine.sendText('thanks');
    await until(() => rig.server.to('/v1/chat/completions').length === 3, 'next turn');
    const mentions = chatMessages(rig, 2).filter((m) => String(m.content).includes('Task 2 docs finished.'));
    expect(mentions).toHaveLength(1);
  });
});

describe('cascade barge-in', () => {
  it('stops playback, aborts the chat stream and pending speech, and keeps only what was heard', async () => {
    const rig = await cascadeRig({ speechChunkDelayMs: 40 }, { speed: 1 });
    const first = 'The build finished and every one of the unit tests passed on the first try.';
    const text = `${first} The integration suite is still running and will take about ten more minutes. ${'Then I will report back. '.repeat(20)}`;
    rig.server.chat.push({ text, fragmentChars: 5, fragmentDelayMs: 10 });
    rig.engine.sendText('how is the build');
    await until(() => rig.audio.playedMs('c1-a0-0') > 400, 'first sentence partly played');
    rig.engine.talkStart();
    await until(() => rig.server.to('/v1/chat/completions')[0]!.aborted, 'chat stream aborted');
    await until(
      () => rig.server.to('/v1/audio/speech').every((r) => r.aborted || r.endedAt !== undefined),
      'speech settled',
    );
    expect(rig.server.to('/v1/audio/speech').some((r) => r.aborted)).toBe(true);
    expect(rig.audio.stops).toHaveLength(1);
    rig.engine.talkDiscard();
    const kept = rig.engine.historyMessages().filter((m) => m.role === 'assistant');
    expect(kept).toHaveLength(1);
    const heard = String(kept[0]!.content);
    expect(heard.endsWith('…')).toBe(true);
    expect(first.startsWith(heard.slice(0, -1))).toBe(true);
    expect(heard.length).toBeLessThan(first.length);
    expect(lastFinal(rig, 'assistant')).toMatch(/\[interrupted\]$/);
    // The next turn carries only the heard part.
    rig.server.chat.push({ text: 'Sure.' });
    rig.engine.sendText('ok');
    await until(() => rig.server.to('/v1/chat/completions').length === 2, 'next turn');
    expect(chatMessages(rig, 1).slice(2)).toEqual([
      { role: 'user', content: 'how is the build' },
      { role: 'assistant', content: heard },
      { role: 'user', content: 'ok' },
    ]);
  });
});

describe('cascade without audio output', () => {
  it('requests no speech and keeps the whole answer as heard text', async () => {
    const rig = await cascadeRig({}, { override: { tts: null } });
    rig.server.chat.push({ text: 'Nothing is running. All three tasks have finished already.' });
    rig.engine.sendText('anything running?');
    await until(() => lastFinal(rig, 'assistant') !== undefined, 'answer');
    await until(() => rig.engine.historyMessages().length === 2, 'history');
    expect(rig.server.to('/v1/audio/speech')).toHaveLength(0);
    expect(rig.audio.playCalls).toBe(0);
    expect(rig.engine.historyMessages()[1]).toEqual({
      role: 'assistant',
      content: 'Nothing is running. All three tasks have finished already.',
    });
  });
});

describe('cascade barge-in by a typed message', () => {
  it('puts what was heard before the new message in the history', async () => {
    const rig = await cascadeRig({ speechChunkDelayMs: 40 }, { speed: 1 });
    const first = 'The build finished and every one of the unit tests passed on the first try.';
    rig.server.chat.push({
      text: `${first} ${'More news follows here. '.repeat(20)}`,
      fragmentChars: 5,
      fragmentDelayMs: 10,
    });
    rig.engine.sendText('how is the build');
    await until(() => rig.audio.playedMs('c1-a0-0') > 400, 'first sentence partly played');
    rig.server.chat.push({ text: 'Sure.' });
    rig.engine.sendText('stop, what about the docs');
    await until(() => rig.server.to('/v1/chat/completions').length === 2, 'next turn');
    const roles = chatMessages(rig, 1)
      .slice(2)
      .map((m) => [m.role, String(m.content).slice(0, 20)]);
    expect(roles).toEqual([
      ['user', 'how is the build'],
      ['assistant', first.slice(0, 20)],
      ['user', 'stop, what about the d'.slice(0, 20)],
    ]);
  });

  it('keeps a tool call and its result together when a message arrives while the tool runs', async () => {
    const rig = await cascadeRig();
    rig.host.delayMs = 150;
    rig.server.chat.push(
      { toolCalls: [{ id: 'call_slow', name: 'list_tasks', arguments: '{}' }] },
      { text: 'Here is the list.' },
    );
    rig.engine.sendText('list them');
    await until(() => rig.host.calls.length === 1, 'the tool running');
    rig.engine.sendText('never mind');
    await until(() => rig.server.to('/v1/chat/completions').length === 2, 'next request');
    const msgs = chatMessages(rig, 1).slice(2);
    expect(msgs.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'user']);
    expect(msgs[2]!.tool_call_id).toBe('call_slow');
  });
});
