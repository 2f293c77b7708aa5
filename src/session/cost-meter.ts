/**
 * Prices `response.done.response.usage` per model and keeps the session total.
 */
import type { RealtimeResponseUsage } from 'openai/resources/realtime/realtime';
import { DEFAULT_REALTIME_MODEL } from '../shared/settings-values.js';
import type { CostSnapshot } from './types.js';

/** USD per one million tokens. */
export interface ModelPricing {
  textIn: number;
  textCached: number;
  textOut: number;
  audioIn: number;
  audioCached: number;
  audioOut: number;
  imageIn: number;
  imageCached: number;
}

const GPT_REALTIME: ModelPricing = {
  textIn: 4,
  textCached: 0.4,
  textOut: 16,
  audioIn: 32,
  audioCached: 0.4,
  audioOut: 64,
  imageIn: 5,
  imageCached: 0.5,
};

const GPT_REALTIME_2: ModelPricing = { ...GPT_REALTIME, textOut: 24 };

const MINI: ModelPricing = {
  textIn: 0.6,
  textCached: 0.06,
  textOut: 2.4,
  audioIn: 10,
  audioCached: 0.3,
  audioOut: 20,
  imageIn: 0.8,
  imageCached: 0.08,
};

/**
 * Default prices (USD / 1M tokens), the published Realtime prices as the first version recorded
 * them. Some are unverified (gpt-realtime audio, gpt-realtime-mini); `pricing` in config.json
 * overrides any of them (README, Settings).
 */
export const DEFAULT_PRICING: Readonly<Record<string, ModelPricing>> = {
  'gpt-realtime': GPT_REALTIME,
  'gpt-realtime-1.5': GPT_REALTIME,
  'gpt-realtime-2': GPT_REALTIME_2,
  'gpt-realtime-2.1': GPT_REALTIME_2,
  'gpt-realtime-2.1-mini': MINI,
  'gpt-realtime-mini': MINI,
};

/**
 * Finds the price row for a model id: exact, else without a dated snapshot suffix
 * (`gpt-realtime-2025-08-28` → `gpt-realtime`), else gpt-realtime.
 */
export function pricingFor(
  model: string,
  table: Readonly<Record<string, ModelPricing>> = DEFAULT_PRICING,
): ModelPricing {
  const exact = table[model];
  if (exact) return exact;
  const undated = model.replace(/-\d{4}-\d{2}-\d{2}$/, '');
  return table[undated] ?? table[DEFAULT_REALTIME_MODEL] ?? GPT_REALTIME;
}

const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);

/** Cost in USD of one response's usage (absent/null usage costs 0). */
export function usageCostUsd(usage: RealtimeResponseUsage | null | undefined, price: ModelPricing): number {
  if (!usage) return 0;
  const inD = usage.input_token_details;
  const cachedD = inD?.cached_tokens_details;
  const outD = usage.output_token_details;
  const textIn = n(inD?.text_tokens);
  const audioIn = n(inD?.audio_tokens);
  const imageIn = n(inD?.image_tokens);
  const cText = Math.min(n(cachedD?.text_tokens), textIn);
  const cAudio = Math.min(n(cachedD?.audio_tokens), audioIn);
  const cImage = Math.min(n(cachedD?.image_tokens), imageIn);
  let textOut = n(outD?.text_tokens);
  const audioOut = n(outD?.audio_tokens);
  // Without a breakdown, price all output as text (the cheaper assumption is worse than nothing).
  if (!outD && n(usage.output_tokens) > 0) textOut = n(usage.output_tokens);
  const usd =
    (textIn - cText) * price.textIn +
    cText * price.textCached +
    (audioIn - cAudio) * price.audioIn +
    cAudio * price.audioCached +
    (imageIn - cImage) * price.imageIn +
    cImage * price.imageCached +
    textOut * price.textOut +
    audioOut * price.audioOut;
  return usd / 1_000_000;
}

/** Running cost of a voice session. */
export class CostMeter {
  private readonly table: Readonly<Record<string, ModelPricing>>;
  private sessionUsd = 0;
  private turnUsd = 0;
  private lastResponseUsd = 0;

  /**
   * @param model model id used for pricing.
   * @param overrides price rows that replace (per model) the defaults.
   */
  constructor(
    private readonly model: string,
    overrides?: Record<string, ModelPricing>,
  ) {
    this.table = { ...DEFAULT_PRICING, ...overrides };
  }

  /** A new user turn starts: `lastTurnUsd` restarts from 0 (a turn may span several responses). */
  beginTurn(): void {
    this.turnUsd = 0;
  }

  /** Adds one response's usage to the session and the current turn; returns the new snapshot. */
  add(usage: RealtimeResponseUsage | null | undefined): CostSnapshot {
    this.lastResponseUsd = usageCostUsd(usage, pricingFor(this.model, this.table));
    this.sessionUsd += this.lastResponseUsd;
    this.turnUsd += this.lastResponseUsd;
    return this.snapshot();
  }

  /** Cost of the most recent response alone. */
  lastResponseCostUsd(): number {
    return this.lastResponseUsd;
  }

  /** `lastTurnUsd` sums every response since the last `beginTurn()` (tool follow-ups included). */
  snapshot(): CostSnapshot {
    return { sessionUsd: this.sessionUsd, lastTurnUsd: this.turnUsd };
  }
}
