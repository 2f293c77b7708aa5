import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResponseCreateEvent } from 'openai/resources/realtime/realtime';
import { ResponseGate } from '../../src/session/response-gate.js';
import { NoticeQueue, earconFor, formatNoticeBatch } from '../../src/session/notice-queue.js';
import { CostMeter, DEFAULT_PRICING, pricingFor, usageCostUsd } from '../../src/session/cost-meter.js';
import { LatencyMarks, percentile } from '../../src/session/latency-marks.js';
import { TranscriptLog } from '../../src/session/transcript-log.js';
import { buildInstructions } from '../../src/session/instructions.js';
import { buildRealtimeUrl } from '../../src/session/realtime-client.js';
import { parseRetryAfterMs } from '../../src/session/realtime/error-policy.js';
import type { TaskNotice, TranscriptEntry } from '../../src/session/types.js';
import { TEST_TOOLS } from '../helpers/voice-doubles.js';

function gate(open = true): { g: ResponseGate; sent: ResponseCreateEvent[]; setOpen: (v: boolean) => void } {
  const sent: ResponseCreateEvent[] = [];
  let isOpen = open;
  const g = new ResponseGate((ev) => {
    if (!isOpen) return false;
    sent.push(ev);
    return true;
  });
  return { g, sent, setOpen: (v) => (isOpen = v) };
}

describe('ResponseGate', () => {
  it('idle → creating → active → idle, one create on the wire at a time', () => {
    const { g, sent } = gate();
    expect(g.state().kind).toBe('idle');
    g.request({ kind: 'user' });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.event_id).toBe('rc_1');
    expect(g.state()).toMatchObject({ kind: 'creating', eventId: 'rc_1' });
    g.request({ kind: 'notice', params: { metadata: { kind: 'task_notice' } } });
    expect(sent).toHaveLength(1);
    expect(g.queued()).toBe(1);
    g.onCreated('resp_1');
    expect(g.activeResponseId()).toBe('resp_1');
    expect(sent).toHaveLength(1);
    const req = g.onDone('resp_1');
    expect(req?.kind).toBe('user');
    expect(sent).toHaveLength(2);
    expect(sent[1]!.response).toEqual({ metadata: { kind: 'task_notice' } });
    g.onCreated('resp_2');
    g.onDone('resp_2');
    expect(g.isIdle()).toBe(true);
  });

  it('ignores response.done of another response', () => {
    const { g, sent } = gate();
    g.request({ kind: 'user' });
    g.onCreated('resp_1');
    g.request({ kind: 'notice', params: {} });
    expect(g.onDone('resp_other')).toBeNull();
    expect(g.activeResponseId()).toBe('resp_1');
    expect(sent).toHaveLength(1);
  });

  it('releases on an error whose event_id matches the pending create, not on others', () => {
    const { g, sent } = gate();
    const seen: string[] = [];
    g.request({ kind: 'user', onSent: (id) => seen.push(id) });
    g.request({ kind: 'notice', params: { metadata: { kind: 'task_notice' } } });
    expect(g.onError('commit_3')).toBeNull();
    expect(g.onError(null)).toBeNull();
    expect(g.state().kind).toBe('creating');
    expect(g.onError('rc_1')?.kind).toBe('user');
    expect(sent.map((e) => e.event_id)).toEqual(['rc_1', 'rc_2']);
    expect(seen).toEqual(['rc_1']);
  });

  it('merges plain requests waiting in the queue (a user turn and a tool follow-up share one create)', () => {
    const { g, sent } = gate();
    const seen: string[] = [];
    g.request({ kind: 'notice', params: {} });
    g.onCreated('resp_1');
    g.request({ kind: 'tool_followup', toolResponseIds: ['resp_0'], onSent: () => seen.push('a') });
    g.request({ kind: 'user', onSent: () => seen.push('b') });
    expect(g.queued()).toBe(1);
    g.onDone('resp_1');
    expect(sent).toHaveLength(2);
    expect(seen).toEqual(['a', 'b']);
    const st = g.state();
    expect(st.kind === 'creating' && st.request.mergedKinds).toEqual(['user']);
    expect(st.kind === 'creating' && st.request.toolResponseIds).toEqual(['resp_0']);
  });

  it('a response we did not ask for still occupies the slot', () => {
    const { g, sent } = gate();
    g.onCreated('resp_vad');
    g.request({ kind: 'user' });
    expect(sent).toHaveLength(0);
    g.onDone('resp_vad');
    expect(sent).toHaveLength(1);
  });

  it('keeps the request when the socket cannot take it; reset returns what was lost', () => {
    const { g, sent, setOpen } = gate(false);
    g.request({ kind: 'user' });
    expect(sent).toHaveLength(0);
    expect(g.queued()).toBe(1);
    setOpen(true);
    g.resume();
    expect(sent).toHaveLength(1);
    g.request({ kind: 'notice', params: {} });
    expect(g.reset().map((r) => r.kind)).toEqual(['user', 'notice']);
    expect(g.isIdle()).toBe(true);
  });

  it('pause holds the queue', () => {
    const { g, sent } = gate();
    g.pause();
    g.request({ kind: 'user' });
    expect(sent).toHaveLength(0);
    g.resume();
    expect(sent).toHaveLength(1);
  });
});

const n = (taskId: number, kind: TaskNotice['kind'], text: string, at = taskId): TaskNotice => ({
  taskId,
  taskName: `t${taskId}`,
  kind,
  text,
  at,
});

describe('NoticeQueue', () => {
  it('a single notice is spoken as is', () => {
    expect(formatNoticeBatch([n(1, 'finished', 'Task 1 finished.')])).toBe('Task 1 finished.');
    expect(formatNoticeBatch([])).toBe('');
  });

  it('batches same-kind notices with a count', () => {
    expect(formatNoticeBatch([n(1, 'finished', 'Task 1 finished.'), n(2, 'finished', 'Task 2 finished.')])).toBe(
      'Two tasks finished: Task 1 finished. Task 2 finished.',
    );
  });

  it('puts failures first, then by time', () => {
    const text = formatNoticeBatch([
      n(1, 'finished', 'A done.', 1),
      n(2, 'attention', 'B needs you.', 2),
      n(3, 'failed', 'C failed.', 3),
      n(4, 'stalled', 'D stalled.', 4),
      n(5, 'failed', 'E failed.', 0),
    ]);
    expect(text).toBe('Five task updates: E failed. C failed. D stalled. B needs you. A done.');
  });

  it('counts past ten in digits', () => {
    const many = Array.from({ length: 12 }, (_, i) => n(i, 'failed', `T${i} failed.`));
    expect(formatNoticeBatch(many).startsWith('12 tasks failed: T0 failed.')).toBe(true);
  });

  it('speak mode queues and takes one batch; chime and off do not queue', () => {
    const q = new NoticeQueue();
    expect(q.mode()).toBe('speak');
    expect(q.push(n(1, 'finished', 'x'))).toEqual({ action: 'queued' });
    expect(q.push(n(2, 'failed', 'y'))).toEqual({ action: 'queued' });
    const batch = q.takeBatch();
    expect(batch?.notices.map((x) => x.taskId)).toEqual([2, 1]);
    expect(q.takeBatch()).toBeNull();
    q.setMode('chime');
    expect(q.push(n(3, 'failed', 'z'))).toEqual({ action: 'chime', earcon: 'failed' });
    expect(q.push(n(4, 'stalled', 'z'))).toEqual({ action: 'chime', earcon: 'attention' });
    q.setMode('off');
    expect(q.push(n(5, 'finished', 'z'))).toEqual({ action: 'dropped' });
    expect(q.size()).toBe(0);
  });

  it('switching away from speak drops what waited; requeue puts a batch back in front', () => {
    const q = new NoticeQueue();
    q.push(n(1, 'finished', 'x'));
    q.setMode('off');
    expect(q.size()).toBe(0);
    q.setMode('speak');
    q.push(n(2, 'finished', 'b'));
    q.requeue([n(1, 'finished', 'a')]);
    expect(q.takeBatch()?.notices.map((x) => x.taskId)).toEqual([1, 2]);
  });

  it('maps kinds to earcons', () => {
    expect(earconFor('finished')).toBe('done');
    expect(earconFor('cancelled')).toBe('done');
    expect(earconFor('attention')).toBe('attention');
  });
});

describe('CostMeter', () => {
  const usage = {
    total_tokens: 320,
    input_tokens: 132,
    output_tokens: 188,
    input_token_details: {
      text_tokens: 59,
      audio_tokens: 73,
      image_tokens: 0,
      cached_tokens: 64,
      cached_tokens_details: { text_tokens: 0, audio_tokens: 64, image_tokens: 0 },
    },
    output_token_details: { text_tokens: 41, audio_tokens: 147 },
  };

  it('prices the reference example for gpt-realtime', () => {
    // 59×4 + 9×32 + 64×0.40 + 41×16 + 147×64 = 236 + 288 + 25.6 + 656 + 9408 = 10613.6 per 1M
    expect(usageCostUsd(usage, pricingFor('gpt-realtime'))).toBeCloseTo(0.0106136, 9);
  });

  it('uses per-model rows, prefixes and overrides', () => {
    expect(pricingFor('gpt-realtime-2').textOut).toBe(24);
    expect(pricingFor('gpt-realtime-2.1-mini').audioOut).toBe(20);
    expect(pricingFor('gpt-realtime-2025-08-28')).toBe(DEFAULT_PRICING['gpt-realtime']);
    expect(pricingFor('gpt-realtime-mini-2025-10-06')).toBe(DEFAULT_PRICING['gpt-realtime-mini']);
    expect(pricingFor('something-else')).toBe(DEFAULT_PRICING['gpt-realtime']);
    const m = new CostMeter('gpt-realtime', { 'gpt-realtime': { ...DEFAULT_PRICING['gpt-realtime']!, audioOut: 0 } });
    expect(m.add(usage).lastTurnUsd).toBeCloseTo((10613.6 - 147 * 64) / 1e6, 9);
  });

  it('sums the session; a turn spans several responses until beginTurn', () => {
    const m = new CostMeter('gpt-realtime');
    m.beginTurn();
    const a = m.add(usage);
    const b = m.add(usage);
    expect(b.sessionUsd).toBeCloseTo(2 * a.sessionUsd, 12);
    expect(b.lastTurnUsd).toBeCloseTo(2 * a.lastTurnUsd, 12);
    m.beginTurn();
    const c = m.add(null);
    expect(c.lastTurnUsd).toBe(0);
    expect(c.sessionUsd).toBeCloseTo(b.sessionUsd, 12);
    expect(m.lastResponseCostUsd()).toBe(0);
  });

  it('tolerates missing details and garbage numbers', () => {
    expect(usageCostUsd({ output_tokens: 1_000_000 }, pricingFor('gpt-realtime'))).toBeCloseTo(16, 9);
    expect(
      usageCostUsd({ input_token_details: { text_tokens: -5, audio_tokens: Number.NaN } }, pricingFor('gpt-realtime')),
    ).toBe(0);
    expect(usageCostUsd(undefined, pricingFor('gpt-realtime'))).toBe(0);
  });
});

describe('LatencyMarks', () => {
  it('measures the stages of one turn with an injected clock', () => {
    let t = 0;
    const seen: object[] = [];
    const marks = new LatencyMarks(
      (s) => seen.push(s),
      undefined,
      undefined,
      () => t,
    );
    marks.talkEnded(100);
    marks.commitSent(101.5);
    marks.audioDelta(400, 402);
    marks.audioDelta(500, 600);
    t = 1000;
    marks.toolOutputSent(990);
    expect(marks.snapshot()).toEqual({
      talkEndToCommitMs: 1.5,
      commitToFirstAudioMs: 298.5,
      firstAudioToPlaybackMs: 2,
      toolCallToOutputMs: 10,
    });
    expect(seen).toHaveLength(4);
    marks.talkEnded(2000);
    expect(marks.snapshot()).toEqual({});
  });

  it('writes one JSON line per figure to a 0600 file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vo-lat-'));
    const path = join(dir, 'sub', 'latency.jsonl');
    const marks = new LatencyMarks(() => {}, path);
    marks.talkEnded(0);
    marks.commitSent(3);
    await marks.close();
    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([{ at: expect.any(Number), stage: 'talkEndToCommitMs', ms: 3 }]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('percentile uses nearest rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile([5], 99)).toBe(5);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('TranscriptLog', () => {
  it('re-emits streaming entries under one id and logs only final ones to a 0600 file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vo-tr-'));
    const path = join(dir, 'transcript.jsonl');
    const seen: TranscriptEntry[] = [];
    const log = new TranscriptLog((e) => seen.push(e), path);
    log.appendDelta('item_a', 'assistant', 'Hel', 1);
    log.appendDelta('item_a', 'assistant', 'lo', 2);
    log.finalize('item_a', 'assistant', 'Hello.', 3);
    log.finalize('item_a', 'assistant', 'Hello.', 4);
    log.appendDelta('item_a', 'assistant', 'late', 5);
    await log.close();
    expect(seen.map((e) => [e.id, e.text, e.final, e.at])).toEqual([
      ['item_a', 'Hel', false, 1],
      ['item_a', 'Hello', false, 1],
      ['item_a', 'Hello.', true, 1],
    ]);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { id: 'item_a', role: 'assistant', text: 'Hello.', final: true, at: 1 },
    ]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('an entry finalized after close() neither reopens nor writes the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vo-tr-'));
    const path = join(dir, 'transcript.jsonl');
    const log = new TranscriptLog(() => {}, path);
    log.finalize('item_a', 'assistant', 'Before.', 1);
    await log.close();
    log.finalize('item_b', 'assistant', 'After close.', 2);
    await new Promise((r) => setTimeout(r, 20));
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(1);
    const unopened = join(dir, 'never.jsonl');
    const idle = new TranscriptLog(() => {}, unopened);
    await idle.close();
    idle.finalize('item_c', 'assistant', 'Late.', 3);
    await new Promise((r) => setTimeout(r, 20));
    expect(existsSync(unopened)).toBe(false);
  });

  it('recentTurns keeps the newest user/assistant turns within the limits', () => {
    const log = new TranscriptLog(() => {});
    for (let i = 0; i < 10; i++) {
      log.upsert({ id: `u${i}`, role: 'user', text: `question ${i}`, final: true, at: i });
      log.upsert({ id: `t${i}`, role: 'tool', text: 'tool stuff', final: true, at: i });
      log.upsert({ id: `a${i}`, role: 'assistant', text: `answer ${i}`, final: true, at: i });
    }
    log.upsert({ id: 'empty', role: 'user', text: '  ', final: false, at: 99 });
    expect(log.recentTurns(3, 4000)).toEqual([
      { role: 'assistant', text: 'answer 8' },
      { role: 'user', text: 'question 9' },
      { role: 'assistant', text: 'answer 9' },
    ]);
    const capped = log.recentTurns(12, 20);
    expect(capped.reduce((s, t) => s + t.text.length, 0)).toBeLessThanOrEqual(20);
    expect(capped.at(-1)).toEqual({ role: 'assistant', text: 'answer 9' });
  });
});

describe('small pure helpers', () => {
  it('parses "try again in" durations', () => {
    expect(parseRetryAfterMs('... Please try again in 7.853s. Visit ...')).toBe(7853);
    expect(parseRetryAfterMs('Please try again in 350ms.')).toBe(350);
    expect(parseRetryAfterMs('no hint here')).toBeNull();
  });

  it('builds the Realtime URL with exactly the model parameter', () => {
    expect(buildRealtimeUrl('wss://api.openai.com/v1/realtime', 'gpt-realtime')).toBe(
      'wss://api.openai.com/v1/realtime?model=gpt-realtime',
    );
    expect(buildRealtimeUrl('ws://127.0.0.1:1/v1/realtime?model=old', 'gpt-realtime-2')).toBe(
      'ws://127.0.0.1:1/v1/realtime?model=gpt-realtime-2',
    );
  });

  it('instructions list every tool by name', () => {
    const text = buildInstructions(TEST_TOOLS);
    for (const t of TEST_TOOLS) expect(text).toContain(`- ${t.name}: `);
    expect(buildInstructions([])).toMatch(/No tools/);
  });
});
