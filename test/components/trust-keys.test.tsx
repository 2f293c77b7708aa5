// Typed text never becomes a destructive action: keys that open a text field open it even when
// their command is unavailable, and confirm dialogs refuse answers that came with, or right after,
// the key that opened them (a paste, fast typing).
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { task } from '../commands/fakes.js';
import { KEY, mount } from './harness.js';

afterEach(() => cleanup());

const running = () => [task({ id: 1, name: 'fix-login' }), task({ id: 2, name: 'docs' })];

describe('typed text with voice off', () => {
  it('`:quit yelling at me` in one chunk cancels nothing and lands in the message line', async () => {
    const app = await mount({ tasks: running(), voiceOff: 'no OPENAI_API_KEY' });
    await app.press(':quit yelling at me');
    expect(app.tasks.calls).toEqual([]);
    expect(app.frame()).toMatch(/Message:\s+quit yelling at me▍/);
    expect(app.frame()).toContain('Cannot send now: voice is off: no OPENAI_API_KEY.');
    expect(app.frame()).not.toContain('Cancel task');
  });

  it('the same text typed key by key, slowly, also stays text; Enter sends nothing and keeps it', async () => {
    const app = await mount({ tasks: running(), voiceOff: 'no OPENAI_API_KEY' });
    for (const ch of ':quit yelling at me') {
      await app.press(ch);
      app.later(1_000);
    }
    await app.press(KEY.enter);
    expect(app.tasks.calls).toEqual([]);
    expect(app.voice.sent).toEqual([]);
    expect(app.frame()).toMatch(/Message:\s+quit yelling at me▍/);
    expect(app.frame()).toContain('Not sent: voice is off: no OPENAI_API_KEY. The text stays here; Esc closes.');
    await app.press(KEY.esc);
    expect(app.store.getState().overlay).toBeNull();
    expect(app.tasks.calls).toEqual([]);
  });

  it('`f` with no task to follow up opens its field anyway, so the prompt typed after it stays text', async () => {
    const app = await mount({ voiceOff: 'no OPENAI_API_KEY' });
    await app.press('f', 'now fix the tests');
    expect(app.frame()).toMatch(/Prompt:\s+now fix the tests▍/);
    expect(app.frame()).toContain('Cannot send now: no tasks yet — press n to start one.');
    expect(app.frame()).not.toContain('New task');
    await app.press(KEY.enter);
    expect(app.frame()).toContain('Not sent: no tasks yet — press n to start one.');
    expect(app.frame()).toMatch(/Prompt:\s+now fix the tests▍/);
    expect(app.tasks.calls).toEqual([]);
  });
});

describe('confirm dialogs refuse keys that came too soon', () => {
  it('`qy` in one chunk asks and does not confirm; a `y` after the pause does', async () => {
    const app = await mount({ tasks: running() });
    await app.press('qy');
    expect(app.frame()).toContain('Cancel task 1 "fix-login"?');
    expect(app.tasks.calls).toEqual([]);
    app.later(200);
    await app.press('y');
    expect(app.tasks.calls).toEqual(['cancel 1']);
  });

  it('`y` within 150 ms of `q` (its own chunk) does not confirm; the dialog stays', async () => {
    const app = await mount({ tasks: running() });
    await app.press('q');
    app.later(100);
    await app.press('y');
    expect(app.tasks.calls).toEqual([]);
    expect(app.frame()).toContain('Cancel task 1 "fix-login"?');
    app.later(100);
    await app.press('y');
    expect(app.tasks.calls).toEqual(['cancel 1']);
  });

  it('one read that Ink hands over as several events (split at an escape sequence) is one chunk', async () => {
    // A clock that jumps a second at every reading: only the chunk rule can refuse the `y`.
    let t = 0;
    const app = await mount({ tasks: running(), clock: () => (t += 1_000) });
    await app.press(`q${KEY.up}y`);
    expect(app.frame()).toContain('Cancel task 1 "fix-login"?');
    expect(app.tasks.calls).toEqual([]);
    await app.press('y');
    expect(app.tasks.calls).toEqual(['cancel 1']);
  });

  it('the quit question: Ctrl+C then `c` in one chunk, or a second Ctrl+C right away, quits nothing', async () => {
    const app = await mount({ tasks: running() });
    await app.press(`${KEY.ctrlC}c`);
    expect(app.frame()).toContain('2 tasks are still running. Quit?');
    await app.press(KEY.ctrlC);
    expect(app.quits).toEqual([]);
    app.later(200);
    await app.press('c');
    expect(app.quits).toEqual(['cancel']);
  });

  it('a Ctrl+C inside text pasted into a form asks to quit; the `k` after it in the paste does not answer', async () => {
    const app = await mount({ tasks: running() });
    await app.press('n');
    await app.press('fix\u0003k');
    expect(app.frame()).toContain('2 tasks are still running. Quit?');
    expect(app.quits).toEqual([]);
    app.later(200);
    await app.press('k');
    expect(app.quits).toEqual(['keep']);
  });
});
