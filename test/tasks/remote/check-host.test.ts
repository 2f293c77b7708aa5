import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHost } from '../../../src/tasks/remote/check-host.js';
import { startLoopbackSshd, TEST_HOST_ALIAS, type LoopbackSshd } from '../../helpers/loopback-sshd.js';

describe('checkHost (for doctor)', () => {
  let sshd: LoopbackSshd;
  let dir: string;
  beforeAll(async () => {
    sshd = await startLoopbackSshd();
    dir = mkdtempSync(join(tmpdir(), 'vo-check-host-'));
  });
  afterAll(async () => {
    await sshd?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports reachable, the agent with its version, roots and the state folder', async () => {
    const checks = await checkHost(
      'build',
      {
        ssh: TEST_HOST_ALIAS,
        sshConfig: sshd.sshConfigFile,
        claudePath: process.execPath,
        roots: [dir, join(dir, 'missing')],
        stateDir: join(dir, 'state'),
      },
      join(dir, 'local'),
    );
    expect(checks.map((c) => [c.check, c.ok])).toEqual([
      ['reachable', true],
      ['agent', true],
      ['node', true],
      ['state', true],
      ['root', true],
      ['root', false],
    ]);
    expect(checks[1]?.detail).toContain(process.version);
    expect(checks[2]?.detail).toContain('permission requests');
    expect(checks[5]?.detail).toMatch(/missing$/);
  });

  it('says when the agent is missing on the host', async () => {
    const checks = await checkHost(
      'build',
      { ssh: TEST_HOST_ALIAS, sshConfig: sshd.sshConfigFile, claudePath: 'no-such-agent-cli' },
      join(dir, 'local'),
    );
    expect(checks.find((c) => c.check === 'agent')).toMatchObject({
      ok: false,
      detail: 'build: no-such-agent-cli was not found on the host',
    });
  });

  it('says when the host cannot be reached', async () => {
    await sshd.stop();
    try {
      const checks = await checkHost(
        'build',
        { ssh: TEST_HOST_ALIAS, sshConfig: sshd.sshConfigFile },
        join(dir, 'local-down'),
      );
      expect(checks).toEqual([
        { check: 'reachable', ok: false, detail: expect.stringMatching(/^build: cannot connect/) },
      ]);
    } finally {
      await sshd.restart();
    }
  });
});
