import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withKeyTable } from '../../scripts/readme-keys.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('key table matches the command registry (regenerate: node --import tsx scripts/readme-keys.ts --write)', () => {
    expect(readme).toBe(withKeyTable(readme));
  });

  it('gives the install, run and test commands', () => {
    expect(readme).toContain('npm install');
    expect(readme).toContain('npx voice-orch');
    expect(readme).toContain('npm test');
  });
});
