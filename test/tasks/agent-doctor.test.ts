// The doctor's check of the agent CLIs against real executables (scripts printing a version).
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkAgents } from '../../src/tasks/backends/agent-doctor.js';
import { otherAgentsCheck } from '../../src/doctor/other-agents-check.js';
import type { DoctorContext } from '../../src/doctor/types.js';
import type { Settings } from '../../src/config/config.js';

const dir = mkdtempSync(join(tmpdir(), 'vo-agent-doctor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

describe('checkAgents', () => {
  it('reports each agent found with its version, a missing one, and a failing one', async () => {
    script('codex', 'echo "codex-cli 0.171.0"');
    const broken = script('broken-gemini', 'echo "boom" >&2; exit 3');
    const checks = await checkAgents({
      claudePath: join(dir, 'no-claude'),
      geminiPath: broken,
      defaultAgent: 'codex',
      env: { PATH: dir },
      cwd: dir,
    });
    expect(checks).toEqual([
      { agent: 'claude', problem: expect.stringMatching(/no-claude` was not found/) },
      { agent: 'codex', path: join(dir, 'codex'), version: 'codex-cli 0.171.0' },
      { agent: 'gemini', path: broken, problem: expect.stringMatching(/`gemini --version` failed: boom/) },
    ]);
  });

  it('doctor: a missing default agent is an error, a missing other one a warning; claude is left to its own check', async () => {
    // Started headless (`codex exec …`) it prints its first event and waits, as for the model.
    script(
      'codex',
      'if [ "$1" = exec ]; then echo \'{"type":"thread.started","thread_id":"t-1"}\'; exec sleep 30; fi\necho "codex-cli 0.171.0"',
    );
    const ctx = (agent: Settings['agent']): DoctorContext => ({
      settings: { agent, codexPath: join(dir, 'codex'), geminiPath: join(dir, 'no-gemini'), cwd: dir } as Settings,
      env: { PATH: dir },
      timeoutMs: 5000,
      headlessTimeoutMs: 20_000,
      progress: () => undefined,
    });
    const asCodex = await otherAgentsCheck.run(ctx('codex'));
    expect(asCodex.map((f) => [f.name, f.severity])).toEqual([
      ['agent:codex', 'ok'],
      ['agent:gemini', 'warning'],
    ]);
    const claudeOnly = { ...ctx(undefined), settings: { cwd: dir } as Settings };
    expect(otherAgentsCheck.applies?.(claudeOnly)).toBe(false);
    const asGemini = await otherAgentsCheck.run(ctx('gemini'));
    expect(asGemini[1]).toMatchObject({ name: 'agent:gemini', severity: 'error' });
    expect(asGemini[1]!.detail).toMatch(/default agent/);
  });
});
