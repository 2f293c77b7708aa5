/**
 * The connect timeout of a cascade endpoint, apart from its request timeout: against a listener
 * that never accepts (a child process whose event loop is blocked, its accept queue filled), a
 * turn fails with a line saying no connection was accepted, and the next turn to a live
 * endpoint works.
 */
import { execa, type ResultPromise } from 'execa';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveVoiceEngineSettings } from '../../src/config/voice-engine-settings.js';
import { NoConnectionError, probeConnect } from '../../src/session/cascade/connect-timeout.js';
import { cascadeRig, closeCascadeRigs, lastFinal } from '../helpers/cascade-rig.js';
import { until } from '../helpers/voice-doubles.js';

const BLOCKED_LISTENER = `
const s = require('node:net').createServer();
s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
  process.stdout.write(s.address().port + '\\n');
  // Block the event loop: the kernel queues a connection or two, then drops the rest.
  setTimeout(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0), 50);
});`;

let child: ResultPromise | null = null;
const fillers: Socket[] = [];
afterEach(async () => {
  for (const s of fillers.splice(0)) s.destroy();
  child?.kill('SIGKILL');
  await child?.catch(() => undefined);
  child = null;
  await closeCascadeRigs();
});

/** A URL whose port accepts no new connection. */
async function blackholeUrl(): Promise<string> {
  child = execa(process.execPath, ['-e', BLOCKED_LISTENER], { reject: false });
  const port = await new Promise<number>((resolve) => {
    child!.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
  });
  await new Promise((r) => setTimeout(r, 200));
  // Fill the accept queue so later connection attempts get no answer.
  for (let i = 0; i < 8; i++) {
    const s = connect({ host: '127.0.0.1', port });
    s.on('error', () => undefined);
    fillers.push(s);
  }
  await new Promise((r) => setTimeout(r, 200));
  return `http://127.0.0.1:${port}/v1`;
}

describe('cascade connect timeout', () => {
  it('defaults to 10 s per endpoint, and cascadeConnectTimeoutSeconds sets it', () => {
    const d = resolveVoiceEngineSettings({}, {});
    expect([d.stt.connectTimeoutMs, d.llm.connectTimeoutMs, d.tts.connectTimeoutMs]).toEqual([10_000, 10_000, 10_000]);
    expect(d.llm.timeoutMs).toBe(30_000);
    const s = resolveVoiceEngineSettings({ cascadeConnectTimeoutSeconds: 2.5 }, {});
    expect(s.llm.connectTimeoutMs).toBe(2_500);
    expect(s.llm.timeoutMs).toBe(30_000);
  });

  it('a probe of a port that accepts no connection fails with NoConnectionError', async () => {
    const url = new URL(await blackholeUrl());
    const err = await probeConnect(url, 300).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoConnectionError);
    expect((err as NoConnectionError).message).toBe(`no connection to ${url.origin} within 0.3 s`);
  });

  it('a chat endpoint that accepts no connection fails its turn within the connect timeout, not the request timeout; the next turn works', async () => {
    const dead = await blackholeUrl();
    const live = await cascadeRig();
    const rig = await cascadeRig(
      {},
      { override: { llm: { url: dead, model: 'm', timeoutMs: 60_000, connectTimeoutMs: 300 } } },
    );
    rig.engine.sendText('hello');
    await until(() => rig.infos.length > 0, 'failure line', 10_000);
    expect(rig.infos[0]).toBe(
      `chat (${dead}) accepted no connection within 0.3 s; check the host and port in --llm-url and that the server is up. Your turn was not sent; try again.`,
    );
    // The same engine build against a live server answers (the probe lets a reachable origin through).
    live.server.chat.push({ text: 'Reached.' });
    live.engine.sendText('hi');
    await until(() => lastFinal(live, 'assistant') === 'Reached.', 'live answer');
    live.server.chat.push({ text: 'Again.' });
    live.engine.sendText('again');
    await until(() => lastFinal(live, 'assistant') === 'Again.', 'second answer');
  });
});
