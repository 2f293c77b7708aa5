// Doctor's "starts headless" check of each configured agent, against the repo's stand-in CLIs as
// real processes: fake codex and gemini launchers replaying their recordings, the doctor claude.
// One of them hangs before its first line, one exits at once with an error.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Settings } from '../../src/config/config.js';
import { agentCliCheck } from '../../src/doctor/agent-check.js';
import { otherAgentsCheck } from '../../src/doctor/other-agents-check.js';
import { doctorExitCode, formatFindings, runDoctorChecks } from '../../src/doctor/run-doctor.js';
import type { DoctorFinding } from '../../src/doctor/types.js';
import { PROBE_PROMPT } from '../../src/tasks/backends/headless-probe.js';

const CODEX = fileURLToPath(new URL('../helpers/fake-codex', import.meta.url));
const GEMINI = fileURLToPath(new URL('../helpers/fake-gemini', import.meta.url));
const CLAUDE = fileURLToPath(new URL('../fixtures/doctor-claude/claude', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'vo-doctor-headless-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** Runs the two agent checks as `voice-orch doctor` does, with the stand-ins configured. */
async function doctor(
  settings: Partial<Settings>,
  env: Record<string, string> = {},
  headlessTimeoutMs = 20_000,
): Promise<{ findings: DoctorFinding[]; code: number; pids: string; probes: string }> {
  const pids = join(dir, `pids-${++n}.jsonl`);
  const probes = join(dir, `probes-${n}.jsonl`);
  const findings = await runDoctorChecks(
    {
      cwd: dir,
      claudePath: CLAUDE,
      codexPath: CODEX,
      geminiPath: GEMINI,
      voiceEngine: { stt: {}, llm: {}, tts: {} },
      ...settings,
    } as Settings,
    {
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        FAKE_AGENT_PIDS_FILE: pids,
        DOCTOR_CLAUDE_PROBE_FILE: probes,
        ...env,
      },
      timeoutMs: 20_000,
      headlessTimeoutMs,
      checks: [agentCliCheck, otherAgentsCheck],
    },
  );
  return { findings, code: doctorExitCode(findings), pids, probes };
}

const finding = (fs: DoctorFinding[], name: string): DoctorFinding => {
  const f = fs.find((x) => x.name === name);
  if (!f) throw new Error(`no finding ${name} in ${JSON.stringify(fs)}`);
  return f;
};

/** Every pid the fake launchers wrote down has gone (launcher, native child, tool). */
function noneAlive(pidsFile: string): void {
  expect(existsSync(pidsFile)).toBe(true);
  const pids = readFileSync(pidsFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { pid: number }).pid);
  expect(pids.length).toBeGreaterThan(0);
  for (const pid of pids) expect(existsSync(`/proc/${pid}`) && !isZombie(pid)).toBe(false);
}

function isZombie(pid: number): boolean {
  try {
    return /\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

describe('doctor: each configured agent starts headless', () => {
  it('claude, codex and gemini that print their first event pass, and the probe leaves no process', async () => {
    // The configured agentEnv applies as for tasks; voice-orch's own key never reaches an agent.
    const agentEnv = { drop: ['DOCTOR_DROPPED'], pass: [] };
    const r = await doctor({ agent: 'codex', agentEnv }, { DOCTOR_DROPPED: '1', OPENAI_API_KEY: 'sk-voice' });
    expect(r.findings.map((f) => [f.name, f.severity])).toEqual([
      ['agent-cli', 'ok'],
      ['agent:codex', 'ok'],
      ['agent:gemini', 'ok'],
    ]);
    expect(finding(r.findings, 'agent-cli').detail).toMatch(
      /2\.1\.329 \(Claude Code\)\) supports the flags voice-orch uses and starts headless \(first event after \d+\.\d s\)$/,
    );
    expect(finding(r.findings, 'agent:codex').detail).toMatch(
      /^codex codex-cli 0\.171\.0 \(.*fake-codex\), starts headless \(first event after \d+\.\d s\)$/,
    );
    expect(finding(r.findings, 'agent:gemini').detail).toMatch(/^gemini 0\.61\.0 \(.*fake-gemini\), starts headless/);
    expect(r.code).toBe(0);
    noneAlive(r.pids);
    // Claude got its task argv in plan mode, in a scratch folder, with its endpoint on loopback.
    const seen = JSON.parse(readFileSync(r.probes, 'utf8').trim()) as {
      args: string[];
      cwd: string;
      ANTHROPIC_BASE_URL: string | null;
      withheld: string[];
    };
    expect(seen.withheld).toEqual([]);
    expect(seen.args.slice(-3)).toEqual(['-p', '--', PROBE_PROMPT]);
    expect(seen.args).toEqual(expect.arrayContaining(['--permission-mode', 'plan', '--output-format', 'stream-json']));
    expect(seen.cwd).not.toBe(dir);
    expect(existsSync(seen.cwd)).toBe(false);
    expect(seen.ANTHROPIC_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('a default agent that exits at once with an error is an error with its own words, exit status 1', async () => {
    const r = await doctor({ agent: 'gemini' }, { FAKE_AGENT_SCENARIO: 'auth-gateway' });
    const g = finding(r.findings, 'agent:gemini');
    expect(g.severity).toBe('error');
    expect(g.detail).toMatch(
      /fake-gemini \(0\.61\.0\) exited with 41 when started headless, before its first event: Invalid auth method selected\. — it is the default agent, so tasks would fail$/,
    );
    // Claude is not the default agent: its line stays ok (the stand-in works).
    expect(finding(r.findings, 'agent-cli').severity).toBe('ok');
    expect(r.code).toBe(1);
    expect(formatFindings(r.findings)).toMatch(/^FAIL {2}agent:gemini /m);
  });

  it('an agent that hangs before its first event is stopped with all it started; a warning when not the default', async () => {
    const r = await doctor({ agent: 'gemini' }, { FAKE_AGENT_SCENARIO: 'hang' }, 2000);
    const c = finding(r.findings, 'agent:codex');
    expect(c.severity).toBe('warning');
    expect(c.detail).toMatch(
      /fake-codex \(codex-cli 0\.171\.0\) started headless but printed no event within 2 s \(stopped\) — codex tasks would fail$/,
    );
    expect(finding(r.findings, 'agent:gemini').severity).toBe('error');
    expect(r.code).toBe(1);
    noneAlive(r.pids);
  });

  it('claude that fails or hangs when started headless is an error', async () => {
    const claudeOnly = { codexPath: undefined, geminiPath: undefined };
    const failed = await doctor(claudeOnly, { DOCTOR_CLAUDE_HEADLESS: 'fail' });
    const f = finding(failed.findings, 'agent-cli');
    expect(f.severity).toBe('error');
    expect(f.detail).toMatch(
      /supports the flags voice-orch uses but exited with 1 when started headless, before its first event: Error: Invalid API key · Please run \/login; tasks would fail\.$/,
    );
    expect(failed.code).toBe(1);
    // A claude-only setup gets no codex or gemini lines.
    expect(failed.findings.map((x) => x.name)).toEqual(['agent-cli']);

    const hung = await doctor(claudeOnly, { DOCTOR_CLAUDE_HEADLESS: 'hang' }, 2000);
    expect(finding(hung.findings, 'agent-cli')).toMatchObject({ severity: 'error' });
    expect(finding(hung.findings, 'agent-cli').detail).toMatch(
      /started headless but printed no event within 2 s \(stopped\)/,
    );
    expect(hung.code).toBe(1);
  });
});
