// The built approval host (dist/approval-host.js) is started detached from wherever voice-orch is
// installed: it must be one file that needs nothing but Node — no node_modules lookup.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const HOST = fileURLToPath(new URL('../../dist/approval-host.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vo-host-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dist/approval-host.js', () => {
  it('imports only Node built-ins', () => {
    const text = readFileSync(HOST, 'utf8');
    const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["']([^"']+)["']/g)].map(
      (m) => m[1],
    );
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((s) => !s!.startsWith('node:'))).toEqual([]);
  });

  it('runs alone in a folder without node_modules and says what it needs', () => {
    const copy = join(dir, 'approval-host.js');
    copyFileSync(HOST, copy);
    const r = spawnSync(process.execPath, [copy], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(r.stderr).toBe('the approval host needs --spec=<json> (see approval-launch.ts)\n');
    expect(r.status).toBe(2);
    // A spec that fails its schema is refused the same way (zod is inside the file).
    const bad = spawnSync(process.execPath, [copy, '--spec={"agent":"other"}'], { cwd: dir, encoding: 'utf8' });
    expect(bad.status).toBe(2);
  });
});
