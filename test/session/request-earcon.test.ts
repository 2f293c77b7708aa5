/**
 * A task that starts waiting for a decision is heard at once: a distinct earcon (in speak mode
 * beside the spoken notice, in chime mode instead of it, nothing when notices are off), and the
 * spoken notice goes before failures and completions.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EARCON_TONES, earconPcm } from '../../src/audio/earcons.js';
import type { EarconKind } from '../../src/audio/types.js';
import { requestNotice } from '../../src/commands/wording/request-notices.js';
import type { PendingRequest } from '../../src/permissions/broker.js';
import { formatNoticeBatch, NoticeQueue } from '../../src/session/notice-queue.js';
import type { TaskNotice } from '../../src/session/types.js';
import { closeHarnesses, ready, responsesDone, setup, sleep, until } from '../helpers/voice-doubles.js';

afterEach(closeHarnesses);

const req = (task: number, command: string): PendingRequest => ({
  id: `${task}.1`,
  task,
  run: 1,
  toolName: 'Bash',
  input: { command },
  askedAt: 1,
  connected: true,
});

const n = (taskId: number, kind: TaskNotice['kind'], text: string, at = taskId): TaskNotice => ({
  taskId,
  taskName: `t${taskId}`,
  kind,
  text,
  at,
});

describe('the "needs you" earcon', () => {
  it('is a sound of its own, unlike every other earcon', () => {
    const mine = earconPcm('request').toString('base64');
    for (const kind of Object.keys(EARCON_TONES) as EarconKind[]) {
      if (kind !== 'request') expect(earconPcm(kind).toString('base64')).not.toBe(mine);
    }
  });

  it('a request notice carries its earcon in speak and chime mode, and nothing when notices are off', () => {
    const notice = requestNotice(req(3, 'npm test'), undefined, 10);
    expect(notice.kind).toBe('request');
    const q = new NoticeQueue('speak');
    expect(q.push(notice)).toEqual({ action: 'queued', earcon: 'request' });
    expect(q.push(n(4, 'finished', 'Task 4 finished.'))).toEqual({ action: 'queued' });
    q.setMode('chime');
    expect(q.push(notice)).toEqual({ action: 'chime', earcon: 'request' });
    q.setMode('off');
    expect(q.push(notice)).toEqual({ action: 'dropped' });
  });

  it('several requests become one sentence, said before failures and completions', () => {
    const text = formatNoticeBatch([
      n(1, 'finished', 'A done.', 1),
      n(2, 'failed', 'B failed.', 2),
      n(3, 'request', 'C asks.', 3),
    ]);
    expect(text).toBe('Three task updates: C asks. B failed. A done.');
    expect(formatNoticeBatch([n(3, 'request', 'C asks.'), n(5, 'request', 'E asks.')])).toBe(
      'Two tasks need you: C asks. E asks.',
    );
  });

  it('the voice session plays it at once and speaks the request; chime mode only plays it; off is silent', async () => {
    const h = await setup();
    h.session.start();
    await ready(h);
    h.session.notify(requestNotice(req(3, 'npm test'), undefined, Date.now()));
    expect(h.audio.earcons).toEqual(['request']);
    await until(() => responsesDone(h) === 1, 'spoken notice');
    const conn = h.server.connections[0]!;
    const said = conn.eventsOfType('conversation.item.create')[0].item.content[0].text as string;
    expect(said).toContain('npm test');
    expect(said).toContain('needs you');

    h.session.setNoticeMode('chime');
    h.session.notify(requestNotice(req(4, 'npm install'), undefined, Date.now()));
    h.session.notify(n(5, 'finished', 'Task 5 finished.'));
    h.session.setNoticeMode('off');
    h.session.notify(requestNotice(req(6, 'make'), undefined, Date.now()));
    await sleep(60);
    expect(h.audio.earcons).toEqual(['request', 'request', 'done']);
    expect(conn.eventsOfType('response.create')).toHaveLength(1);
    expect(h.server.allErrors()).toEqual([]);
  });
});
