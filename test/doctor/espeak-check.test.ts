// doctor with the local espeak-ng voice: the program must be on PATH; no speech endpoint is checked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/config.js';
import { voiceEndpointCheck } from '../../src/doctor/endpoint-checks.js';
import { runDoctorChecks } from '../../src/doctor/run-doctor.js';
import { FakeOpenAiServer } from '../helpers/fake-openai-server.js';

let server: FakeOpenAiServer;
let url: string;
beforeAll(async () => {
  server = new FakeOpenAiServer();
  url = await server.start();
});
afterAll(() => server.close());

async function check(path: string) {
  const env = { HOME: '/nonexistent', PATH: path, OPENAI_API_KEY: 'test-key' };
  const r = loadSettings(
    ['--voice-engine', 'cascade', '--stt-url', url, '--llm-url', url, '--tts-engine', 'espeak-ng'],
    env,
    '/',
  );
  if (!r.ok) throw new Error(r.message);
  return runDoctorChecks(r.settings, { env, checks: [voiceEndpointCheck] });
}

describe('doctor with --tts-engine espeak-ng', () => {
  it('finds espeak-ng and checks only the speech-to-text and chat endpoints', async () => {
    const found = await check(process.env.PATH ?? '/usr/bin');
    expect(found.map((f) => [f.name, f.severity])).toEqual([
      ['endpoint:speech-to-text', 'ok'],
      ['endpoint:chat', 'ok'],
      ['speech:espeak-ng', 'ok'],
    ]);
    expect(found[2]!.detail).toMatch(/espeak-ng speaks with voice en-us$/);
  });

  it('is an error when espeak-ng is not installed', async () => {
    const found = await check('/nonexistent');
    expect(found.at(-1)).toMatchObject({ name: 'speech:espeak-ng', severity: 'error' });
    expect(found.at(-1)!.detail).toContain('install the espeak-ng package or use --tts-engine http');
  });
});
