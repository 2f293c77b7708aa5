/**
 * The request panel: a request taller than the panel scrolls with PgUp/PgDn and says what is
 * above and below; a long command wraps instead of being cut; a multi-select question shows its
 * picks ticked; `d` shows the reason line with what is being denied.
 */
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/components/App.js';
import { RequestPanel } from '../../src/components/RequestPanel.js';
import { createDispatcher } from '../../src/commands/index.js';
import type { CommandContext } from '../../src/commands/types.js';
import type { PendingRequest } from '../../src/permissions/broker.js';
import { requestView } from '../../src/state/bind-permissions.js';
import { createAppStore } from '../../src/state/index.js';
import { FakeTasks, task } from '../commands/fakes.js';

const pending = (toolName: string, input: Record<string, unknown>): PendingRequest => ({
  id: '3.1.toolu_1',
  task: 3,
  run: 1,
  toolName,
  input,
  askedAt: 1,
  connected: true,
});

const plan = Array.from({ length: 60 }, (_, i) => `step ${i + 1}`).join('\n');

describe('RequestPanel', () => {
  it('shows the top of a long plan with "↓ more", and the rest once scrolled, with "↑ more"', () => {
    const view = requestView(pending('ExitPlanMode', { plan }), '/p');
    const top = render(<RequestPanel request={view} width={60} height={10} />).lastFrame()!;
    expect(top).toContain('step 1');
    expect(top).not.toContain('step 9\n');
    expect(top).toMatch(/↓ \d+ more lines \(PgDn\)/);
    expect(top).not.toContain('↑');
    const mid = render(<RequestPanel request={view} width={60} height={10} scroll={30} />).lastFrame()!;
    expect(mid).toContain('↑ 30 more lines (PgUp)');
    expect(mid).toContain('step 29');
    expect(mid).not.toContain('step 20\n');
    const end = render(<RequestPanel request={view} width={60} height={10} scroll={61} />).lastFrame()!;
    expect(end).toContain('step 60');
    expect(end).not.toContain('↓');
  });

  it('wraps a long command so every part of it is on screen', () => {
    const command = `npm run build -- ${'--flag-x '.repeat(20)}--last-flag`;
    const view = requestView(pending('Bash', { command }), '/p');
    const frame = render(<RequestPanel request={view} width={50} height={20} />).lastFrame()!;
    expect(frame).toContain('--last-flag');
  });

  it('ticks the picked options of a multi-select question and counts them in its keys', () => {
    const view = requestView(
      pending('AskUserQuestion', {
        questions: [{ question: 'Which checks?', options: [{ label: 'lint' }, { label: 'e2e' }], multiSelect: true }],
      }),
      '/p',
    );
    const frame = render(<RequestPanel request={view} width={70} height={10} picks={[2]} />).lastFrame()!;
    expect(frame).toContain('[ ] 1. lint');
    expect(frame).toContain('[x] 2. e2e');
    expect(frame).toContain('1–2 pick · Enter send 1 picked · d deny');
  });
});

describe('the app with a waiting task', () => {
  it('PgDn scrolls the selected request; d opens the reason line naming the request', async () => {
    const tasks = new FakeTasks([task({ id: 3, name: 'api-tests', status: 'running', projectDir: '/p' })]);
    const store = createAppStore({ sync: true });
    store.dispatch({ type: 'tasks/reset', tasks: [...tasks.tasks.values()] });
    store.dispatch({ type: 'select/set', taskId: 3 });
    store.dispatch({ type: 'requests/set', requests: [requestView(pending('ExitPlanMode', { plan }), '/p')] });
    const ctx: CommandContext = { tasks, store, quit: () => {} };
    const d = createDispatcher(ctx);
    const app = render(<App store={store} commands={d} tickMs={0} />);
    expect(app.lastFrame()).toContain('step 1\n');
    await d.press('request_page_down');
    await d.press('request_page_down');
    expect(store.getState().requestUi?.scroll['3.1.toolu_1']).toBe(20);
    await new Promise((r) => setTimeout(r, 20));
    expect(app.lastFrame()).toContain('↑ 20 more lines (PgUp)');
    expect(app.lastFrame()).toContain('step 21');
    await d.press('request_page_up');
    expect(store.getState().requestUi?.scroll['3.1.toolu_1']).toBe(10);
    await d.press('deny_request');
    await new Promise((r) => setTimeout(r, 20));
    expect(app.lastFrame()).toContain('Reject the plan of task 3 api-tests');
    expect(app.lastFrame()).toContain('Request: plan ready for approval');
    app.unmount();
  });
});
