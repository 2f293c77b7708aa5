/* @jsxRuntime automatic */
/* @jsxImportSource react */
// The follow-up form after a "try again in a moment" refusal: Enter sends again, and the form
// shows that it did (the same refusal, counted), then sends for real once the engine accepts.
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActionResult, TaskRecord } from '../../src/tasks/types.js';
import { task } from '../commands/fakes.js';
import { KEY, mount } from './harness.js';

afterEach(() => cleanup());

const STARTING = 'Task 1 (story) is still starting (no agent session yet); try again in a moment or use when "after".';

describe('follow-up form: Enter after a refusal', () => {
  it('retries: the repeated refusal is counted on screen, and the retry that is accepted closes the form', async () => {
    const app = await mount({ tasks: [task({ id: 1, name: 'story', status: 'running' })], columns: 140 });
    let refuse = true;
    const calls: string[] = [];
    const steer = async (ref: number, prompt: string): Promise<ActionResult<TaskRecord>> => {
      calls.push(`steer ${ref} ${prompt}`);
      return refuse ? { ok: false, message: STARTING } : { ok: true, value: app.tasks.tasks.get(ref)! };
    };
    Object.assign(app.tasks, { steer });
    await app.press('f', 'Make it short', KEY.tab, 'now', KEY.enter);
    expect(calls).toEqual(['steer 1 Make it short']);
    expect(app.frame()).toContain('still starting');
    expect(app.frame()).not.toContain('sent again');

    await app.press(KEY.enter);
    expect(calls).toHaveLength(2);
    expect(app.frame()).toContain('(sent again: same answer, 2 tries)');
    await app.press(KEY.enter);
    expect(app.frame()).toContain('(sent again: same answer, 3 tries)');

    // Typing clears the refusal and its count.
    await app.press(KEY.backspace, 'w');
    expect(app.frame()).not.toContain('still starting');
    await app.press(KEY.enter);
    expect(app.frame()).toContain('still starting');
    expect(app.frame()).not.toContain('sent again');

    refuse = false;
    await app.press(KEY.enter);
    expect(calls).toHaveLength(5);
    expect(app.store.getState().overlay).toBeNull();
    expect(app.frame()).toContain('interrupted to steer');
  });
});
