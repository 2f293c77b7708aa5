import { afterEach, describe, expect, it } from 'vitest';
import { closeHarnesses, ready, responsesDone, setup, sleep, speak, until } from '../helpers/voice-doubles.js';

afterEach(closeHarnesses);

describe('session expiry and rotation (reference §1.4, §1.5)', () => {
  it('session_expired: a new session, configuration re-sent, bounded context restored', async () => {
    const h = await setup(
      { sessionLifetimeMs: 1500, replies: [{ text: 'Everest is the highest.' }, { text: 'About 8849 metres.' }] },
      { rotateBeforeExpiryMs: 0 },
    );
    h.session.start();
    await ready(h);
    h.session.sendText('What is the highest mountain?');
    await until(() => responsesDone(h) === 1, 'r1');
    await until(() => h.server.connections.length === 2 && h.session.state().kind === 'ready', 'second session', 4000);
    const [c1, c2] = h.server.connections;
    expect(c1!.errorsSent.map((e) => e.error.code)).toEqual(['session_expired']);
    expect(h.infos.some((m) => /time limit/.test(m))).toBe(true);
    expect(h.states.some((s) => s.kind === 'reconnecting')).toBe(false);
    expect(c2!.eventsOfType('session.update')).toHaveLength(1);
    expect(c2!.session.audio.input.turn_detection).toBeNull();
    await until(() => c2!.items.length >= 3, 'restored items');
    const restored = c2!.items.map((i) => [i.role, i.content[0].type, i.content[0].text]);
    expect(restored).toEqual([
      ['user', 'input_text', 'What is the highest mountain?'],
      ['assistant', 'output_text', 'Everest is the highest.'],
      [
        'system',
        'input_text',
        'Task board (voice-orch reconnected; the messages above are the recent conversation): No tasks yet.',
      ],
    ]);
    // Nothing was lost, so nothing is re-asked.
    expect(c2!.eventsOfType('response.create')).toHaveLength(0);
    h.session.sendText('How tall is it?');
    await until(() => responsesDone(h, 2) === 1, 'answer in the new session');
    expect(h.server.allErrors().map((e) => e.error.code)).toEqual(['session_expired']);
  });

  it('the replay is bounded (recent turns only)', async () => {
    const h = await setup(
      { replies: Array.from({ length: 20 }, (_, i) => ({ text: `Answer ${i}.` })) },
      { replay: { maxTurns: 4, maxChars: 4000 } },
    );
    h.session.start();
    await ready(h);
    for (let i = 0; i < 8; i++) {
      h.session.sendText(`Question ${i}?`);
      await until(() => responsesDone(h) === i + 1, `r${i}`);
    }
    h.server.expireAll();
    await until(() => h.server.connections.length === 2 && h.session.state().kind === 'ready', 'second session');
    const c2 = h.server.connections[1]!;
    await until(() => c2.items.length >= 5, 'restored');
    expect(c2.items.map((i) => i.content[0].text)).toEqual([
      'Question 6?',
      'Answer 6.',
      'Question 7?',
      'Answer 7.',
      expect.stringContaining('Task board'),
    ]);
  });

  it('rotates proactively before expires_at when idle, then closes the old socket', async () => {
    const h = await setup({ sessionLifetimeMs: 4000, replies: [{ text: 'Noted.' }] }, { rotateBeforeExpiryMs: 2500 });
    h.session.start();
    await ready(h);
    h.session.sendText('remember the number 42');
    await until(() => responsesDone(h) === 1, 'r1');
    await until(() => h.server.connections.length === 2, 'rotation socket', 4000);
    const [c1, c2] = h.server.connections;
    await until(() => c1!.closed, 'old closed');
    expect(c1!.closeCode).toBe(1000);
    expect(c1!.errorsSent).toEqual([]);
    expect(c2!.eventsOfType('session.update')).toHaveLength(1);
    await until(() => c2!.items.length >= 3, 'restored');
    expect(c2!.items[0]!.content[0].text).toBe('remember the number 42');
    const st = h.session.state();
    expect(st.kind === 'ready' && st.sessionId === c2!.session.id).toBe(true);
    expect(h.states.filter((s) => s.kind !== 'ready')).toEqual([{ kind: 'connecting', attempt: 0 }]);
    expect(h.server.allErrors()).toEqual([]);
  });

  it('does not rotate in the middle of a turn; waits for the idle moment', async () => {
    let held = false;
    const h = await setup({ sessionLifetimeMs: 4000 }, { rotateBeforeExpiryMs: 2500, isTalkHeld: () => held });
    h.session.start();
    await ready(h);
    held = true;
    await sleep(1600);
    expect(h.server.connections).toHaveLength(1);
    held = false;
    await until(
      () => h.server.connections.length === 2 && h.server.connections[0]!.closed,
      'rotated after release',
      3000,
    );
    expect(h.server.allErrors()).toEqual([]);
  });
});

describe('reconnects (reference §1.4)', () => {
  it('a drop mid-response: reconnect with backoff, restore, and answer the lost turn', async () => {
    const h = await setup({
      replies: [{ text: 'Let me explain this at some length.', dropAfterDeltas: 2 }, { text: 'As I was saying.' }],
    });
    h.session.start();
    await ready(h);
    h.session.sendText('explain recursion');
    await until(() => h.server.connections.length === 2 && h.session.state().kind === 'ready', 'reconnected');
    const re = h.states.find((s) => s.kind === 'reconnecting');
    expect(re).toMatchObject({ kind: 'reconnecting', attempt: 1 });
    const c2 = h.server.connections[1]!;
    await until(() => responsesDone(h, 2) === 1, 'answer after reconnect');
    expect(c2.items[0]).toMatchObject({ role: 'user', content: [{ type: 'input_text', text: 'explain recursion' }] });
    expect(c2.eventsOfType('response.create')).toHaveLength(1);
    expect(h.server.allErrors()).toEqual([]);
  });

  it('a drop before the spoken words were transcribed: no blind re-ask, the user is told', async () => {
    const h = await setup({
      transcriptionDelayMs: 2000,
      replies: [{ text: 'Cut off right here.', dropAfterDeltas: 1 }],
    });
    h.session.start();
    await ready(h);
    speak(h);
    await until(() => h.server.connections.length === 2 && h.session.state().kind === 'ready', 'reconnected');
    await sleep(50);
    expect(h.server.connections[1]!.eventsOfType('response.create')).toHaveLength(0);
    expect(h.infos.some((m) => /please say it again/.test(m))).toBe(true);
    expect(h.server.allErrors()).toEqual([]);
  });

  it('repeated server_error: a fresh session', async () => {
    const h = await setup();
    h.session.start();
    await ready(h);
    const c1 = h.server.connections[0]!;
    for (let i = 0; i < 3; i++)
      c1.injectError({ code: 'server_error', type: 'server_error', message: 'The server had an error.' });
    await until(() => h.server.connections.length === 2 && h.session.state().kind === 'ready', 'reconnected');
    expect(c1.closeCode).toBe(4000);
    expect(h.errors.filter((e) => /server_error/.test(e.message))).toHaveLength(3);
  });

  it('a drop mid-tool-call: the late result is delivered as a system message in the new session', async () => {
    const h = await setup({
      replies: [
        { text: 'Starting.', functionCalls: [{ name: 'spawn_task', arguments: { prompt: 'refactor the parser' } }] },
        { text: 'The task started.' },
      ],
    });
    h.host.delayMs = 150;
    h.session.start();
    await ready(h);
    speak(h);
    await until(() => h.host.calls.length === 1, 'tool running');
    h.server.dropAll();
    await until(() => h.server.connections.length === 2 && h.session.state().kind === 'ready', 'reconnected');
    const c2 = h.server.connections[1]!;
    const isLate = (e: { type: string; item?: { role?: string; content?: { text?: string }[] } }): boolean =>
      e.type === 'conversation.item.create' &&
      !!e.item?.content?.[0]?.text?.includes('finished after the connection was renewed');
    const late = await h.server.waitForClientEvent((e, c) => c === c2 && isLate(e));
    await until(() => responsesDone(h, 2) === 1, 'answer with the late result');
    // The lost turn is not re-asked (that could spawn twice): the late result drives the answer.
    expect(c2.eventsOfType('response.create')).toHaveLength(1);
    const createAt = c2.received.find((r) => r.event.type === 'response.create')!.at;
    expect(createAt).toBeGreaterThanOrEqual(c2.received.find((r) => isLate(r.event))!.at);
    expect(late.item.content[0].text).toContain('"task_id":1');
    expect(
      c2.eventsOfType('conversation.item.create').filter((c) => c.item.type === 'function_call_output'),
    ).toHaveLength(0);
    expect(
      h.server.connections[0]!.eventsOfType('conversation.item.create').filter(
        (c) => c.item.type === 'function_call_output',
      ),
    ).toHaveLength(0);
    expect(h.host.calls).toHaveLength(1);
    expect(h.server.allErrors()).toEqual([]);
  });

  it('a drop after the tool output was sent but before the follow-up: result re-delivered, not lost', async () => {
    const h = await setup({
      replies: [
        { functionCalls: [{ name: 'list_tasks', arguments: {} }] },
        { text: 'slow follow-up', dropAfterDeltas: 1 },
        { text: 'ok' },
      ],
    });
    h.session.start();
    await ready(h);
    h.session.sendText('what runs?');
    await until(() => h.server.connections.length === 2 && h.session.state().kind === 'ready', 'reconnected');
    const c2 = h.server.connections[1]!;
    await until(() => responsesDone(h, 2) >= 1, 'answered');
    const sys = c2.eventsOfType('conversation.item.create').filter((c) => c.item.role === 'system');
    expect(sys.some((c) => c.item.content[0].text.includes('list_tasks'))).toBe(true);
    expect(h.host.calls).toHaveLength(1);
    expect(h.server.allErrors()).toEqual([]);
  });

  it('a drop before a task notice was spoken: the notice is spoken in the new session', async () => {
    let noticeReplies = 0;
    const h = await setup({
      replyFor: (ctx) =>
        ctx.metadata?.kind === 'task_notice' && noticeReplies++ === 0
          ? { text: 'Task seven finished and', dropAfterDeltas: 1 }
          : { text: 'Task seven finished.' },
    });
    h.session.start();
    await ready(h);
    h.session.notify({ taskId: 7, taskName: 't7', kind: 'finished', text: 'Task 7 finished.', at: Date.now() });
    await until(() => h.server.connections.length === 2 && h.session.state().kind === 'ready', 'reconnected');
    await until(() => responsesDone(h, 2) === 1, 'notice spoken after reconnect');
    const c2 = h.server.connections[1]!;
    expect(c2.responses.map((r) => r.metadata)).toEqual([{ kind: 'task_notice', task_ids: '7' }]);
    const notes = c2
      .eventsOfType('conversation.item.create')
      .filter((c) => c.item.role === 'system' && /Task update/.test(c.item.content[0].text));
    expect(notes).toHaveLength(1);
    expect(h.session.pendingNotices()).toBe(0);
    expect(h.server.allErrors()).toEqual([]);
  });

  it('a spoken turn held across a drop is resent whole to the new session', async () => {
    const h = await setup({ replies: [{ text: 'Got it.' }] });
    h.session.start();
    await ready(h);
    h.session.talkStart();
    for (let i = 0; i < 10; i++) h.session.appendAudio(Buffer.alloc(960));
    h.server.dropAll();
    await until(() => h.server.connections.length === 2 && h.session.state().kind === 'ready', 'reconnected');
    for (let i = 0; i < 5; i++) h.session.appendAudio(Buffer.alloc(960));
    h.session.talkEnd();
    await until(() => responsesDone(h, 2) === 1, 'answered');
    const c2 = h.server.connections[1]!;
    const bytes = c2
      .eventsOfType('input_audio_buffer.append')
      .reduce((n, e) => n + Buffer.from(e.audio, 'base64').length, 0);
    expect(bytes).toBe(15 * 960);
    expect(h.server.allErrors()).toEqual([]);
  });
});
