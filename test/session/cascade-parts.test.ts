/**
 * The cascade's pure parts: sentence splitting for speech, the WAV upload, the bounded history,
 * the chat tool shape and the one-line endpoint failures.
 */
import { APIConnectionTimeoutError, APIUserAbortError, RateLimitError } from 'openai';
import { describe, expect, it } from 'vitest';
import { describeEndpointFailure, isOwnAbort } from '../../src/session/cascade/endpoint-errors.js';
import { ChatHistory, chatTools } from '../../src/session/cascade/history.js';
import { JOIN_MAX, SentenceSplitter } from '../../src/session/cascade/sentences.js';
import { pcm16ToWav } from '../../src/session/cascade/wav.js';
import { TEST_TOOLS } from '../helpers/voice-doubles.js';

function split(fragments: string[]): string[][] {
  const s = new SentenceSplitter();
  return [...fragments.map((f) => s.push(f)), s.flush()];
}

describe('SentenceSplitter', () => {
  it('hands on each sentence as soon as the next fragment shows it ended', () => {
    expect(
      split([
        'The first task has fin',
        'ished without problems. The sec',
        'ond one is still running its integration tests. Bye',
      ]),
    ).toEqual([
      [],
      ['The first task has finished without problems.'],
      ['The second one is still running its integration tests.'],
      ['Bye'],
    ]);
  });

  it('joins short sentences, does not split decimals, and cuts text over the limit at a word', () => {
    expect(split(['Sure. Okay. Version 3.5 of the api project is now deployed to staging. '])).toEqual([
      ['Sure. Okay. Version 3.5 of the api project is now deployed to staging.'],
      [],
    ]);
    const long = `${'word '.repeat(100)}end`;
    const out = split([long]).flat();
    expect(out.every((p) => p.length <= JOIN_MAX)).toBe(true);
    expect(out.join(' ')).toBe(long);
  });
});

describe('pcm16ToWav', () => {
  it('writes a 44-byte RIFF header for mono 16-bit 24 kHz', () => {
    const wav = pcm16ToWav(Buffer.alloc(480));
    expect(wav.length).toBe(524);
    expect(wav.toString('latin1', 0, 4)).toBe('RIFF');
    expect(wav.toString('latin1', 8, 16)).toBe('WAVEfmt ');
    expect(wav.readUInt16LE(22)).toBe(1);
    expect(wav.readUInt32LE(24)).toBe(24_000);
    expect(wav.readUInt16LE(34)).toBe(16);
    expect(wav.readUInt32LE(40)).toBe(480);
  });
});

describe('ChatHistory', () => {
  it('keeps the newest messages within the budget and never starts with a tool result', () => {
    const h = new ChatHistory(200);
    h.push({ role: 'user', content: 'a'.repeat(100) });
    h.push({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'c1', type: 'function', function: { name: 'x', arguments: '{}' } }],
    });
    h.push({ role: 'tool', tool_call_id: 'c1', content: 'b'.repeat(60) });
    h.push({ role: 'user', content: 'latest' });
    const sent = h.bounded();
    expect(sent[0]!.role).toBe('user');
    expect(sent.at(-1)).toEqual({ role: 'user', content: 'latest' });
    expect(sent.some((m) => m.content === 'a'.repeat(100))).toBe(false);
  });

  it('turns registry tools into chat-completions function tools', () => {
    expect(chatTools(TEST_TOOLS)[0]).toEqual({
      type: 'function',
      function: { name: 'spawn_task', description: TEST_TOOLS[0]!.description, parameters: TEST_TOOLS[0]!.parameters },
    });
  });
});

describe('describeEndpointFailure', () => {
  const req = { kind: 'speech' as const, url: 'http://127.0.0.1:8000/v1', model: 'kokoro', timeoutMs: 30_000 };
  it('names the endpoint, the URL and what to do, on one line', () => {
    expect(describeEndpointFailure(req, new APIConnectionTimeoutError())).toBe(
      'speech (http://127.0.0.1:8000/v1) did not answer within 30 s; check that the server is running and not overloaded.',
    );
    const limited = new RateLimitError(
      429,
      { message: 'slow\ndown' },
      'slow down',
      new Headers({ 'retry-after': '12' }),
    );
    expect(describeEndpointFailure(req, limited)).toBe(
      'speech (http://127.0.0.1:8000/v1) is rate limited (429); try again in 12 s.',
    );
  });

  it('treats our own aborts as no failure', () => {
    expect(isOwnAbort(new APIUserAbortError())).toBe(true);
    expect(isOwnAbort(new Error('x'))).toBe(false);
  });
});
