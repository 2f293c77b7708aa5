// Choosing the agent: `agent` and `projectAgents` in config.json, `--agent`, and the codex/gemini
// executables (`codexPath`, `geminiPath`, `--codex-path`, `--gemini-path`), through to the task
// engine's options and a spawn's validation.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentTaskOptions } from '../../src/config/agent-options.js';
import { loadSettings } from '../../src/config/config.js';
import { projectAgent, validateSpawn, type SpawnPolicy } from '../../src/tasks/spawn-validation.js';

function configFile(content: unknown): { home: string; path: string } {
  const home = mkdtempSync(join(tmpdir(), 'vo-config-'));
  const path = join(home, 'c.json');
  writeFileSync(path, JSON.stringify(content));
  return { home, path };
}

describe('agent settings', () => {
  it('default to claude on PATH (nothing set)', () => {
    const res = loadSettings([], { HOME: mkdtempSync(join(tmpdir(), 'vo-config-')) }, '/w');
    if (!res.ok) throw new Error(res.message);
    expect(agentTaskOptions(res.settings)).toEqual({});
  });

  it('come from config.json; flags beat it; relative paths are from the start directory', () => {
    const { home, path } = configFile({
      agent: 'gemini',
      projectAgents: { api: 'codex', '/w/docs': 'claude' },
      codexPath: './bin/codex',
      geminiPath: 'gemini-beta',
    });
    const a = loadSettings(['--config', path], { HOME: home }, '/w');
    if (!a.ok) throw new Error(a.message);
    expect(agentTaskOptions(a.settings)).toEqual({
      backend: 'gemini',
      projectAgents: { api: 'codex', '/w/docs': 'claude' },
      codexPath: '/w/bin/codex',
      geminiPath: 'gemini-beta',
    });
    const b = loadSettings(['--config', path, '--agent', 'codex', '--codex-path', '/opt/codex'], { HOME: home }, '/w');
    expect(b.ok && agentTaskOptions(b.settings)).toMatchObject({ backend: 'codex', codexPath: '/opt/codex' });
  });

  it('refuse an unknown agent, naming the option or the field', () => {
    const home = mkdtempSync(join(tmpdir(), 'vo-config-'));
    const flag = loadSettings(['--agent', 'aider'], { HOME: home }, '/w');
    expect(!flag.ok && flag.message).toMatch(/--agent must be one of claude, codex, gemini/);
    const { home: h2, path } = configFile({ projectAgents: { api: 'aider' } });
    const file = loadSettings(['--config', path], { HOME: h2 }, '/w');
    expect(!file.ok && file.message).toMatch(/field "projectAgents.api"/);
  });
});

describe('the agent of a spawn', () => {
  const policy: SpawnPolicy = {
    claudePath: 'claude',
    defaultPermissionMode: 'acceptEdits',
    allowBypassPermissions: false,
    backend: 'claude',
    projectAgents: { api: 'codex', '/r/site': 'gemini' },
  };
  const spawn = (o: Partial<Parameters<typeof validateSpawn>[0]>) =>
    validateSpawn({ name: 'n', prompt: 'p', projectDir: 'web', ...o }, policy);

  it('is the named one, else the project default, else the global default', () => {
    expect(spawn({ backend: 'gemini', projectDir: 'api' })).toMatchObject({ ok: true, value: { backend: 'gemini' } });
    expect(spawn({ projectDir: 'api' })).toMatchObject({ ok: true, value: { backend: 'codex' } });
    expect(spawn({ projectDir: '/r/site/' })).toMatchObject({ ok: true, value: { backend: 'gemini' } });
    expect(spawn({ projectDir: 'web' })).toMatchObject({ ok: true, value: { backend: 'claude' } });
    expect(projectAgent('/x/api', policy.projectAgents)).toBe('codex');
    expect(projectAgent('constructor', policy.projectAgents)).toBeUndefined();
  });

  it('keeps a reasoning effort for codex and refuses it for the others; a budget only for claude', () => {
    expect(spawn({ backend: 'codex', reasoningEffort: 'high' })).toMatchObject({
      ok: true,
      value: { extras: { reasoningEffort: 'high' } },
    });
    expect(spawn({ backend: 'gemini', reasoningEffort: 'high' })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/only with the codex agent/),
    });
    expect(spawn({ backend: 'codex', maxBudgetUsd: 2 })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/only with the claude agent; codex takes none/),
    });
  });
});
