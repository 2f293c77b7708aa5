/**
 * The loopback OpenAI-compatible fake, read through the real `openai` client: the shapes it
 * sends are the ones the client parses (models, streamed chunks, error bodies and headers).
 */
import OpenAI, { AuthenticationError, NotFoundError, RateLimitError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../helpers/fake-openai-server.js';

let server: FakeOpenAiServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function client(key = 'k'): Promise<OpenAI> {
  server = new FakeOpenAiServer();
  return new OpenAI({ baseURL: await server.start(), apiKey: key, maxRetries: 0 });
}

describe('FakeOpenAiServer', () => {
  it('lists models', async () => {
    const c = await client();
    const ids: string[] = [];
    for await (const m of c.models.list()) ids.push(m.id);
    expect(ids).toEqual(['gpt-4o-mini-transcribe', 'gpt-4.1-mini', 'gpt-4o-mini-tts']);
  });

  it('streams tool-call deltas split across chunks that the client reassembles, then finish_reason', async () => {
    const c = await client();
    server!.chat.push({ toolCalls: [{ id: 'call_1', name: 'list_tasks', arguments: '{"filter":"running tasks"}' }] });
    const stream = c.chat.completions.stream({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    const done = await stream.finalChatCompletion();
    expect(done.choices[0]!.finish_reason).toBe('tool_calls');
    expect(done.choices[0]!.message.tool_calls).toEqual([
      { id: 'call_1', type: 'function', function: { name: 'list_tasks', arguments: '{"filter":"running tasks"}' } },
    ]);
  });

  it('answers errors in the shape the client maps to its error classes', async () => {
    const c = await client();
    server!.chat.push({ fail: 404 }, { fail: 429, retryAfterS: 3 });
    const notFound = await c.chat.completions.create({ model: 'nope', messages: [] }).catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(NotFoundError);
    expect((notFound as NotFoundError).code).toBe('model_not_found');
    const limited = await c.chat.completions.create({ model: 'm', messages: [] }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).headers?.get('retry-after')).toBe('3');
    const wrong = new OpenAI({ baseURL: server!.baseUrl(), apiKey: 'wrong-key', maxRetries: 0 });
    const denied = await wrong.models.list().catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(AuthenticationError);
    expect((denied as AuthenticationError).code).toBe('invalid_api_key');
  });

  it('streams speech as PCM of the configured length', async () => {
    const c = await client();
    const res = await c.audio.speech.create({ model: 'm', voice: 'coral', input: 'hi', response_format: 'pcm' });
    expect(Buffer.from(await res.arrayBuffer()).length).toBe(48_000);
  });
});
