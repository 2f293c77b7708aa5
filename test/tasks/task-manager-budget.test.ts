// A task's spending cap reaches the agent: a real fake-claude process records the argv it was
// started with, for the spawn's own budget, the configured default, and a follow-up run.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { factLines, finished, makeWorld, type World } from './task-manager.fixture.js';

let w: World;
beforeEach(() => {
  w = makeWorld();
});
afterEach(async () => {
  await w.cleanup();
});

/** The value after `--max-budget-usd` in an argv (before the `--` that ends the options), if any. */
function budgetArg(args: string[]): string | undefined {
  const opts = args.slice(0, args.indexOf('--'));
  const i = opts.indexOf('--max-budget-usd');
  return i < 0 ? undefined : opts[i + 1];
}

describe('the per-task budget', () => {
  it("a spawn's budget is passed as --max-budget-usd to every run and kept on the record", async () => {
    const m = w.make({ env: { ...w.env, FAKE_CLAUDE_ECHO_ARGS: '1' }, defaultMaxBudgetUsd: 9 });
    await m.start();
    const r = await m.spawn({
      name: 'capped',
      prompt: 'scenario:plain',
      projectDir: w.dir('capped'),
      maxBudgetUsd: 2.5,
    });
    if (!r.ok) throw new Error(r.message);
    expect(r.value.budgetUsd).toBe(2.5);
    const first = await finished(m, r.value.id);
    expect(first.status).toBe('completed');
    const f = await m.followUp(r.value.id, 'scenario:plain');
    if (!f.ok) throw new Error(f.message);
    await finished(m, r.value.id);
    const facts = factLines(m, r.value.id, 'fake_args');
    expect(facts.map((x) => budgetArg(x.args as string[]))).toEqual(['2.5', '2.5']);
  });

  it('the configured default applies when a spawn names none; without one no budget is passed', async () => {
    const m = w.make({ env: { ...w.env, FAKE_CLAUDE_ECHO_ARGS: '1' }, defaultMaxBudgetUsd: 4 });
    await m.start();
    const r = await m.spawn({ name: 'default', prompt: 'scenario:plain', projectDir: w.dir('a') });
    if (!r.ok) throw new Error(r.message);
    expect(r.value.budgetUsd).toBe(4);
    await finished(m, r.value.id);
    expect(factLines(m, r.value.id, 'fake_args').map((x) => budgetArg(x.args as string[]))).toEqual(['4']);

    const n = w.make({ env: { ...w.env, FAKE_CLAUDE_ECHO_ARGS: '1' }, stateDir: `${w.root}/state-2` });
    await n.start();
    const s = await n.spawn({ name: 'open', prompt: 'scenario:plain', projectDir: w.dir('b') });
    if (!s.ok) throw new Error(s.message);
    expect(s.value.budgetUsd).toBeUndefined();
    await finished(n, s.value.id);
    const args = factLines(n, s.value.id, 'fake_args')[0]?.args as string[];
    expect(args).toContain('--');
    expect(budgetArg(args)).toBeUndefined();
  });

  it('a budget that is not a positive amount is refused with a sentence', async () => {
    const m = w.make();
    await m.start();
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const r = await m.spawn({ name: 'bad', prompt: 'scenario:plain', projectDir: w.dir('bad'), maxBudgetUsd: bad });
      expect(r).toEqual({ ok: false, message: 'The budget must be an amount of dollars above zero.' });
    }
    expect(m.list()).toEqual([]);
  });
});
