import { describe, expect, it } from 'vitest';
import { entry, task } from '../commands/fakes.js';
import { KEY, mount, tick } from './harness.js';

describe('log view search on screen', () => {
  it('/ opens the query line, Enter shows the match at the bottom, n/N step, Tab still filters', async () => {
    const t = task({ id: 1, name: 'long', status: 'completed' });
    const app = await mount({ tasks: [t], columns: 80, rows: 24 });
    app.tasks.logs.set(
      1,
      Array.from({ length: 3000 }, (_, i) =>
        entry(i, 'text', i === 5 || i === 9 ? `found the Needle ${i}` : `line ${i}`),
      ),
    );
    await app.press(KEY.enter);
    expect(app.frame()).toContain('line 2999');
    await app.press('/');
    expect(app.frame()).toContain('Enter search · Esc cancel');
    // Typed letters go to the query line, not to commands ("n" would search, "q" cancel).
    await app.press('n', 'e', 'e', 'd', 'l', 'e');
    expect(app.frame()).toContain('/needle');
    await app.press(KEY.enter);
    await tick(50);
    const f = app.frame();
    const lines = f.split('\n');
    const searchLine = lines.findIndex((l) => l.startsWith('/needle: match on the bottom line'));
    expect(searchLine).toBeGreaterThan(0);
    expect(lines[searchLine - 1]).toContain('found the Needle 9');
    expect(f).toContain('n older · N newer');
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    await app.press('n');
    await tick(50);
    expect(app.frame()).toContain('found the Needle 5');
    expect(app.frame()).not.toContain('found the Needle 9');
    await app.press('n');
    await tick(50);
    expect(app.frame()).toContain('no older match');
    await app.press('N');
    await tick(50);
    expect(app.frame()).toContain('found the Needle 9');
    await app.press(KEY.tab);
    expect(app.frame()).toContain('assistant text');
  });
});
