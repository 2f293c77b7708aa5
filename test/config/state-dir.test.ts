import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareStateDir } from '../../src/config/state-dir.js';

describe('prepareStateDir', () => {
  it('creates missing directories (0700) and accepts an existing writable one', () => {
    const base = mkdtempSync(join(tmpdir(), 'vo-state-'));
    const dir = join(base, 'a', 'b', 'voice-orch');
    expect(prepareStateDir(dir)).toBeUndefined();
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(prepareStateDir(dir)).toBeUndefined();
  });

  it('names the problem: a file in the way, a file as the directory, a path the system refuses', () => {
    const base = mkdtempSync(join(tmpdir(), 'vo-state-'));
    const file = join(base, 'file');
    writeFileSync(file, 'x');
    expect(prepareStateDir(join(file, 'state'))).toMatch(/cannot use the state directory .*ENOTDIR/);
    expect(prepareStateDir(file)).toMatch(/not a directory/);
    // A recursive mkdir under /proc never returns; one component at a time fails at once.
    expect(prepareStateDir('/proc/voice-orch-test/state')).toMatch(/cannot use the state directory/);
  });
});
