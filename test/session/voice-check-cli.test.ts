// `voice-orch voice-check --wav FILE` as a user runs it: the built binary in a subprocess, the
// fake OpenAI-compatible server on loopback for all three endpoints, a WAV file spoken by the real
// espeak-ng. One turn goes through speech-to-text, chat and speech; each stage is printed.
import { execa } from 'execa';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../helpers/fake-openai-server.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

let dir: string;
let wav: string;
let openai: FakeOpenAiServer;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vo-voice-check-'));
  wav = join(dir, 'turn.wav');
  execFileSync('espeak-ng', ['-v', 'en-us', '-w', wav, '--', 'what are my tasks doing']);
  openai = new FakeOpenAiServer({ speechBytes: 24_000 });
  openai.transcripts.push('What are my tasks doing?');
  openai.chat.push({ text: 'Nothing is running. Start one with n.', fragmentChars: 5 });
  url = await openai.start();
});
afterAll(async () => {
  await openai.close();
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
      VOICE_ORCH_VOICE_ENGINE: 'cascade',
      VOICE_ORCH_STT_URL: url,
      VOICE_ORCH_LLM_URL: url,
      VOICE_ORCH_TTS_URL: url,
      ...env,
    },
  });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

describe('voice-orch voice-check', () => {
  it('runs one turn from a WAV file and prints every stage, the transcript and the answer', async () => {
    const r = await voiceCheck(['--wav', wav]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^voice-check: cascade engine, .*turn\.wav \(\d\.\d s of audio\)/);
    expect(r.stdout).toContain(`  speech-to-text  ${url}  `);
    for (const stage of [
      'transcription request sent',
      'transcript received',
      'chat request sent',
      'first token',
      'first complete sentence',
      'speech request sent',
      'first speech bytes',
      'first audio to playback',
    ])
      expect(r.stdout).toMatch(new RegExp(`\\n  ${stage} +\\d+\\.\\d\\n`));
    expect(r.stdout).toContain('transcript: "What are my tasks doing?"');
    expect(r.stdout).toContain('answer: "Nothing is running. Start one with n."');
    expect(r.stdout.trim().endsWith('\nok')).toBe(true);
    // The WAV went up as the turn's audio: espeak-ng's 22 050 Hz resampled to 24 kHz, as a WAV.
    const file = openai.to('/v1/audio/transcriptions').at(-1)!.body.file as { bytes: number; head: string };
    const seconds = Number(/\((\d\.\d) s of audio\)/.exec(r.stdout)![1]);
    expect(file.head).toBe('RIFF');
    expect(Math.abs(file.bytes - 44 - seconds * 48_000)).toBeLessThan(48_000 * 0.06);
  });

  it('--json prints one object with the stages', async () => {
    const r = await voiceCheck(['--wav', wav, '--json']);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout) as {
      ok: boolean;
      stages: Record<string, number>;
      transcript: string;
      speechBytes: number;
    };
    expect(o.ok).toBe(true);
    expect(Object.keys(o.stages)).toEqual(
      expect.arrayContaining(['sttRequest', 'transcript', 'chatRequest', 'firstSpeechBytes', 'firstPlayback']),
    );
    expect(o.speechBytes).toBeGreaterThan(0);
  });

  it('--no-audio asks for no speech: the answer is text only', async () => {
    const before = openai.to('/v1/audio/speech').length;
    const r = await voiceCheck(['--wav', wav, '--no-audio']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('speech          none (--no-audio: text only)');
    expect(openai.to('/v1/audio/speech').length).toBe(before);
  });

  it('a refused connection names the endpoint and its URL, says what to do, and exits 1', async () => {
    const dead = await freePortUrl();
    const r = await voiceCheck(['--wav', wav], { VOICE_ORCH_STT_URL: dead });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`problem: .*[Ss]peech-to-text.*${dead.replace(/[./]/g, '\\$&')}`));
    expect(r.stdout).toContain('transcript: (none)');
    expect(r.stdout.trim().endsWith('voice-check failed')).toBe(true);
  });

  it('a wrong key is named as such; exit 1', async () => {
    openai.chat.push({ fail: 401 });
    const r = await voiceCheck(['--wav', wav]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/problem: .*[Cc]hat.*(key|401)/);
  });

  it('refuses a file that is not a WAV, with what to do, and needs --wav', async () => {
    const bad = join(dir, 'not.wav');
    writeFileSync(bad, 'hello');
    const r = await voiceCheck(['--wav', bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('not a WAV file. Give a 16-bit PCM WAV file');
    const none = await voiceCheck([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('voice-check needs --wav FILE');
  });
});

/** A loopback URL nobody listens on. */
async function freePortUrl(): Promise<string> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return `http://127.0.0.1:${port}/v1`;
}
