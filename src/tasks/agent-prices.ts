/**
 * Cost estimates for agents that report tokens but no dollars (codex, gemini): a run's own tokens
 * (run-usage.ts) times per-model prices in USD per million tokens. The built-in prices are
 * estimates of the providers' list prices and may be out of date; `agentPrices` in config.json
 * overrides or adds entries, by model name (`gpt-5-codex`) or by agent name (`codex`, the price of
 * a run whose model is not listed). Estimates read with a leading `~` (src/components/format.ts).
 */
import { z } from 'zod';
import type { AgentUsage, BackendKind } from './types.js';

/** USD per million tokens; `cachedInput` for input read from the provider's cache. */
export interface TokenPrices {
  input: number;
  cachedInput: number;
  output: number;
}

/** Prices by model name or agent name (see this file's header). */
export type AgentPrices = Record<string, TokenPrices>;

const usdPerMTok = z.number().nonnegative();

/** The `agentPrices` config value: `{ "gpt-5-codex": { "input": 1.25, "cachedInput": 0.125, "output": 10 } }`. */
export const agentPricesSchema = z.record(
  z.string().min(1),
  z
    .object({ input: usdPerMTok, cachedInput: usdPerMTok.optional(), output: usdPerMTok })
    .transform((p): TokenPrices => ({ input: p.input, cachedInput: p.cachedInput ?? p.input, output: p.output })),
);

/**
 * Built-in estimates (USD per million tokens). The agent-name entries price a run of the agent's
 * default model (codex: a GPT-5 codex model; gemini: `auto`, priced as Gemini 2.5 Pro).
 */
export const DEFAULT_AGENT_PRICES: Readonly<AgentPrices> = {
  codex: { input: 1.25, cachedInput: 0.125, output: 10 },
  'gpt-5': { input: 1.25, cachedInput: 0.125, output: 10 },
  'gpt-5-codex': { input: 1.25, cachedInput: 0.125, output: 10 },
  'gpt-5-mini': { input: 0.25, cachedInput: 0.025, output: 2 },
  gemini: { input: 1.25, cachedInput: 0.31, output: 10 },
  'gemini-2.5-pro': { input: 1.25, cachedInput: 0.31, output: 10 },
  'gemini-2.5-flash': { input: 0.3, cachedInput: 0.075, output: 2.5 },
  'gemini-2.5-flash-lite': { input: 0.1, cachedInput: 0.025, output: 0.4 },
};

/** True for agents whose cost voice-orch estimates from tokens rather than reads from the CLI. */
export function costIsEstimate(backend: BackendKind): boolean {
  return backend === 'codex' || backend === 'gemini';
}

/**
 * The estimated USD cost of `usage` for a run of `backend` with `model` (undefined: the agent's
 * default): the model's prices, else the agent's, else undefined (no estimate).
 */
export function estimateRunCost(
  backend: BackendKind,
  model: string | undefined,
  usage: AgentUsage,
  prices: Readonly<AgentPrices> = DEFAULT_AGENT_PRICES,
): number | undefined {
  if (!costIsEstimate(backend)) return undefined;
  const p = (model !== undefined ? prices[model] : undefined) ?? prices[backend];
  if (p === undefined) return undefined;
  const cached = usage.cacheReadInputTokens;
  const fresh = usage.inputTokens + usage.cacheCreationInputTokens;
  return (fresh * p.input + cached * p.cachedInput + usage.outputTokens * p.output) / 1_000_000;
}

/** The built-in prices with the configured ones over them. */
export function mergedPrices(configured: AgentPrices | undefined): AgentPrices {
  return { ...DEFAULT_AGENT_PRICES, ...configured };
}
