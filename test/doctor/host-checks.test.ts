// doctor's host check against the real loopback sshd: one finding per host check, named after
// the host, with the severity a user acts on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Settings } from '../../src/config/config.js';
import { hostsCheck } from '../../src/doctor/host-checks.js';
import { doctorChecks, doctorExitCode, runDoctorChecks } from '../../src/doctor/run-doctor.js';
import { startLoopbackSshd, TEST_HOST_ALIAS, type LoopbackSshd } from '../helpers/loopback-sshd.js';

describe('doctor checks each configured host', () => {
  let sshd: LoopbackSshd;
  let dir: string;
  beforeAll(async () => {
    sshd = await startLoopbackSshd();
    dir = mkdtempSync(join(tmpdir(), 'vo-doctor-hosts-'));
  });
  afterAll(async () => {
    await sshd?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const settings = (hosts: Settings['hosts']): Settings =>
    ({ stateDir: join(dir, 'local-state'), hosts, voiceEngine: { stt: {}, llm: {}, tts: {} } }) as unknown as Settings;

  it('is in the list of checks and is skipped without hosts', async () => {
    expect(doctorChecks().map((c) => c.name)).toContain('hosts');
    expect(await runDoctorChecks(settings(undefined), { checks: [hostsCheck] })).toEqual([]);
  });

  it('reports a good host as ok lines, a missing root as a warning and a missing agent as an error', async () => {
    const findings = await runDoctorChecks(
      settings({
        build: {
          ssh: TEST_HOST_ALIAS,
          sshConfig: sshd.sshConfigFile,
          claudePath: process.execPath,
          roots: [dir, join(dir, 'gone')],
          stateDir: join(dir, 'remote-state'),
        },
        gpu: { ssh: TEST_HOST_ALIAS, sshConfig: sshd.sshConfigFile, claudePath: 'no-such-agent-cli' },
      }),
      { checks: [hostsCheck] },
    );
    const build = findings.filter((f) => f.name === 'host:build').map((f) => f.severity);
    // reachable, agent, node (for the permission bridge), state folder, a root, the missing root.
    expect(build).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'warning']);
    expect(findings.find((f) => f.name === 'host:build' && f.detail.includes('permission'))?.severity).toBe('ok');
    expect(findings.find((f) => f.name === 'host:build' && f.detail.includes('agent'))?.detail).toContain(
      process.version,
    );
    const gpuAgent = findings.find((f) => f.name === 'host:gpu' && f.detail.includes('no-such-agent-cli'));
    expect(gpuAgent?.severity).toBe('error');
    expect(doctorExitCode(findings)).toBe(1);
  });

  it('an unreachable host is an error that says how to try it by hand', async () => {
    await sshd.stop();
    try {
      const findings = await runDoctorChecks(
        settings({ build: { ssh: TEST_HOST_ALIAS, sshConfig: sshd.sshConfigFile } }),
        { checks: [hostsCheck] },
      );
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({ name: 'host:build', severity: 'error' });
      expect(findings[0]?.detail).toMatch(/build: cannot connect.*tasks on it cannot run \(try: ssh \S+ true\)/);
    } finally {
      await sshd.restart();
    }
  });
});
