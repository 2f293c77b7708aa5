/**
 * Cost per stage of a cascade turn from configurable prices: speech-to-text by audio minutes,
 * chat by estimated tokens in and out, speech by characters sent; reported to the status bar
 * (the `cost` event) and in the turn's latency log line.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveVoiceEngineSettings } from '../../src/config/voice-engine-settings.js';
import { DEFAULT_CASCADE_PRICES, TurnCost } from '../../src/session/cascade/cascade-cost.js';
import type { CostSnapshot } from '../../src/session/types.js';
import { cascadeRig, closeCascadeRigs, lastFinal } from '../helpers/cascade-rig.js';
import { pcm, until } from '../helpers/voice-doubles.js';

afterEach(closeCascadeRigs);

describe('cascade cost per stage', () => {
  it('prices default to the default models and config.json cascadePrices overrides each one', () => {
    expect(resolveVoiceEngineSettings({}, {}).prices).toEqual(DEFAULT_CASCADE_PRICES);
    const local = resolveVoiceEngineSettings(
      { cascadePrices: { chatInputPerMTokUsd: 0, chatOutputPerMTokUsd: 0 } },
      {},
    );
    expect(local.prices).toEqual({ ...DEFAULT_CASCADE_PRICES, chatInputPerMTokUsd: 0, chatOutputPerMTokUsd: 0 });
  });

  it('adds minutes of audio, tokens as characters / 4, and speech characters', () => {
    const c = new TurnCost({
      sttPerMinuteUsd: 0.006,
      chatInputPerMTokUsd: 1,
      chatOutputPerMTokUsd: 2,
      speechPerMCharsUsd: 10,
    });
    c.addStt(30);
    c.addChat(4_000_000, 400_000);
    c.addSpeech(100_000);
    expect(c.stages()).toEqual({ sttUsd: 0.003, chatUsd: 1.2, speechUsd: 1, totalUsd: 2.203 });
  });

  it('a spoken turn reports its cost per stage in the latency log and the session total in the cost event', async () => {
    // Prices that make each unit easy to count: $1 per speech character, $1 per answered character.
    const prices = { sttPerMinuteUsd: 60, chatInputPerMTokUsd: 0, chatOutputPerMTokUsd: 4e6, speechPerMCharsUsd: 1e6 };
    const rig = await cascadeRig({}, { override: { prices } });
    const costs: CostSnapshot[] = [];
    rig.engine.on('cost', (c) => costs.push(c));
    rig.server.transcripts.push('how are the tasks');
    rig.server.chat.push({ text: 'All fine.' });
    rig.engine.talkStart();
    rig.engine.appendAudio(pcm(500));
    rig.engine.talkEnd();
    await until(() => lastFinal(rig, 'assistant') === 'All fine.', 'answer');
    await until(() => costs.length === 1, 'cost event');
    // 0.5 s at $60/min = $0.50; 9 characters answered; 9 characters spoken.
    expect(costs[0]).toEqual({ sessionUsd: 18.5, lastTurnUsd: 18.5 });
    const logged = (): string => {
      try {
        return readFileSync(rig.latencyLog, 'utf8').trim();
      } catch {
        return '';
      }
    };
    await until(() => logged() !== '', 'the latency line');
    const line = JSON.parse(logged().split('\n').at(-1)!) as { cost: unknown };
    expect(line.cost).toEqual({ sttUsd: 0.5, chatUsd: 9, speechUsd: 9, totalUsd: 18.5 });

    // A typed turn adds no speech-to-text cost; the session total grows.
    rig.server.chat.push({ text: 'Yes.' });
    rig.engine.sendText('sure?');
    await until(() => costs.length === 2, 'second cost event');
    expect(costs[1]).toEqual({ sessionUsd: 26.5, lastTurnUsd: 8 });
  });
});
