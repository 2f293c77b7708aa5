/**
 * Every endpoint failure of the cascade gives one line naming the endpoint's kind and URL and
 * what to do, the failed turn is reported as not sent, and the next turn works.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeFailure } from '../helpers/fake-openai-server.js';
import { cascadeRig, closeCascadeRigs, lastFinal, type CascadeRig } from '../helpers/cascade-rig.js';
import { pcm, until } from '../helpers/voice-doubles.js';

afterEach(closeCascadeRigs);

/** A loopback URL nobody listens on. */
async function refusedUrl(): Promise<string> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return `http://127.0.0.1:${port}/v1`;
}

async function nextTurnWorks(rig: CascadeRig): Promise<void> {
  rig.server.chat.push({ text: 'Back again and working fine.' });
  rig.engine.sendText('again');
  await until(() => lastFinal(rig, 'assistant') === 'Back again and working fine.', 'next answer');
}

const CASES: [string, FakeFailure, RegExp][] = [
  ['wrong key', { fail: 401 }, /rejected the API key \(401\); set OPENAI_API_KEY/],
  [
    'unknown model',
    { fail: 404 },
    /does not know model "gpt-4\.1-mini" \(404\); choose a listed model with --llm-model/,
  ],
  ['rate limit', { fail: 429, retryAfterS: 7 }, /rate limited \(429\); try again in 7 s/],
  ['server error', { fail: 500 }, /server error \(500\); try again/],
  ['hung request', { fail: 'hang' }, /did not answer within 0\.3 s; check that the server is running/],
];

describe('cascade chat failures', () => {
  for (const [name, failure, pattern] of CASES) {
    it(`reports ${name} as one line naming chat and its URL, and the next turn works`, async () => {
      // Only the hung request waits out the timeout; the others get a generous one, so that a
      // loaded machine answering slowly is not mistaken for a hang.
      const rig = await cascadeRig({}, { timeoutMs: failure.fail === 'hang' ? 300 : 10_000 });
      rig.server.chat.push(failure);
      rig.engine.sendText('hello');
      await until(() => rig.infos.length > 0, 'failure line');
      expect(rig.infos).toHaveLength(1);
      const line = rig.infos[0]!;
      expect(line).not.toContain('\n');
      expect(line.startsWith(`chat (${rig.url})`)).toBe(true);
      expect(line).toMatch(pattern);
      expect(line).toContain('Your turn was not sent');
      expect(rig.server.to('/v1/chat/completions')).toHaveLength(1);
      await nextTurnWorks(rig);
      // The failed message is not left in the history.
      expect(rig.engine.historyMessages().filter((m) => m.content === 'hello')).toHaveLength(0);
    });
  }

  it('reports a refused connection with the flag to fix', async () => {
    const dead = await refusedUrl();
    const broken = await cascadeRig({}, { override: { llm: { url: dead, model: 'm', timeoutMs: 2_000 } } });
    broken.engine.sendText('hello');
    await until(() => broken.infos.length > 0, 'failure line');
    expect(broken.infos[0]).toMatch(
      new RegExp(
        `^chat \\(${dead.replace(/[.]/g, '\\.')}\\) is unreachable \\(ECONNREFUSED\\); start the server or fix --llm-url\\.`,
      ),
    );
  });

  it('reports a stream that stops sending after its headers as a timeout', async () => {
    const rig = await cascadeRig({}, { timeoutMs: 300 });
    rig.server.chat.push({ text: 'This answer stalls between fragments.', fragmentChars: 10, fragmentDelayMs: 1_000 });
    rig.engine.sendText('hello');
    await until(() => rig.infos.length > 0, 'failure line', 4_000);
    expect(rig.infos[0]).toMatch(/^chat \(.*\) did not answer within 0\.3 s/);
    await nextTurnWorks(rig);
  });
});

describe('cascade speech-to-text and speech failures', () => {
  it('reports a failed transcription as speech-to-text with the spoken turn not sent', async () => {
    const rig = await cascadeRig({}, { timeoutMs: 300 });
    rig.server.transcripts.push({ fail: 401 }, 'second try');
    rig.engine.talkStart();
    rig.engine.appendAudio(pcm(300));
    rig.engine.talkEnd();
    await until(() => rig.infos.length > 0, 'failure line');
    expect(rig.infos[0]).toMatch(
      new RegExp(
        `^speech-to-text \\(${rig.url.replace(/[.]/g, '\\.')}\\) rejected the API key \\(401\\).*Your spoken turn was not sent\\.$`,
      ),
    );
    expect(rig.server.to('/v1/chat/completions')).toHaveLength(0);
    rig.engine.talkStart();
    rig.engine.appendAudio(pcm(300));
    rig.engine.talkEnd();
    await until(() => lastFinal(rig, 'user') === 'second try', 'second transcript');
    await until(() => lastFinal(rig, 'assistant') === 'OK.', 'answer');
  });

  it('reports a hung transcription within its timeout', async () => {
    const rig = await cascadeRig({}, { timeoutMs: 300 });
    rig.server.transcripts.push({ fail: 'hang' });
    rig.engine.talkStart();
    rig.engine.appendAudio(pcm(300));
    rig.engine.talkEnd();
    await until(() => rig.infos.length > 0, 'failure line');
    expect(rig.infos[0]).toMatch(/^speech-to-text \(.*\) did not answer within 0\.3 s/);
  });

  it('shows the answer as text when speech fails, once per answer, and speaks the next one', async () => {
    const rig = await cascadeRig({}, { timeoutMs: 300 });
    rig.server.speechFailures.push({ fail: 500 });
    rig.server.chat.push({
      text: 'This first sentence is long enough to be spoken alone. And a second one follows it here.',
    });
    rig.engine.sendText('hello');
    await until(() => lastFinal(rig, 'assistant') !== undefined && rig.infos.length > 0, 'answer and line');
    expect(rig.infos).toHaveLength(1);
    expect(rig.infos[0]).toMatch(/^speech \(.*\) had a server error \(500\).*The answer is shown as text only\.$/);
    expect(rig.audio.playCalls).toBe(0);
    await nextTurnWorks(rig);
    await until(() => rig.audio.playCalls > 0, 'speech of the next answer');
  });
});

describe('cascade notice failures', () => {
  it('says a task update was not spoken when its chat request fails', async () => {
    const rig = await cascadeRig({}, { timeoutMs: 300 });
    rig.server.chat.push({ fail: 500 });
    rig.engine.notify({ taskId: 3, taskName: 'lint', kind: 'failed', text: 'Task 3 lint failed.', at: Date.now() });
    await until(() => rig.infos.length > 0, 'failure line');
    expect(rig.infos[0]).toMatch(/^chat \(.*\) had a server error \(500\).*The task update was not spoken/);
    await nextTurnWorks(rig);
  });
});

describe('cascade speech that stops mid-stream', () => {
  it('ends a speech body that stops sending within the timeout and shows the rest as text', async () => {
    const rig = await cascadeRig({ speechChunkDelayMs: 1_000 }, { timeoutMs: 300 });
    rig.server.chat.push({ text: 'This first sentence is long enough to be spoken alone, and it stalls.' });
    rig.engine.sendText('hello');
    await until(() => rig.infos.length > 0, 'failure line', 4_000);
    expect(rig.infos[0]).toMatch(/^speech \(.*\) did not answer within 0\.3 s.*The answer is shown as text only\.$/);
    await until(() => rig.server.to('/v1/audio/speech')[0]!.aborted, 'the speech request closed');
    rig.server.chat.push({ text: 'Back again.' });
    rig.engine.sendText('again');
    await until(() => lastFinal(rig, 'assistant') === 'Back again.', 'next answer');
  });
});
