import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { argErrorMessage, closestOption, editDistance } from '../../src/config/arg-errors.js';
import { loadSettings } from '../../src/config/config.js';

describe('command-line mistakes in voice-orch words', () => {
  it('an unknown option names the closest known one', () => {
    const r = loadSettings(['--rot', '/src'], { HOME: '/nonexistent' }, '/w');
    expect(!r.ok && r.message).toBe(
      'unknown option --rot; did you mean --root?\nRun voice-orch --help for the options.',
    );
    const n = loadSettings(['--notice', 'off'], { HOME: '/nonexistent' }, '/w');
    expect(!n.ok && n.message).toMatch(/^unknown option --notice; did you mean --notices\?/);
  });

  it('an option far from every known one gets no guess; a short unknown flag neither', () => {
    const r = loadSettings(['--frobnicate'], { HOME: '/nonexistent' }, '/w');
    expect(!r.ok && r.message).toMatch(/^unknown option --frobnicate\nRun voice-orch --help/);
    const x = loadSettings(['-x'], { HOME: '/nonexistent' }, '/w');
    expect(!x.ok && x.message).toMatch(/^unknown option -x\n/);
  });

  it('a missing value and a value given to a switch are said plainly', () => {
    const r = loadSettings(['--root'], { HOME: '/nonexistent' }, '/w');
    expect(!r.ok && r.message).toMatch(/^option --root needs a value\n/);
    const a = loadSettings(['--no-audio=yes'], { HOME: '/nonexistent' }, '/w');
    expect(!a.ok && a.message).toMatch(/^option --no-audio takes no value\n/);
  });

  it('pure parts: distance, closeness, and errors that are not the parser’s', () => {
    expect(editDistance('rot', 'root')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(closestOption('state', ['state-dir', 'root'])).toBe('state-dir');
    expect(closestOption('zzzz', ['root'])).toBeUndefined();
    expect(argErrorMessage(new Error('other'), ['root'])).toBeUndefined();
  });

  it('a root that does not exist stops the start with a sentence and status 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vo-root-'));
    const cli = new URL('../../src/cli.tsx', import.meta.url).pathname;
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', cli, '--no-audio', '--state-dir', join(dir, 'state'), '--root', join(dir, 'nope')],
      {
        cwd: new URL('../..', import.meta.url).pathname,
        encoding: 'utf8',
        env: { ...process.env, HOME: dir },
        timeout: 20_000,
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `the root ${join(dir, 'nope')} (from --root, VOICE_ORCH_ROOTS or config.json) does not exist`,
    );
  });
});
