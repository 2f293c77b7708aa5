// Remote hosts from config.json (`hosts`).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/config.js';

function load(content: unknown) {
  const home = mkdtempSync(join(tmpdir(), 'vo-config-'));
  const path = join(home, 'c.json');
  writeFileSync(path, JSON.stringify(content));
  return loadSettings(['--config', path], { HOME: home }, '/w');
}

describe('hosts in config.json', () => {
  it('are none by default and kept as written', () => {
    expect((load({}) as { ok: true; settings: { hosts?: unknown } }).settings.hosts).toBeUndefined();
    const hosts = { build: { ssh: 'me@build.example', port: 2222, roots: ['/srv/src'], claudePath: 'claude' } };
    const r = load({ hosts });
    expect(r.ok && r.settings.hosts).toEqual(hosts);
  });

  it('refuses a destination that ssh would read as an option, a relative root, a bad name, an unknown field', () => {
    for (const [hosts, field] of [
      [{ build: { ssh: '-oProxyCommand=touch /tmp/x' } }, 'hosts.build.ssh'],
      [{ build: { ssh: 'me@build', roots: ['src'] } }, 'hosts.build.roots'],
      [{ 'a b': { ssh: 'me@build' } }, 'hosts'],
      [{ build: { ssh: 'me@build', forwardAgent: true } }, 'hosts.build'],
      [{ build: { ssh: 'me@build', passEnv: ['NOT-A-NAME'] } }, 'hosts.build.passEnv'],
    ] as const) {
      const r = load({ hosts });
      expect(r.ok, JSON.stringify(hosts)).toBe(false);
      if (!r.ok) expect(r.message).toContain(field);
    }
  });
});
