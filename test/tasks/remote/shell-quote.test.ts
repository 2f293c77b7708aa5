import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { quoteWord, remoteCommandLine } from '../../../src/tasks/remote/shell-quote.js';

const dir = mkdtempSync(join(tmpdir(), 'vo-quote-'));
const canary = join(dir, 'pwned');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Hostile words: each would create the canary file if the shell interpreted it. */
const HOSTILE = [
  `; touch ${canary}`,
  `$(touch ${canary})`,
  `\`touch ${canary}\``,
  `' ; touch ${canary} ; '`,
  `'"'"'; touch ${canary}; echo '`,
  `a\nb; touch ${canary}`,
  `&& touch ${canary}`,
  `| touch ${canary}`,
  `> ${canary}`,
  `\${IFS}touch\${IFS}${canary}`,
  `*`,
  `~`,
  `-n`,
  `\\'; touch ${canary}; #`,
  '',
  'plain',
  'ünïcödé ✓',
];

describe('remote command lines', () => {
  it('a shell reads every hostile word back unchanged and runs nothing', () => {
    // The same path a remote command takes: one string handed to `sh -c`.
    const line = remoteCommandLine(['printf', '%s\\0', ...HOSTILE]);
    const out = execFileSync('sh', ['-c', line], { cwd: dir });
    const words = out.toString('utf8').split('\0').slice(0, -1);
    expect(words).toEqual(HOSTILE);
    expect(existsSync(canary)).toBe(false);
  });

  it('quotes every word, even harmless ones', () => {
    expect(remoteCommandLine(['echo', 'hi'])).toBe(`'echo' 'hi'`);
    expect(quoteWord("it's")).toBe(`'it'\\''s'`);
  });

  it('refuses a NUL byte instead of cutting the word', () => {
    expect(() => quoteWord('a\0b')).toThrow(/NUL/);
  });
});
