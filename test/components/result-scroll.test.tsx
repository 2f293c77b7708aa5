import { describe, expect, it } from 'vitest';
import { task } from '../commands/fakes.js';
import { KEY, mount } from './harness.js';

describe('result card scrolling', () => {
  it('a final text longer than the card scrolls with ↓/↑ and PgDn, with a "↓ more" line', async () => {
    const text = Array.from({ length: 60 }, (_, i) => `result line ${i + 1}`).join('\n');
    const app = await mount({
      tasks: [task({ id: 1, name: 'long', status: 'completed', resultText: text, endedAt: 1_000 })],
      columns: 80,
      rows: 24,
    });
    await app.press('r');
    expect(app.frame()).toContain('result line 1\n'.trim());
    expect(app.frame()).toMatch(/↓ more: \d+ lines/);
    expect(app.frame()).not.toContain('result line 60');
    await app.press(KEY.down);
    expect(app.frame()).not.toMatch(/result line 1\b/);
    expect(app.frame()).toContain('1 above');
    for (let i = 0; i < 8; i++) await app.press(KEY.pageDown);
    expect(app.frame()).toContain('result line 60');
    expect(app.frame()).toContain('end of text');
    await app.press(KEY.pageUp, KEY.pageUp, KEY.pageUp, KEY.pageUp, KEY.pageUp, KEY.pageUp, KEY.pageUp);
    expect(app.frame()).not.toContain('result line 60');
    for (const l of app.frame().split('\n')) expect(l.length).toBeLessThanOrEqual(80);
  });
});
