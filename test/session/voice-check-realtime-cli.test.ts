// `voice-orch voice-check --wav FILE --voice-engine realtime` as a user runs it: the built binary in
// a subprocess against the wire-level fake Realtime server on loopback, a WAV file spoken by the
// real espeak-ng. The turn goes up as input_audio_buffer.append chunks at 24 kHz, is committed and
// answered; the stages are printed.
import { execa } from 'execa';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeRealtimeServer } from '../helpers/fake-realtime-server.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const STAGES = ['audio sent (committed)', 'speech transcript', 'first response audio', 'response done'];

let dir: string;
let wav: string;
let realtime: FakeRealtimeServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vo-voice-check-rt-'));
  wav = join(dir, 'turn.wav');
  execFileSync('espeak-ng', ['-v', 'en-us', '-w', wav, '--', 'what are my tasks doing']);
  realtime = await FakeRealtimeServer.start({ apiKey: 'sk-test-good-key', transcriptionDelayMs: 50 });
});
afterAll(async () => {
  await realtime.close();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
async function voiceCheck(args: string[], env: NodeJS.ProcessEnv = {}) {
  const home = join(dir, `run-${++n}`);
  mkdirSync(home);
  const r = await execa(process.execPath, [CLI, 'voice-check', ...args], {
    reject: false,
    extendEnv: false,
    cwd: home,
    timeout: 60_000,
    env: {
      PATH: process.env.PATH,
      HOME: home,
      XDG_CONFIG_HOME: join(home, 'config'),
      XDG_STATE_HOME: join(home, 'state'),
      OPENAI_API_KEY: 'sk-test-good-key',
      VOICE_ORCH_VOICE_ENGINE: 'realtime',
      VOICE_ORCH_REALTIME_URL: realtime.url,
      ...env,
    },
  });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

describe('voice-orch voice-check with the Realtime engine', () => {
  it('sends the WAV as append chunks, commits, and prints each stage, the transcript and the answer', async () => {
    realtime.queueUserTranscript('What are my tasks doing?');
    realtime.queueReply({ text: 'Nothing is running. Start one with n.' });
    const before = realtime.connections.length;
    const r = await voiceCheck(['--wav', wav]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^voice-check: realtime engine, .*turn\.wav \(\d\.\d s of audio\)/);
    expect(r.stdout).toContain(`  realtime        ${realtime.url}  `);
    expect(r.stdout).toMatch(/\n {2}connected in +\d+ ms/);
    for (const stage of STAGES)
      expect(r.stdout).toMatch(new RegExp(`\\n  ${stage.replace(/[()]/g, '\\$&')} +\\d+\\.\\d\\n`));
    expect(r.stdout).toContain('transcript: "What are my tasks doing?"');
    expect(r.stdout).toContain('answer: "Nothing is running. Start one with n."');
    expect(r.stdout).toMatch(/\nspeech: \d\.\d s, first audio after \d+ ms\n/);
    expect(r.stdout.trim().endsWith('\nok')).toBe(true);
    expect(r.code).toBe(0);

    // On the wire: several appends, in 100 ms pieces, adding up to the file's audio at 24 kHz.
    const conn = realtime.connections[before]!;
    const appends = conn.eventsOfType('input_audio_buffer.append') as { audio: string }[];
    const bytes = appends.reduce((sum, e) => sum + Buffer.from(e.audio, 'base64').length, 0);
    const seconds = Number(/\((\d\.\d) s of audio\)/.exec(r.stdout)![1]);
    expect(appends.length).toBeGreaterThan(5);
    expect(Buffer.from(appends[0]!.audio, 'base64').length).toBe(4800);
    expect(Math.abs(bytes - seconds * 48_000)).toBeLessThan(48_000 * 0.06);
    expect(conn.eventsOfType('input_audio_buffer.commit')).toHaveLength(1);
    expect(conn.eventsOfType('response.create')).toHaveLength(1);
    expect(conn.errorsSent).toEqual([]);
  });

  it('--json prints one object with the stages in order', async () => {
    realtime.queueReply({ text: 'All quiet.' });
    const r = await voiceCheck(['--wav', wav, '--json']);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout) as {
      ok: boolean;
      engine: string;
      stages: Record<string, number>;
      speechBytes: number;
    };
    expect(o).toMatchObject({ ok: true, engine: 'realtime' });
    const { audioSent, transcript, firstAudio, responseDone } = o.stages;
    expect(audioSent).toBeLessThanOrEqual(firstAudio!);
    expect(firstAudio).toBeLessThanOrEqual(responseDone!);
    expect(transcript).toBeGreaterThanOrEqual(audioSent!);
    expect(o.speechBytes).toBeGreaterThan(0);
  });

  it('a rejected key is named as such, with the endpoint; exit 1', async () => {
    const r = await voiceCheck(['--wav', wav], { OPENAI_API_KEY: 'sk-wrong-key-1234' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /problem: Realtime endpoint ws:\/\/127\.0\.0\.1:\d+\/v1\/realtime: The OpenAI API key was rejected/,
    );
    expect(r.stdout).toContain('Fix OPENAI_API_KEY');
    expect(r.stdout.match(/^problem:/gm)).toHaveLength(1);
    expect(r.stdout).toContain('transcript: (none)');
    expect(r.stdout.trim().endsWith('voice-check failed')).toBe(true);
  });

  it('an endpoint nobody listens on is named, with what to do; exit 1 without retrying for ever', async () => {
    const dead = await freePortUrl();
    const r = await voiceCheck(['--wav', wav], { VOICE_ORCH_REALTIME_URL: dead });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`problem: Could not connect to the Realtime endpoint ${dead} (connect ECONNREFUSED`);
    expect(r.stdout).toContain('check --realtime-url');
  });

  it('a failed transcription and a failed response are reported; exit 1', async () => {
    realtime.queueUserTranscript({ fail: { code: 'audio_unintelligible', message: 'Audio could not be understood.' } });
    realtime.queueReply({ fail: { code: 'server_error', message: 'The server had an error.' } });
    const r = await voiceCheck(['--wav', wav]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('problem: The speech was not transcribed: Audio could not be understood.');
    expect(r.stdout).toMatch(/problem: .*The server had an error/);
  });

  it('a connection dropped during the answer is reported; exit 1', async () => {
    realtime.queueReply({ text: 'This answer is cut off in the middle of its audio.', dropAfterDeltas: 1 });
    const r = await voiceCheck(['--wav', wav]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`problem: Lost the connection to the Realtime endpoint ${realtime.url}`);
  });

  it('without a key it says what to set', async () => {
    const r = await voiceCheck(['--wav', wav], { OPENAI_API_KEY: '' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('problem: No OpenAI API key: set OPENAI_API_KEY');
  });
});

/** A loopback WebSocket URL nobody listens on. */
async function freePortUrl(): Promise<string> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return `ws://127.0.0.1:${port}/v1/realtime`;
}
