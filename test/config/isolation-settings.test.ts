// Where tasks work unless a spawn says so: `isolation` in config.json and `--isolation`.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/config.js';

describe('the isolation default', () => {
  it('is auto; config.json sets it and --isolation beats the file', () => {
    const home = mkdtempSync(join(tmpdir(), 'vo-config-'));
    const none = loadSettings([], { HOME: home }, '/w');
    expect(none.ok && none.settings.isolation).toBe('auto');
    const path = join(home, 'c.json');
    writeFileSync(path, JSON.stringify({ isolation: 'in_place' }));
    const file = loadSettings(['--config', path], { HOME: home }, '/w');
    expect(file.ok && file.settings.isolation).toBe('in_place');
    const flag = loadSettings(['--config', path, '--isolation', 'worktree'], { HOME: home }, '/w');
    expect(flag.ok && flag.settings.isolation).toBe('worktree');
  });

  it('refuses an unknown mode, naming the option', () => {
    const home = mkdtempSync(join(tmpdir(), 'vo-config-'));
    const bad = loadSettings(['--isolation', 'sandbox'], { HOME: home }, '/w');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toContain('--isolation');
  });
});
