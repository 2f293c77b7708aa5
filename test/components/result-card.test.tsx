import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { ResultCard } from '../../src/components/ResultCard.js';
import { T0, task } from '../commands/fakes.js';

function facts(over: Parameters<typeof task>[0]): string {
  const r = render(<ResultCard task={task(over)} now={T0} width={120} height={12} />);
  const line = (r.lastFrame() ?? '').split('\n').find((l) => l.includes('turns'));
  r.unmount();
  return line ?? '';
}

describe('the result card', () => {
  it('shows what was spent of the budget when the task has one', () => {
    const line = facts({ id: 2, name: 'capped', status: 'failed', costUsd: 2.01, turns: 9, budgetUsd: 2 });
    expect(line).toContain('turns 9 · cost $2.01 of $2.00 budget ·');
  });

  it('shows the cost alone without a budget', () => {
    const line = facts({ id: 3, name: 'open', status: 'completed', costUsd: 0.42, turns: 3 });
    expect(line).toContain('turns 3 · cost $0.42 ·');
    expect(line).not.toContain('budget');
  });
});
