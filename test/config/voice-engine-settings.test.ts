import { DEFAULT_CASCADE_PRICES } from '../../src/session/cascade/cascade-cost.js';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HELP_TEXT, loadSettings } from '../../src/config/config.js';

function homeWith(config?: unknown): string {
  const home = mkdtempSync(join(tmpdir(), 'vo-engine-'));
  if (config !== undefined) {
    mkdirSync(join(home, '.config', 'voice-orch'), { recursive: true });
    writeFileSync(join(home, '.config', 'voice-orch', 'config.json'), JSON.stringify(config));
  }
  return home;
}

describe('voice engine settings', () => {
  it('default to the Realtime engine and OpenAI endpoints with cheap models for the cascade', () => {
    const res = loadSettings([], { HOME: homeWith(), OPENAI_API_KEY: 'sk-a' }, '/w');
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.settings.voiceEngine).toEqual({
      engine: 'realtime',
      prices: DEFAULT_CASCADE_PRICES,
      stt: {
        url: 'https://api.openai.com/v1',
        model: 'gpt-4o-mini-transcribe',
        apiKey: 'sk-a',
        keyEnv: 'OPENAI_API_KEY',
        timeoutMs: 30_000,
        connectTimeoutMs: 10_000,
      },
      llm: {
        url: 'https://api.openai.com/v1',
        model: 'gpt-4.1-mini',
        apiKey: 'sk-a',
        keyEnv: 'OPENAI_API_KEY',
        timeoutMs: 30_000,
        connectTimeoutMs: 10_000,
      },
      tts: {
        url: 'https://api.openai.com/v1',
        model: 'gpt-4o-mini-tts',
        apiKey: 'sk-a',
        keyEnv: 'OPENAI_API_KEY',
        timeoutMs: 30_000,
        connectTimeoutMs: 10_000,
        voice: 'coral',
        engine: 'http',
      },
    });
  });

  it('take flags over environment over config.json, and each key from its named variable', () => {
    const home = homeWith({
      voiceEngine: 'realtime',
      llmUrl: 'http://localhost:11434/v1',
      llmModel: 'qwen3:8b',
      sttUrl: 'http://localhost:8000/v1',
      sttKeyEnv: 'SPEECH_KEY',
      llmKeyEnv: 'NO_SUCH_KEY',
      cascadeTimeoutSeconds: 5,
    });
    const env = { HOME: home, VOICE_ORCH_VOICE_ENGINE: 'cascade', VOICE_ORCH_LLM_MODEL: 'llama3.2', SPEECH_KEY: 'k-s' };
    const res = loadSettings(
      ['--llm-model', 'gemma3', '--tts-url', 'http://127.0.0.1:8880/v1', '--tts-voice', 'af_heart'],
      env,
      '/w',
    );
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    const v = res.settings.voiceEngine;
    expect(v.engine).toBe('cascade');
    expect(v.llm).toEqual({
      url: 'http://localhost:11434/v1',
      model: 'gemma3',
      apiKey: undefined,
      keyEnv: 'NO_SUCH_KEY',
      timeoutMs: 5_000,
      connectTimeoutMs: 10_000,
    });
    expect(v.stt).toMatchObject({ url: 'http://localhost:8000/v1', apiKey: 'k-s' });
    expect(v.tts).toMatchObject({ url: 'http://127.0.0.1:8880/v1', voice: 'af_heart', apiKey: undefined });
    const flag = loadSettings(['--voice-engine', 'realtime'], env, '/w');
    expect(flag.ok && flag.settings.voiceEngine.engine).toBe('realtime');
  });

  it('name the bad option for an unknown engine or URL', () => {
    const bad = loadSettings(['--voice-engine', 'espeak'], { HOME: homeWith() }, '/w');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toContain('--voice-engine');
    const url = loadSettings(['--stt-url', 'not a url'], { HOME: homeWith() }, '/w');
    expect(url.ok).toBe(false);
    if (!url.ok) expect(url.message).toContain('--stt-url');
  });

  it('are listed in the help text', () => {
    expect(HELP_TEXT).toContain('--voice-engine NAME');
    expect(HELP_TEXT).toContain('--tts-voice NAME');
  });
});
