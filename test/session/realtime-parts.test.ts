/** Pure parts of the Realtime engine: the server-event parser, the executed-call memory, the idle step. */
import { describe, expect, it } from 'vitest';
import { ExecutedCalls } from '../../src/session/realtime/executed-calls.js';
import { nextIdleStep, type IdleWork } from '../../src/session/realtime/idle-pump.js';
import { parseServerEvent } from '../../src/session/realtime/server-events.js';
import { classifyError } from '../../src/session/realtime/error-policy.js';

describe('server-event parser', () => {
  it('maps beta audio names to GA and decodes the audio once', () => {
    const ev = parseServerEvent({
      type: 'response.audio.delta',
      item_id: 'i',
      response_id: 'r',
      delta: 'AAAA',
    } as never);
    expect(ev).toMatchObject({ type: 'response.output_audio.delta', item_id: 'i', response_id: 'r' });
    expect(ev?.type === 'response.output_audio.delta' && ev.pcm.length).toBe(3);
  });

  it('turns missing or mistyped fields into empty values instead of leaving them to handlers', () => {
    expect(parseServerEvent({ type: 'input_audio_buffer.committed', item_id: 7 } as never)).toEqual({
      type: 'input_audio_buffer.committed',
      item_id: '',
    });
    expect(parseServerEvent({ type: 'error' })).toEqual({
      type: 'error',
      error: { type: '', code: '', message: 'unknown error', eventId: null },
    });
  });

  it('reads a finished response: function calls with string arguments, the failure, the transcript', () => {
    const ev = parseServerEvent({
      type: 'response.done',
      response: {
        id: 'r1',
        status: 'failed',
        status_details: { error: { code: 'rate_limit_exceeded', message: 'try again in 2s' } },
        output: [
          {
            type: 'function_call',
            id: 'f',
            call_id: 'c',
            name: 'list_tasks',
            arguments: { a: 1 },
            status: 'completed',
          },
          { type: 'message', role: 'assistant', id: 'm', content: [{ type: 'output_audio', transcript: 'Hi' }] },
          { type: 'message', role: 'user', id: 'u' },
        ],
      },
    } as never);
    expect(ev).toEqual({
      type: 'response.done',
      response: {
        id: 'r1',
        status: 'failed',
        error: { code: 'rate_limit_exceeded', message: 'try again in 2s' },
        usage: null,
        output: [
          {
            type: 'function_call',
            id: 'f',
            call_id: 'c',
            name: 'list_tasks',
            arguments: '{"a":1}',
            status: 'completed',
          },
          { type: 'message', role: 'assistant', id: 'm', transcript: 'Hi' },
          { type: 'other', id: 'u' },
        ],
      },
    });
  });

  it('ignores events the engine does not act on', () => {
    expect(parseServerEvent({ type: 'rate_limits.updated' })).toBeNull();
  });
});

describe('executed calls', () => {
  it('claims an id once and forgets the oldest beyond its capacity', () => {
    const seen = new ExecutedCalls(2);
    expect(seen.claim('a')).toBe(true);
    expect(seen.claim('a')).toBe(false);
    seen.claim('b');
    seen.claim('c');
    expect(seen.size()).toBe(2);
    expect(seen.claim('b')).toBe(false);
    expect(seen.claim('a')).toBe(true);
  });
});

describe('idle step', () => {
  const none: IdleWork = {
    pendingConfigured: false,
    pendingOpen: false,
    lateResults: false,
    noticesToSpeak: false,
    rotationDue: false,
  };
  it('does nothing without work, waits while busy, and takes over a rotated session before anything else', () => {
    expect(nextIdleStep(none, () => true)).toBeNull();
    expect(nextIdleStep({ ...none, noticesToSpeak: true }, () => false)).toBe('wait');
    expect(nextIdleStep({ ...none, pendingConfigured: true, pendingOpen: true, lateResults: true }, () => true)).toBe(
      'swap',
    );
    expect(nextIdleStep({ ...none, lateResults: true, noticesToSpeak: true }, () => true)).toBe('late_results');
    expect(nextIdleStep({ ...none, rotationDue: true }, () => true)).toBe('rotate');
    expect(nextIdleStep({ ...none, rotationDue: true, pendingOpen: true }, () => true)).toBeNull();
  });
});

describe('error policy', () => {
  it('a rejected session configuration is its own class; other errors say what the user sees', () => {
    expect(classifyError({ code: 'invalid_value', message: 'bad', eventId: 'cfg_1' }, 'cfg_1').kind).toBe(
      'config_rejected',
    );
    expect(classifyError({ code: 'invalid_api_key', message: 'no', eventId: null }, 'cfg_1').kind).toBe('fatal');
    expect(classifyError({ code: 'response_cancel_not_active', message: 'x', eventId: null }, 'cfg_1')).toEqual({
      kind: 'other',
      report: { kind: 'none' },
    });
  });
});
