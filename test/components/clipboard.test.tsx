import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { createTerminalClipboard, osc52Sequence } from '../../src/shared/clipboard.js';
import { T0, task } from '../commands/fakes.js';
import { KEY, mount } from './harness.js';

afterEach(() => cleanup());

const tasks = () => [
  task({ id: 1, name: 'live', activity: 'Edit a.ts' }),
  task({ id: 2, name: 'docs', status: 'completed', endedAt: T0 + 1_000, resultText: 'Wrote the docs ✓' }),
];

describe('y copies the result', () => {
  it('writes the OSC 52 sequence only on y, with the base64 of the result', async () => {
    const written: string[] = [];
    const clipboard = createTerminalClipboard((d) => written.push(d), {});
    const app = await mount({ tasks: tasks(), clipboard });
    await app.press(KEY.down, 'r', KEY.esc, 'j', 'k', 'N', KEY.esc);
    expect(written).toEqual([]);
    await app.press(KEY.down, 'y');
    const b64 = Buffer.from('Wrote the docs ✓').toString('base64');
    expect(written).toEqual([`\u001b]52;c;${b64}\u0007`]);
    expect(app.frame()).toContain('Copied the result of task 2 docs');
  });

  it('says why when the task has no result yet, and writes nothing', async () => {
    const written: string[] = [];
    const app = await mount({ tasks: tasks(), clipboard: createTerminalClipboard((d) => written.push(d), {}) });
    await app.press('y');
    expect(written).toEqual([]);
    expect(app.frame()).toContain('task 1 has no result yet');
  });

  it('inside tmux also sends the passthrough form', () => {
    const seq = osc52Sequence('hi', true);
    expect(seq.startsWith('\u001b]52;c;aGk=\u0007')).toBe(true);
    expect(seq).toContain('\u001bPtmux;\u001b\u001b]52;c;aGk=\u0007\u001b\\');
  });
});
