// `o` without an editor port (as when the app cannot hand over a terminal): the folder's path is shown.
import { describe, expect, it } from 'vitest';
import { task } from '../commands/fakes.js';
import { mount } from './harness.js';

describe('o: open the task folder', () => {
  it('shows the selected task folder when there is no editor to open it in', async () => {
    const app = await mount({
      tasks: [task({ id: 1, name: 'notes', status: 'completed', projectDir: '/srv/wt/1-notes' })],
      columns: 120,
    });
    await app.press('o');
    expect(app.frame()).toContain('Task 1 works in /srv/wt/1-notes');
    app.unmount();
  });
});
