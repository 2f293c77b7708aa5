// The doctor's check of the agent CLIs against real executables (scripts printing a version).
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkAgents, formatAgentChecks } from '../../src/tasks/backends/agent-doctor.js';

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
    const report = formatAgentChecks(checks, 'codex');
    expect(report.lines).toContain(`  codex (default): codex-cli 0.171.0 (${join(dir, 'codex')})`);
    expect(report.problems).toEqual([]);
    expect(formatAgentChecks(checks, 'claude').problems).toEqual([
      expect.stringMatching(/^the default agent claude: /),
    ]);
  });
});
