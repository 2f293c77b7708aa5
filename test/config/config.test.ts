import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/config.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'vo-config-'));
}

describe('loadSettings', () => {
  it('applies defaults: start directory is a root, keyboard-only without a key', () => {
    const home = tmp();
    const res = loadSettings([], { HOME: home }, '/work/proj');
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.settings.roots).toEqual(['/work/proj']);
    expect(res.settings.model).toBe('gpt-realtime');
    expect(res.settings.realtimeUrl).toBe('wss://api.openai.com/v1/realtime');
    expect(res.settings.stateDir).toBe(join(home, '.local/state/voice-orch'));
    expect(res.settings.apiKey).toBeUndefined();
    expect(res.settings.permissionMode).toBe('acceptEdits');
    expect(res.settings.allowBypassPermissions).toBe(false);
    expect(res.settings.maxConcurrent).toBe(4);
  });

  it('flags beat env beat the config file', () => {
    const home = tmp();
    const cfgDir = join(home, '.config', 'voice-orch');
    mkdirSync(cfgDir, { recursive: true });
    writeFileSync(
      join(cfgDir, 'config.json'),
      JSON.stringify({ model: 'gpt-realtime-2', maxConcurrent: 2, roots: ['/srv/a'] }),
    );
    const env = { HOME: home, VOICE_ORCH_MODEL: 'gpt-realtime-1.5', OPENAI_API_KEY: 'sk-x' };
    const a = loadSettings([], env, '/w');
    expect(a.ok && a.settings.model).toBe('gpt-realtime-1.5');
    expect(a.ok && a.settings.maxConcurrent).toBe(2);
    expect(a.ok && a.settings.roots).toEqual(['/w', '/srv/a']);
    expect(a.ok && a.settings.apiKey).toBe('sk-x');
    const b = loadSettings(['--model', 'gpt-realtime-mini', '--max-concurrent', '7', '--root', '/x'], env, '/w');
    expect(b.ok && b.settings.model).toBe('gpt-realtime-mini');
    expect(b.ok && b.settings.maxConcurrent).toBe(7);
    expect(b.ok && b.settings.roots).toEqual(['/w', '/x']);
  });

  it('names the bad field of the config file', () => {
    const home = tmp();
    const path = join(home, 'c.json');
    writeFileSync(path, JSON.stringify({ maxConcurrent: 'four', permissionMode: 'yolo' }));
    const res = loadSettings(['--config', path], { HOME: home }, '/w');
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.message).toContain('field "maxConcurrent"');
    expect(res.message).toContain('field "permissionMode"');
    expect(res.message).toContain(path);
  });

  it('rejects unknown config keys, bad JSON, bad flags with clear messages', () => {
    const home = tmp();
    const path = join(home, 'c.json');
    writeFileSync(path, JSON.stringify({ modle: 'x' }));
    const a = loadSettings(['--config', path], { HOME: home }, '/w');
    expect(!a.ok && a.message).toMatch(/modle/);
    writeFileSync(path, '{ not json');
    const b = loadSettings(['--config', path], { HOME: home }, '/w');
    expect(!b.ok && b.message).toMatch(/not valid JSON/);
    const c = loadSettings(['--max-concurrent', 'lots'], { HOME: home }, '/w');
    expect(!c.ok && c.message).toMatch(/--max-concurrent must be a whole number/);
    const d = loadSettings(['--permission-mode', 'yolo'], { HOME: home }, '/w');
    expect(!d.ok && d.message).toMatch(/--permission-mode/);
    const e = loadSettings(['--frobnicate'], { HOME: home }, '/w');
    expect(!e.ok && e.message).toMatch(/frobnicate/);
    const f = loadSettings(['launch'], { HOME: home }, '/w');
    expect(!f.ok && f.message).toMatch(/Unknown command "launch"/);
  });

  it('bypassPermissions only when configured explicitly; subcommands parsed', () => {
    const home = tmp();
    const a = loadSettings(['--permission-mode', 'bypassPermissions'], { HOME: home }, '/w');
    expect(a.ok && a.settings.allowBypassPermissions).toBe(true);
    const b = loadSettings(['doctor'], { HOME: home }, '/w');
    expect(b.ok && b.settings.command).toBe('doctor');
    const c = loadSettings(['--no-audio', '--input-device', '3'], { HOME: home }, '/w');
    expect(c.ok && c.settings.audio).toBe(false);
    expect(c.ok && c.settings.inputDevice).toBe(3);
    expect(c.ok && c.settings.micStream).toBe('long-lived');
    const d = loadSettings(['--mic-stream', 'per-turn'], { HOME: home }, '/w');
    expect(d.ok && d.settings.micStream).toBe('per-turn');
    const e = loadSettings(['--mic-stream', 'sometimes'], { HOME: home }, '/w');
    expect(!e.ok && e.message).toMatch(/--mic-stream/);
  });

  it('agentEnv: names or prefixes to withhold from agents and to pass; by default only the endpoint key', () => {
    const home = tmp();
    const path = join(home, 'c.json');
    expect((loadSettings([], { HOME: home }, '/w') as { settings: { agentEnv: unknown } }).settings.agentEnv).toEqual({
      drop: ['OPENAI_API_KEY'],
      pass: [],
    });
    writeFileSync(path, JSON.stringify({ agentEnv: { drop: ['AWS_*', 'GITHUB_TOKEN'], pass: ['VOICE_ORCH_ROOTS'] } }));
    const a = loadSettings(['--config', path], { HOME: home }, '/w');
    expect(a.ok && a.settings.agentEnv).toEqual({
      drop: ['AWS_*', 'GITHUB_TOKEN', 'OPENAI_API_KEY'],
      pass: ['VOICE_ORCH_ROOTS'],
    });
    writeFileSync(path, JSON.stringify({ agentEnv: { drop: ['not a name'] } }));
    const b = loadSettings(['--config', path], { HOME: home }, '/w');
    expect(!b.ok && b.message).toMatch(/field "agentEnv\.drop\.0": must be an environment variable name/);
    writeFileSync(path, JSON.stringify({ agentEnv: { keep: ['X'] } }));
    expect(loadSettings(['--config', path], { HOME: home }, '/w').ok).toBe(false);
  });

  it('key variables the config names for the voice endpoints are withheld from agents too', () => {
    const home = tmp();
    const path = join(home, 'c.json');
    writeFileSync(path, JSON.stringify({ sttKeyEnv: 'LOCAL_STT_KEY', llmKeyEnv: 'GROQ_API_KEY' }));
    const s = loadSettings(['--config', path], { HOME: home }, '/w');
    expect(s.ok && s.settings.agentEnv.drop).toEqual(['LOCAL_STT_KEY', 'GROQ_API_KEY', 'OPENAI_API_KEY']);
  });
});
