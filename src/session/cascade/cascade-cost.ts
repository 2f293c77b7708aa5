/**
 * What a cascade turn costs, per stage, from configurable prices: speech-to-text per minute of
 * audio, chat per million tokens in and out, speech per million characters. Tokens are estimated
 * from characters (about 4 per token), since not every OpenAI-compatible server reports usage in
 * a stream; local servers cost nothing when their prices are set to 0.
 */

/** Prices in USD; defaults are OpenAI's list prices of the default models. */
export interface CascadePrices {
  sttPerMinuteUsd: number;
  chatInputPerMTokUsd: number;
  chatOutputPerMTokUsd: number;
  speechPerMCharsUsd: number;
}

/** gpt-4o-mini-transcribe, gpt-4.1-mini and per-character speech pricing. */
export const DEFAULT_CASCADE_PRICES: CascadePrices = {
  sttPerMinuteUsd: 0.003,
  chatInputPerMTokUsd: 0.4,
  chatOutputPerMTokUsd: 1.6,
  speechPerMCharsUsd: 15,
};

/** One turn's cost per stage, in USD. */
export interface CascadeStageCosts {
  sttUsd: number;
  chatUsd: number;
  speechUsd: number;
  totalUsd: number;
}

const CHARS_PER_TOKEN = 4;

/** Counts one turn's usage as it happens. */
export class TurnCost {
  private sttSeconds = 0;
  private chatInChars = 0;
  private chatOutChars = 0;
  private speechChars = 0;
  constructor(private readonly prices: CascadePrices = DEFAULT_CASCADE_PRICES) {}

  /** Seconds of audio sent to speech-to-text. */
  addStt(seconds: number): void {
    this.sttSeconds += seconds;
  }

  /** Characters of one chat request (everything sent) and of its answer (text and tool calls). */
  addChat(inChars: number, outChars: number): void {
    this.chatInChars += inChars;
    this.chatOutChars += outChars;
  }

  /** Characters sent to a speech endpoint. */
  addSpeech(chars: number): void {
    this.speechChars += chars;
  }

  stages(): CascadeStageCosts {
    const p = this.prices;
    const sttUsd = (this.sttSeconds / 60) * p.sttPerMinuteUsd;
    const chatUsd =
      ((this.chatInChars / CHARS_PER_TOKEN) * p.chatInputPerMTokUsd +
        (this.chatOutChars / CHARS_PER_TOKEN) * p.chatOutputPerMTokUsd) /
      1e6;
    const speechUsd = (this.speechChars * p.speechPerMCharsUsd) / 1e6;
    const round = (x: number): number => Math.round(x * 1e8) / 1e8;
    return {
      sttUsd: round(sttUsd),
      chatUsd: round(chatUsd),
      speechUsd: round(speechUsd),
      totalUsd: round(sttUsd + chatUsd + speechUsd),
    };
  }
}
