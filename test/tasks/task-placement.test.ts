import { mkdirSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { placeProject, remoteAgentCommand } from '../../src/tasks/task-placement.js';

const local = realpathSync(mkdtempSync(join(tmpdir(), 'vo-place-')));
mkdirSync(join(local, 'api'));
const hosts = { build: { roots: ['/srv/src', '/opt/work'] } };

describe('task placement', () => {
  it('a plain project stays on this machine (local roots checked)', async () => {
    expect(await placeProject({ projectDir: 'api' }, [local], hosts)).toEqual({ ok: true, value: join(local, 'api') });
    expect(await placeProject({ projectDir: 'api', host: 'local' }, [local], hosts)).toEqual({
      ok: true,
      value: join(local, 'api'),
    });
  });

  it('host:project and the host argument place it under the host roots', async () => {
    expect(await placeProject({ projectDir: 'build:api' }, [local], hosts)).toEqual({
      ok: true,
      value: '/srv/src/api',
      host: 'build',
    });
    expect(await placeProject({ projectDir: 'api', host: 'build' }, [local], hosts)).toEqual({
      ok: true,
      value: '/srv/src/api',
      host: 'build',
    });
    expect(await placeProject({ projectDir: 'build:/opt/work/x' }, [local], hosts)).toMatchObject({
      ok: true,
      value: '/opt/work/x',
    });
  });

  it('refuses paths that leave the host roots, unknown hosts, and two different hosts', async () => {
    expect(await placeProject({ projectDir: 'build:../../etc' }, [local], hosts)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/not under the roots of host build/),
    });
    expect(await placeProject({ projectDir: '/srv/srcx', host: 'build' }, [local], hosts)).toMatchObject({ ok: false });
    expect(await placeProject({ projectDir: 'api', host: 'gpu' }, [local], hosts)).toMatchObject({
      ok: false,
      message: 'there is no host gpu; the hosts are build',
    });
    expect(await placeProject({ projectDir: 'api', host: 'gpu' }, [local], {})).toMatchObject({
      ok: false,
      message: 'there is no host gpu; no hosts are configured',
    });
    expect(
      await placeProject({ projectDir: 'build:api', host: 'other' }, [local], { ...hosts, other: { roots: ['/x'] } }),
    ).toMatchObject({ ok: false });
  });

  it('a folder named like host:thing with no such host stays a local name', async () => {
    expect(await placeProject({ projectDir: 'nohost:api' }, [local], hosts)).toMatchObject({ ok: false });
  });

  it('only claude runs remotely; its argv is the same as locally', () => {
    expect(remoteAgentCommand('command', { prompt: 'p', permissionMode: 'acceptEdits' })).toMatchObject({ ok: false });
    const c = remoteAgentCommand('claude', { prompt: '; rm -rf ~', permissionMode: 'acceptEdits' });
    expect(c.ok && c.value.args.slice(-2)).toEqual(['--', '; rm -rf ~']);
  });
});
