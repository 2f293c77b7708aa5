// When a codex/gemini run goes through the approval host, and when it falls back to the headless
// run in its sandbox: `agentApprovals` from config.json, the channel, the host script.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentTaskOptions } from '../../src/config/agent-options.js';
import { loadSettings } from '../../src/config/config.js';
import type { AgentRunArgs } from '../../src/tasks/backends/agent-backend.js';
import { hostSpecSchema } from '../../src/tasks/backends/approval-host.js';
import { approvalHostCommand, hostScript } from '../../src/tasks/backends/approval-launch.js';
import { CODEX_SERVER_ARGS } from '../../src/tasks/backends/codex.js';
import { geminiServerArgs } from '../../src/tasks/backends/gemini.js';

const bridge = { socket: '/s/permissions/socket', token: 't0k', task: 3, run: 2, timeoutMs: 60_000 };
const run = (extra: Partial<AgentRunArgs> = {}): AgentRunArgs => ({
  prompt: '--settings={"hooks":1}',
  permissionMode: 'acceptEdits',
  permissionPrompt: { mcpConfig: '{}', tool: 'mcp__voice-orch__approve', bridge },
  ...extra,
});

describe('the approval host command', () => {
  it('is used only when the agent is set to ask and the run has a channel and the host is built', () => {
    const ask = { claudePath: 'claude', agentApprovals: { codex: 'ask' as const } };
    const base = {
      agent: 'codex' as const,
      file: '/bin/codex',
      args: CODEX_SERVER_ARGS,
      script: '/d/approval-host.js',
    };
    expect(approvalHostCommand({ ...base, run: run(), config: ask })).toBeDefined();
    // Default: the sandbox.
    expect(approvalHostCommand({ ...base, run: run(), config: { claudePath: 'claude' } })).toBeUndefined();
    // Gemini not set to ask.
    expect(approvalHostCommand({ ...base, agent: 'gemini', run: run(), config: ask })).toBeUndefined();
    // No channel (it did not start, or the run is remote).
    expect(approvalHostCommand({ ...base, run: run({ permissionPrompt: undefined }), config: ask })).toBeUndefined();
    expect(hostScript()).toMatch(/approval-host\.js$/);
  });

  it('carries the prompt as JSON inside one word after the script; the agent gets only fixed words', () => {
    const cmd = approvalHostCommand({
      agent: 'codex',
      file: '/bin/codex',
      args: CODEX_SERVER_ARGS,
      run: run({ model: 'gpt-x', reasoningEffort: 'high' }),
      config: { claudePath: 'claude', agentApprovals: { codex: 'ask' } },
      resumeId: 'abc-123',
      sandbox: 'workspace-write',
      node: '/usr/bin/node',
      script: '/d/approval-host.js',
    });
    expect(cmd?.file).toBe('/usr/bin/node');
    expect(cmd?.args).toHaveLength(2);
    expect(cmd?.args[0]).toBe('/d/approval-host.js');
    const word = cmd?.args[1] ?? '';
    expect(word.startsWith('--spec=')).toBe(true);
    const spec = hostSpecSchema.parse(JSON.parse(word.slice('--spec='.length)));
    expect(spec).toEqual({
      agent: 'codex',
      file: '/bin/codex',
      args: ['-c', 'analytics.enabled=false', '-c', 'features.plugins=false', 'app-server'],
      prompt: '--settings={"hooks":1}',
      resumeId: 'abc-123',
      model: 'gpt-x',
      effort: 'high',
      sandbox: 'workspace-write',
      bridge,
    });
  });

  it('starts gemini in ACP mode with the approval mode of the task', () => {
    expect(geminiServerArgs(run())).toEqual(['--acp', '--skip-trust', '--approval-mode', 'auto_edit']);
    expect(geminiServerArgs(run({ permissionMode: 'default', model: 'm' }))).toEqual([
      '--acp',
      '--skip-trust',
      '--approval-mode',
      'default',
      '--model=m',
    ]);
  });
});

describe('agentApprovals in config.json', () => {
  it('reaches the task engine; an unknown value names the field', () => {
    const home = mkdtempSync(join(tmpdir(), 'vo-config-'));
    const path = join(home, 'c.json');
    writeFileSync(path, JSON.stringify({ agentApprovals: { codex: 'ask', gemini: 'sandbox' } }));
    const ok = loadSettings(['--config', path], { HOME: home }, '/w');
    if (!ok.ok) throw new Error(ok.message);
    expect(agentTaskOptions(ok.settings)).toEqual({ agentApprovals: { codex: 'ask', gemini: 'sandbox' } });
    writeFileSync(path, JSON.stringify({ agentApprovals: { codex: 'always' } }));
    const bad = loadSettings(['--config', path], { HOME: home }, '/w');
    expect(!bad.ok && bad.message).toMatch(/agentApprovals/);
  });
});
