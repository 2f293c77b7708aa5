import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackSshd, TEST_HOST_ALIAS, type LoopbackSshd } from '../../helpers/loopback-sshd.js';

describe('loopback sshd harness', () => {
  let sshd: LoopbackSshd;
  beforeAll(async () => {
    sshd = await startLoopbackSshd();
  });
  afterAll(async () => {
    await sshd?.close();
  });

  it('runs a command through the alias with host keys checked', () => {
    const out = execFileSync('ssh', [...sshd.clientArgs, TEST_HOST_ALIAS, '--', 'echo', 'hello'], { encoding: 'utf8' });
    expect(out).toBe('hello\n');
  });

  it('refuses a server whose host key is not the known one', () => {
    let failed = false;
    try {
      execFileSync(
        'ssh',
        [
          '-F',
          '/dev/null',
          '-o',
          'BatchMode=yes',
          '-o',
          'StrictHostKeyChecking=yes',
          '-o',
          'UserKnownHostsFile=/dev/null',
          '-p',
          String(sshd.port),
          '127.0.0.1',
          'true',
        ],
        { stdio: 'pipe' },
      );
    } catch (e) {
      failed = true;
      expect(String((e as { stderr: Buffer }).stderr)).toMatch(/host key verification failed/i);
    }
    expect(failed).toBe(true);
  });

  it('is down after stop and back after restart', async () => {
    await sshd.stop();
    expect(() => execFileSync('ssh', [...sshd.clientArgs, TEST_HOST_ALIAS, 'true'], { stdio: 'pipe' })).toThrow();
    await sshd.restart();
    expect(execFileSync('ssh', [...sshd.clientArgs, TEST_HOST_ALIAS, 'echo', 'back'], { encoding: 'utf8' })).toBe(
      'back\n',
    );
  });
});
