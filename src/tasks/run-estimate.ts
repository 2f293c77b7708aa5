/**
 * Turns and cost of a running run, estimated from the usage each assistant message carries in the
 * stream, until the run's `result` line gives the exact figures. Every line of one message
 * repeats the message's usage (growing as it streams), so a message counts once, with its latest
 * usage; the turns are the distinct messages. The price table (USD per 1M tokens) is per model and
 * configurable (`agentPricing` in config.json, README "Turns and cost while a task runs").
 */
import type { AgentEvent, AgentUsage, TaskRecord, TaskRun } from './types.js';

/** List prices of one agent model, USD per 1M tokens. */
export interface AgentModelPrice {
  input: number;
  output: number;
  /** Writing the prompt cache; default 1.25 × input. */
  cacheWrite?: number;
  /** Reading the prompt cache; default 0.1 × input. */
  cacheRead?: number;
}

/** A price table: model id, or a family word matched inside the id (`opus`, `sonnet`, `haiku`). */
export type AgentPricing = Readonly<Record<string, AgentModelPrice>>;

/**
 * Defaults. `claude-opus-5-5` is checked against the CLI's own `total_cost_usd` in the recorded
 * streams (test/fixtures/claude-cli); the family rows are list prices as first recorded and may
 * be out of date: `agentPricing` in config.json overrides any row.
 */
export const DEFAULT_AGENT_PRICING: AgentPricing = {
  'claude-opus-5-5': { input: 4, output: 20 },
  opus: { input: 4, output: 20 },
  sonnet: { input: 3, output: 15 },
  haiku: { input: 1, output: 5 },
};

/** Row used for a model no row names: the dearest default, so an estimate does not flatter. */
const FALLBACK: AgentModelPrice = { input: 4, output: 20 };

let configured: AgentPricing = DEFAULT_AGENT_PRICING;

/** Sets the table used from now on: the defaults with `overrides` replacing rows per model. */
export function configureAgentPricing(overrides: AgentPricing | undefined): void {
  configured = { ...DEFAULT_AGENT_PRICING, ...(overrides ?? {}) };
}

/** The price row for a model id: exact, else the longest row name found inside the id, else the fallback. */
export function agentPriceFor(model: string, table: AgentPricing = configured): AgentModelPrice {
  const exact = table[model];
  if (exact) return exact;
  let best: string | undefined;
  for (const key of Object.keys(table))
    if (model.includes(key) && (best === undefined || key.length > best.length)) best = key;
  return best !== undefined ? (table[best] as AgentModelPrice) : FALLBACK;
}

/** What `usage` costs at `price`, in USD. */
export function usageCost(usage: AgentUsage, price: AgentModelPrice): number {
  const write = price.cacheWrite ?? price.input * 1.25;
  const read = price.cacheRead ?? price.input * 0.1;
  return (
    (usage.inputTokens * price.input +
      usage.outputTokens * price.output +
      usage.cacheCreationInputTokens * write +
      usage.cacheReadInputTokens * read) /
    1_000_000
  );
}

type UsageEvent = Extract<AgentEvent, { type: 'usage' }>;

/** The messages one run has streamed so far, and their estimated turns and cost. */
export class RunEstimate {
  private readonly messages = new Map<string, number>();
  private total = 0;

  constructor(
    /** The run this estimate belongs to. */
    readonly runNo: number,
    private readonly table: AgentPricing = configured,
  ) {}

  /** Counts one message's usage (a repeat of a message replaces its earlier figure). */
  add(ev: UsageEvent): void {
    const cost = usageCost(ev.usage, agentPriceFor(ev.model, this.table));
    this.total += cost - (this.messages.get(ev.messageId) ?? 0);
    this.messages.set(ev.messageId, cost);
  }

  /** Assistant messages seen (the CLI's turns). */
  get turns(): number {
    return this.messages.size;
  }

  /** Estimated USD. */
  get costUsd(): number {
    return this.total;
  }
}

/** Writes an estimate into its run and the record's totals (marked as estimates). */
export function applyEstimate(rec: TaskRecord, run: TaskRun, est: RunEstimate): void {
  run.turns = est.turns;
  run.costUsd = est.costUsd;
  run.estimated = true;
  sumRuns(rec);
}

/** The record's turns and cost over all runs, and whether any of them is an estimate. */
export function sumRuns(rec: TaskRecord): void {
  rec.turns = rec.runs.reduce((n, r) => n + (r.turns ?? 0), 0);
  rec.costUsd = rec.runs.reduce((n, r) => n + (r.costUsd ?? 0), 0);
  if (rec.runs.some((r) => r.estimated === true)) rec.costEstimated = true;
  else delete rec.costEstimated;
}
