// The per-task budget default (`maxBudgetUsd`, `--max-budget-usd`) and the agent command
// (`agentCommand`) from config.json and flags.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/config.js';

function configFile(content: unknown): { home: string; path: string } {
  const home = mkdtempSync(join(tmpdir(), 'vo-config-'));
  const path = join(home, 'c.json');
  writeFileSync(path, JSON.stringify(content));
  return { home, path };
}

describe('the budget default', () => {
  it('is none by default', () => {
    const res = loadSettings([], { HOME: mkdtempSync(join(tmpdir(), 'vo-config-')) }, '/w');
    expect(res.ok && res.settings.maxBudgetUsd).toBeUndefined();
    expect(res.ok && res.settings.agentCommand).toBeUndefined();
  });

  it('comes from config.json maxBudgetUsd; --max-budget-usd beats it', () => {
    const { home, path } = configFile({ maxBudgetUsd: 2.5 });
    const a = loadSettings(['--config', path], { HOME: home }, '/w');
    expect(a.ok && a.settings.maxBudgetUsd).toBe(2.5);
    const b = loadSettings(['--config', path, '--max-budget-usd', '0.75'], { HOME: home }, '/w');
    expect(b.ok && b.settings.maxBudgetUsd).toBe(0.75);
  });

  it('refuses a budget that is not a positive number, naming the field or the option', () => {
    for (const bad of [0, -3, 'five']) {
      const { home, path } = configFile({ maxBudgetUsd: bad });
      const res = loadSettings(['--config', path], { HOME: home }, '/w');
      expect(!res.ok && res.message).toContain('field "maxBudgetUsd"');
    }
    const home = mkdtempSync(join(tmpdir(), 'vo-config-'));
    const word = loadSettings(['--max-budget-usd', 'lots'], { HOME: home }, '/w');
    expect(!word.ok && word.message).toBe('--max-budget-usd must be a number, got "lots"');
    const zero = loadSettings(['--max-budget-usd', '0'], { HOME: home }, '/w');
    expect(!zero.ok && zero.message).toMatch(/--max-budget-usd must be an amount of dollars above zero \(got 0\)/);
  });
});

describe('the agent command', () => {
  it('config.json agentCommand is kept as an argv', () => {
    const argv = ['aider', '--yes', '--message', '--', '{prompt}'];
    const { home, path } = configFile({ agentCommand: argv });
    const res = loadSettings(['--config', path], { HOME: home }, '/w');
    expect(res.ok && res.settings.agentCommand).toEqual(argv);
  });

  it('refuses an empty command, one without {prompt}, and {prompt} as the program', () => {
    const cases: [unknown, RegExp][] = [
      [[], /field "agentCommand"/],
      [['aider', '--yes'], /must contain \{prompt\}/],
      [['{prompt}', 'x'], /the first word is the program/],
      ['aider {prompt}', /field "agentCommand"/],
    ];
    for (const [agentCommand, message] of cases) {
      const { home, path } = configFile({ agentCommand });
      const res = loadSettings(['--config', path], { HOME: home }, '/w');
      expect(!res.ok && res.message).toMatch(message);
    }
  });
});
