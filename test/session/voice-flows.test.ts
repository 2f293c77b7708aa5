import { afterEach, describe, expect, it } from 'vitest';
import {
  closeHarnesses,
  pcm,
  ready,
  responsesDone,
  settled,
  setup,
  sleep,
  speak,
  until,
} from '../helpers/voice-doubles.js';
import type { TaskNotice } from '../../src/session/types.js';

afterEach(closeHarnesses);

let noticeAt = 0;
function notice(taskId: number, kind: TaskNotice['kind'], text: string): TaskNotice {
  return { taskId, taskName: `task ${taskId}`, kind, text, at: ++noticeAt };
}

describe('barge-in (reference §6.3)', () => {
  it('during an active response: stop playback, cancel, truncate to the played ms, drop late deltas', async () => {
    const h = await setup(
      {
        replies: [
          { text: 'This is a rather long answer that keeps going.', audioMs: 4000, deltaIntervalMs: 25 },
          { text: 'Yes?' },
        ],
      },
      { audioSpeed: 1 },
    );
    h.session.start();
    await ready(h);
    speak(h);
    const conn = h.server.connections[0]!;
    await until(() => h.audio.playCalls >= 4, 'some audio');
    await sleep(150);
    expect(conn.activeResponseId).not.toBeNull();
    h.session.talkStart();
    const callsAtStop = h.audio.playCalls;
    await h.server.waitForClientEvent((e) => e.type === 'conversation.item.truncate');
    const cancel = conn.eventsOfType('response.cancel');
    expect(cancel).toHaveLength(1);
    await until(() => conn.truncations.length === 1, 'truncated');
    const stopped = h.audio.stops[0]!;
    const item = conn.items.find((i) => i.role === 'assistant')!;
    expect(stopped.itemId).toBe(item.id);
    expect(stopped.playedMs).toBeGreaterThan(50);
    const truncate = conn.eventsOfType('conversation.item.truncate')[0];
    expect(Number.isInteger(truncate.audio_end_ms)).toBe(true);
    expect(truncate).toMatchObject({ item_id: item.id, content_index: 0, audio_end_ms: stopped.playedMs });
    // Cancel went out before the truncate, and at once.
    const order = conn.received.map((r) => r.event.type);
    expect(order.indexOf('response.cancel')).toBeLessThan(order.indexOf('conversation.item.truncate'));
    await until(() => responsesDone(h) === 1, 'cancelled response.done');
    expect(conn.sentOfType('response.done')[0].response.status).toBe('cancelled');
    expect(h.audio.playCalls).toBe(callsAtStop);
    expect(h.session.isSpeaking()).toBe(false);
    // The interrupted assistant line keeps only what was heard.
    const line = h.session.transcriptEntries().find((e) => e.id === item.id)!;
    expect(line.final).toBe(true);
    expect(line.text.length).toBeLessThan('This is a rather long answer that keeps going.'.length);
    // New speech, release: the next answer comes after the cancelled one finished.
    for (let i = 0; i < 10; i++) h.session.appendAudio(pcm(20));
    h.session.talkEnd();
    await until(() => responsesDone(h) === 2, 'answer to the new turn');
    expect(h.server.allErrors()).toEqual([]);
  });

  it('after response.done while still audible: truncate only, no cancel', async () => {
    const h = await setup({ replies: [{ text: 'Short but slow to play.', audioMs: 2000 }] }, { audioSpeed: 1 });
    h.session.start();
    await ready(h);
    speak(h);
    await until(() => responsesDone(h) === 1, 'done');
    await sleep(100);
    expect(h.audio.isPlaying()).toBe(true);
    h.session.talkStart();
    await h.server.waitForClientEvent((e) => e.type === 'conversation.item.truncate');
    const conn = h.server.connections[0]!;
    expect(conn.eventsOfType('response.cancel')).toHaveLength(0);
    await until(() => conn.truncations.length === 1, 'truncated');
    const played = h.audio.stops[0]!.playedMs;
    expect(conn.truncations[0]!.audioEndMs).toBe(played);
    expect(played).toBeGreaterThan(0);
    expect(played).toBeLessThan(2000);
    h.session.talkDiscard();
    await sleep(20);
    expect(h.server.allErrors()).toEqual([]);
  });

  it('truncation is clamped to the audio received for the item', async () => {
    const h = await setup({ replies: [{ text: 'Hi.', audioMs: 300 }] }, { audioSpeed: 1 });
    // A player that claims more than it was given must not make us truncate past the end.
    const realStop = h.audio.stop.bind(h.audio);
    h.audio.stop = async () => ({ ...(await realStop()), playedMs: 99_999.7 });
    h.session.start();
    await ready(h);
    speak(h);
    await until(() => responsesDone(h) === 1, 'done');
    h.session.talkStart();
    const conn = h.server.connections[0]!;
    await until(() => conn.truncations.length === 1, 'truncated');
    expect(conn.truncations[0]!.audioEndMs).toBe(300);
    h.session.talkDiscard();
    expect(h.server.allErrors()).toEqual([]);
  });

  it('talking while a response is being created cancels it as soon as it exists', async () => {
    const h = await setup(
      { replies: [{ text: 'One two three four five six.', deltaIntervalMs: 10 }] },
      { audioSpeed: 1 },
    );
    h.session.start();
    await ready(h);
    h.session.sendText('tell me something');
    h.session.talkStart();
    const conn = h.server.connections[0]!;
    await until(() => responsesDone(h) === 1, 'done');
    expect(conn.sentOfType('response.done')[0].response.status).toBe('cancelled');
    expect(conn.eventsOfType('response.cancel')).toHaveLength(1);
    h.session.talkDiscard();
    await sleep(20);
    expect(h.server.allErrors()).toEqual([]);
  });
});

describe('never talking over the user', () => {
  it('a tool follow-up that becomes ready while the key is held waits and joins the user turn', async () => {
    const h = await setup({
      replies: [{ functionCalls: [{ name: 'list_tasks', arguments: {} }] }, { text: 'Both answered.' }],
    });
    h.host.delayMs = 80;
    h.session.start();
    await ready(h);
    h.session.sendText('what is running?');
    await until(() => h.host.calls.length === 1, 'tool running');
    await until(() => responsesDone(h) === 1, 'tool response done');
    h.session.talkStart();
    for (let i = 0; i < 10; i++) h.session.appendAudio(pcm(20));
    const conn = h.server.connections[0]!;
    await h.server.waitForClientEvent((e) => e.item?.type === 'function_call_output');
    await sleep(60);
    expect(conn.eventsOfType('response.create')).toHaveLength(1);
    h.session.talkEnd();
    await until(() => responsesDone(h) === 2, 'one answer for both');
    await sleep(30);
    const t = conn.received.map((r) => r.event.type);
    expect(conn.eventsOfType('response.create')).toHaveLength(2);
    expect(t.lastIndexOf('response.create')).toBeGreaterThan(t.indexOf('input_audio_buffer.commit'));
    expect(h.server.allErrors()).toEqual([]);
  });
});

describe('task notices (reference §6.4)', () => {
  it('a notice during an active response is delivered after response.done and playback: one item, one create', async () => {
    const h = await setup(
      {
        replies: [
          { text: 'Working on your question now.', audioMs: 600, deltaIntervalMs: 10 },
          { text: 'Task three finished.' },
        ],
      },
      { audioSpeed: 2 },
    );
    h.session.start();
    await ready(h);
    h.session.sendText('question');
    const conn = h.server.connections[0]!;
    await until(() => conn.activeResponseId !== null, 'active');
    const isNoticeItem = (e: { type: string; item?: { role?: string } }): boolean =>
      e.type === 'conversation.item.create' && e.item?.role === 'system';
    const playingAtNotice = h.server
      .waitForNextClientEvent(isNoticeItem)
      .then(() => h.audio.isPlaying() || h.session.isSpeaking());
    h.session.notify(notice(3, 'finished', 'Task 3 "fix tests" finished: all green.'));
    await sleep(30);
    expect(conn.eventsOfType('response.create')).toHaveLength(1);
    await until(() => responsesDone(h) === 2, 'notice response');
    const firstDone = conn.sent.find((s) => s.event.type === 'response.done')!.at;
    const creates = conn.received.filter((r) => r.event.type === 'response.create');
    expect(creates).toHaveLength(2);
    expect(creates[1]!.at).toBeGreaterThanOrEqual(firstDone);
    expect(creates[1]!.event.response.metadata.kind).toBe('task_notice');
    expect(conn.responses[1]!.metadata).toMatchObject({ kind: 'task_notice', task_ids: '3' });
    const sys = conn
      .eventsOfType('conversation.item.create')
      .filter((c) => c.item.role === 'system' && /Task update/.test(c.item.content[0].text));
    expect(sys).toHaveLength(1);
    expect(sys[0].item.content[0].text).toContain('fix tests');
    // The notice went in after playback drained, not merely after response.done.
    expect(await playingAtNotice).toBe(false);
    await sleep(30);
    expect(conn.eventsOfType('response.create')).toHaveLength(2);
    expect(h.server.allErrors()).toEqual([]);
  });

  it('several notices while the key is held are batched into one, failures first', async () => {
    let held = true;
    const h = await setup({}, { isTalkHeld: () => held });
    h.session.start();
    await ready(h);
    h.session.notify(notice(1, 'finished', 'Task 1 finished.'));
    h.session.notify(notice(2, 'failed', 'Task 2 failed with exit code 1.'));
    h.session.notify(notice(4, 'finished', 'Task 4 finished.'));
    await sleep(80);
    const conn = h.server.connections[0]!;
    expect(conn.eventsOfType('conversation.item.create')).toHaveLength(0);
    held = false;
    await until(() => responsesDone(h) === 1, 'notice response');
    const items = conn.eventsOfType('conversation.item.create');
    expect(items).toHaveLength(1);
    expect(items[0].item.content[0].text).toBe(
      'Task update (from voice-orch, not the user): Three task updates: Task 2 failed with exit code 1. Task 1 finished. Task 4 finished.',
    );
    expect(conn.eventsOfType('response.create')).toHaveLength(1);
    expect(h.server.allErrors()).toEqual([]);
  });

  it('chime mode plays an earcon and asks for no response; off does nothing', async () => {
    const h = await setup({}, { noticeMode: 'chime' });
    h.session.start();
    await ready(h);
    expect(h.session.noticeMode()).toBe('chime');
    h.session.notify(notice(1, 'failed', 'Task 1 failed.'));
    h.session.notify(notice(2, 'finished', 'Task 2 finished.'));
    h.session.setNoticeMode('off');
    h.session.notify(notice(3, 'finished', 'Task 3 finished.'));
    await sleep(60);
    expect(h.audio.earcons).toEqual(['failed', 'done']);
    const conn = h.server.connections[0]!;
    expect(conn.eventsOfType('response.create')).toHaveLength(0);
    expect(conn.eventsOfType('conversation.item.create')).toHaveLength(0);
    h.session.setNoticeMode('speak');
    h.session.notify(notice(5, 'finished', 'Task 5 finished.'));
    await until(() => responsesDone(h) === 1, 'spoken notice');
    expect(h.server.allErrors()).toEqual([]);
  });

  it('a notice waits for pending tool outputs and the tool follow-up', async () => {
    const h = await setup({
      replies: [
        { functionCalls: [{ name: 'list_tasks', arguments: {} }] },
        { text: 'You have no tasks.' },
        { text: 'Notice.' },
      ],
    });
    h.host.delayMs = 120;
    h.session.start();
    await ready(h);
    h.session.sendText('what is running?');
    await until(() => h.host.calls.length === 1, 'tool called');
    h.session.notify(notice(9, 'finished', 'Task 9 finished.'));
    await until(() => responsesDone(h) === 3, 'three responses');
    const conn = h.server.connections[0]!;
    const creates = conn.eventsOfType('response.create');
    expect(creates.map((c) => c.response?.metadata?.kind ?? 'plain')).toEqual(['plain', 'plain', 'task_notice']);
    expect(h.server.allErrors()).toEqual([]);
  });
});

describe('task board before user turns', () => {
  it('sends a compact system item only when the board version changed', async () => {
    const h = await setup();
    h.session.start();
    await ready(h);
    h.session.sendText('first');
    await until(() => responsesDone(h) === 1, 'r1');
    h.session.sendText('second');
    await until(() => responsesDone(h) === 2, 'r2');
    h.host.board = { version: 7, summary: 'Task 1 running, task 2 failed.' };
    await settled(h);
    speak(h);
    await until(() => responsesDone(h) === 3, 'r3');
    const conn = h.server.connections[0]!;
    const boards = conn.eventsOfType('conversation.item.create').filter((c) => c.item.role === 'system');
    expect(boards.map((b) => b.item.content[0].text)).toEqual([
      'Task board changed: No tasks yet.',
      'Task board changed: Task 1 running, task 2 failed.',
    ]);
    const types = conn.received.map((r) => r.event);
    const lastBoard = types.findIndex((e) => e.item?.content?.[0]?.text?.includes('task 2 failed'));
    const commit = types.findIndex((e) => e.type === 'input_audio_buffer.commit');
    expect(lastBoard).toBeLessThan(commit);
    expect(h.server.allErrors().map((e) => [e.error.code, e.error.message, e.error.event_id])).toEqual([]);
  });
});

describe('rate limits (response.done failed)', () => {
  it('waits the stated time, retries once, tells the user', async () => {
    const h = await setup({
      replies: [
        {
          fail: {
            code: 'rate_limit_exceeded',
            type: 'tokens',
            message:
              'Rate limit reached for gpt-realtime on tokens per min (TPM): Limit 40000, Used 37040, Requested 8196. Please try again in 0.15s. Visit the page.',
          },
        },
        { text: 'Here you go.' },
      ],
    });
    h.session.start();
    await ready(h);
    h.session.sendText('hello');
    await until(() => responsesDone(h) === 2, 'retried response');
    const conn = h.server.connections[0]!;
    const done = conn.sentOfType('response.done');
    expect(done.map((d) => d.response.status)).toEqual(['failed', 'completed']);
    const creates = conn.received.filter((r) => r.event.type === 'response.create');
    const failedAt = conn.sent.find((s) => s.event.type === 'response.done')!.at;
    expect(creates[1]!.at - failedAt).toBeGreaterThanOrEqual(140);
    expect(h.infos.some((m) => /Rate limited; retrying in 1 s/.test(m))).toBe(true);
    expect(h.server.allErrors()).toEqual([]);
  });

  it('gives up after the one retry', async () => {
    const fail = { code: 'rate_limit_exceeded', message: 'Please try again in 50ms.' };
    const h = await setup({ replies: [{ fail }, { fail }, { text: 'late' }] });
    h.session.start();
    await ready(h);
    h.session.sendText('hello');
    await until(() => responsesDone(h) === 2, 'retry');
    await sleep(150);
    expect(responsesDone(h)).toBe(2);
    expect(h.infos.some((m) => /Still rate limited/.test(m))).toBe(true);
  });
});

describe('robustness', () => {
  it('ignores unknown events and fields, survives injected errors, never throws', async () => {
    const h = await setup({ replies: [{ text: 'Fine.' }] });
    h.session.start();
    await ready(h);
    const conn = h.server.connections[0]!;
    conn.sendRaw({ type: 'brand_new.event', whatever: { x: 1 } });
    conn.sendRaw({ type: 'conversation.created', conversation: { id: 'conv_x' } });
    conn.injectError({ code: 'server_error', message: 'The server had an error.', type: 'server_error' });
    conn.injectError({ code: 'response_cancel_not_active', message: 'Cancellation failed: no active response found' });
    h.session.sendText('still there?');
    await until(() => responsesDone(h) === 1, 'response');
    expect(h.session.state().kind).toBe('ready');
    expect(h.errors.some((e) => /server_error/.test(e.message))).toBe(true);
    expect(h.errors.some((e) => /cancel_not_active/.test(e.message))).toBe(false);
  });

  it('emits no unhandled error when nobody listens for errors', async () => {
    const h = await setup();
    h.session.removeAllListeners('error');
    h.session.start();
    await ready(h);
    h.server.connections[0]!.injectError({ code: 'server_error', message: 'boom', type: 'server_error' });
    await sleep(30);
    expect(h.session.state().kind).toBe('ready');
  });

  it('cost events from every response.done with usage', async () => {
    const h = await setup({ replies: [{ text: 'One two three.' }, { text: 'Four five.' }] });
    const costs: number[] = [];
    h.session.on('cost', (c) => costs.push(c.sessionUsd));
    h.session.start();
    await ready(h);
    speak(h);
    await until(() => responsesDone(h) === 1, 'r1');
    h.session.sendText('more');
    await until(() => responsesDone(h) === 2, 'r2');
    expect(costs).toHaveLength(2);
    expect(costs[0]).toBeGreaterThan(0);
    expect(costs[1]).toBeGreaterThan(costs[0]!);
    expect(h.session.costSnapshot().sessionUsd).toBe(costs[1]);
  });

  it('latency events cover every stage of a turn with a tool call', async () => {
    const h = await setup({
      replies: [{ text: 'Sure.', functionCalls: [{ name: 'list_tasks', arguments: {} }] }, { text: 'None.' }],
    });
    const seen = new Set<string>();
    h.session.on('latency', (l) => Object.keys(l).forEach((k) => seen.add(k)));
    h.session.start();
    await ready(h);
    speak(h);
    await until(() => responsesDone(h) === 2, 'r2');
    expect([...seen].sort()).toEqual([
      'commitToFirstAudioMs',
      'firstAudioToPlaybackMs',
      'talkEndToCommitMs',
      'toolCallToOutputMs',
    ]);
  });
});
