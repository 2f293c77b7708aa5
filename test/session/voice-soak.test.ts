import { afterEach, describe, expect, it } from 'vitest';
import type { ScriptedReply } from '../helpers/fake-realtime-server.js';
import { closeHarnesses, pcm, ready, setup, sleep, speak, until } from '../helpers/voice-doubles.js';
import type { TaskNotice } from '../../src/session/types.js';

afterEach(closeHarnesses);

/** Small deterministic PRNG (mulberry32) so a failing soak can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TURNS = 500;
const SEED = Number(process.env.VOICE_SOAK_SEED ?? 20261121);

describe('soak', () => {
  it(`${TURNS} scripted turns with tool calls, notices and barge-ins end with zero protocol errors`, async () => {
    const rand = rng(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    let bargeNext = false;
    const h = await setup(
      {
        committedDelayMs: 1,
        transcriptionDelayMs: 2,
        deltaIntervalMs: 0,
        rateLimitDelayMs: 1,
        tokensPerMinute: 1e12,
        replyFor: (ctx): ScriptedReply => {
          if (ctx.metadata?.kind === 'task_notice') return { text: 'A task changed.', audioMs: 120 };
          if (ctx.lastToolOutputs.length > 0) return { text: 'Done with that.', audioMs: 150 };
          if (bargeNext)
            return { text: 'This answer is long and will be interrupted.', audioMs: 3000, deltaIntervalMs: 3 };
          const r = rand();
          if (r < 0.3) {
            const n = 1 + Math.floor(rand() * 2);
            return {
              text: rand() < 0.5 ? 'On it.' : undefined,
              audioMs: 120,
              functionCalls: Array.from({ length: n }, () => {
                const name = pick(['spawn_task', 'list_tasks', 'cancel_task']);
                const args = rand() < 0.1 ? '{"prompt": broken' : JSON.stringify({ prompt: 'do it', task_id: '1' });
                return { name, arguments: args };
              }),
            };
          }
          return { text: 'Here is a short answer.', audioMs: 100 + Math.floor(rand() * 500) };
        },
      },
      { audioSpeed: 25 },
    );
    h.host.delayMs = () => Math.floor(rand() * 4);
    h.session.start();
    await ready(h);

    let noticeSeq = 0;
    const stats = { spoken: 0, typed: 0, short: 0, discarded: 0, barges: 0, notices: 0 };
    for (let turn = 0; turn < TURNS; turn++) {
      if (rand() < 0.25) {
        const kind = pick<TaskNotice['kind']>(['finished', 'failed', 'stalled', 'finished']);
        h.session.notify({
          taskId: ++noticeSeq,
          taskName: `t${noticeSeq}`,
          kind,
          text: `Task ${noticeSeq} ${kind}.`,
          at: Date.now(),
        });
        stats.notices++;
      }
      if (rand() < 0.1) h.host.board = { version: h.host.board.version + 1, summary: `Board ${turn}.` };
      const r = rand();
      if (r < 0.15) {
        // Barge-in: a long answer, interrupted while it is streaming and audible.
        bargeNext = true;
        h.session.sendText(`question ${turn}`);
        stats.typed++;
        const before = h.audio.playCalls;
        await until(() => h.audio.playCalls >= before + 3, `audio of turn ${turn}`);
        bargeNext = false;
        speak(h, 120 + Math.floor(rand() * 200));
        stats.barges++;
      } else if (r < 0.6) {
        speak(h, 100 + Math.floor(rand() * 300));
        stats.spoken++;
      } else if (r < 0.85) {
        h.session.sendText(`typed ${turn}`);
        stats.typed++;
      } else if (r < 0.93) {
        h.session.talkStart();
        h.session.appendAudio(pcm(40));
        h.session.talkEnd();
        stats.short++;
      } else {
        h.session.talkStart();
        h.session.appendAudio(pcm(200));
        h.session.talkDiscard();
        stats.discarded++;
      }
      await until(() => h.session.isIdle(), `idle after turn ${turn}`, 10_000);
    }
    await sleep(50);

    const errors = h.server.allErrors().map((e) => `${e.error.code}: ${e.error.message}`);
    expect(errors).toEqual([]);
    expect(h.server.allNotes()).toEqual([]);
    expect(h.errors).toEqual([]);
    expect(h.server.connections).toHaveLength(1);
    const conn = h.server.connections[0]!;
    // Every completed function call ran exactly once and got exactly one output.
    const emitted = conn
      .sentOfType('response.output_item.done')
      .filter((e) => e.item.type === 'function_call' && e.item.status === 'completed')
      .map((e) => e.item.call_id as string);
    const executed = h.host.calls.map((c) => c.callId);
    expect(new Set(executed).size).toBe(executed.length);
    expect([...executed].sort()).toEqual([...emitted].sort());
    const outputs = conn.eventsOfType('conversation.item.create').filter((c) => c.item.type === 'function_call_output');
    expect(outputs.map((o) => o.item.call_id).sort()).toEqual([...emitted].sort());
    expect(emitted.length).toBeGreaterThan(50);
    // Barge-ins really cancelled streaming responses and truncated what was heard.
    expect(conn.responses.filter((r) => r.status === 'cancelled').length).toBeGreaterThanOrEqual(stats.barges * 0.9);
    expect(conn.truncations.length).toBeGreaterThanOrEqual(stats.barges * 0.9);
    // All notices were spoken (batched), none left behind.
    expect(h.session.pendingNotices()).toBe(0);
    expect(conn.responses.filter((r) => r.metadata?.kind === 'task_notice').length).toBeGreaterThan(0);
    expect(stats.spoken + stats.typed).toBeGreaterThan(TURNS * 0.6);
    console.log(
      JSON.stringify({
        soak: { seed: SEED, turns: TURNS, ...stats, responses: conn.responses.length, toolCalls: emitted.length },
      }),
    );
  }, 180_000);
});
