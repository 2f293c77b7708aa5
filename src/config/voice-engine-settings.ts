/**
 * Settings of the voice engine choice: `realtime` (default) or `cascade`, and the cascade's three
 * OpenAI-compatible endpoints (speech-to-text, chat, speech), each with its own base URL, model and
 * key variable. Flags beat environment, which beats config.json, as for every setting; config.ts
 * spreads the schema fields, flag options and overrides from here.
 */
import { z } from 'zod';
import { DEFAULT_CASCADE_PRICES, type CascadePrices } from '../session/cascade/cascade-cost.js';

/** The voice engines voice-orch can run. */
export const VOICE_ENGINES = ['realtime', 'cascade'] as const;
/** One voice engine name. */
export type VoiceEngineName = (typeof VOICE_ENGINES)[number];

/** Where the cascade's speech comes from: an endpoint, or the local espeak-ng program. */
export const TTS_ENGINES = ['http', 'espeak-ng'] as const;
/** One speech engine name. */
export type TtsEngineName = (typeof TTS_ENGINES)[number];
/** The espeak-ng voice used unless `--tts-voice` names another. */
export const DEFAULT_ESPEAK_VOICE = 'en-us';

/** OpenAI's REST base URL, the default of every cascade endpoint. */
export const DEFAULT_OPENAI_URL = 'https://api.openai.com/v1';
/** Cheap OpenAI models by default. */
export const CASCADE_DEFAULTS = {
  sttModel: 'gpt-4o-mini-transcribe',
  llmModel: 'gpt-4.1-mini',
  ttsModel: 'gpt-4o-mini-tts',
  ttsVoice: 'coral',
  timeoutSeconds: 30,
  connectTimeoutSeconds: 10,
} as const;

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');

/** config.json fields of the voice engine (spread into the config schema). */
export const voiceEngineConfigShape = {
  voiceEngine: z.enum(VOICE_ENGINES).optional(),
  sttUrl: z.string().url().optional(),
  llmUrl: z.string().url().optional(),
  ttsUrl: z.string().url().optional(),
  sttModel: z.string().min(1).optional(),
  llmModel: z.string().min(1).optional(),
  ttsModel: z.string().min(1).optional(),
  ttsVoice: z.string().min(1).optional(),
  ttsEngine: z.enum(TTS_ENGINES).optional(),
  /** Variables holding each endpoint's key (default OPENAI_API_KEY). */
  sttKeyEnv: envName.optional(),
  llmKeyEnv: envName.optional(),
  ttsKeyEnv: envName.optional(),
  /** Longest wait for a cascade request's answer and between streamed chunks. */
  cascadeTimeoutSeconds: z.number().positive().max(600).optional(),
  /** Longest wait for a cascade endpoint to accept a connection. */
  cascadeConnectTimeoutSeconds: z.number().positive().max(600).optional(),
  /** Prices in USD of each cascade stage (0 for a local server); unset ones keep their defaults. */
  cascadePrices: z
    .object({
      sttPerMinuteUsd: z.number().min(0).optional(),
      chatInputPerMTokUsd: z.number().min(0).optional(),
      chatOutputPerMTokUsd: z.number().min(0).optional(),
      speechPerMCharsUsd: z.number().min(0).optional(),
    })
    .strict()
    .optional(),
};

/** The command-line options of the voice engine (spread into parseArgs' options; `help` feeds `--help`). */
export const voiceEngineArgOptions = {
  'voice-engine': {
    type: 'string',
    arg: 'NAME',
    help: 'realtime (OpenAI Realtime) or cascade (speech-to-text, chat, speech endpoints) (default realtime)',
  },
  'stt-url': { type: 'string', arg: 'URL', help: `cascade speech-to-text endpoint (default ${DEFAULT_OPENAI_URL})` },
  'llm-url': { type: 'string', arg: 'URL', help: `cascade chat endpoint (default ${DEFAULT_OPENAI_URL})` },
  'tts-url': { type: 'string', arg: 'URL', help: `cascade speech endpoint (default ${DEFAULT_OPENAI_URL})` },
  'stt-model': {
    type: 'string',
    arg: 'ID',
    help: `cascade speech-to-text model (default ${CASCADE_DEFAULTS.sttModel})`,
  },
  'llm-model': { type: 'string', arg: 'ID', help: `cascade chat model (default ${CASCADE_DEFAULTS.llmModel})` },
  'tts-model': { type: 'string', arg: 'ID', help: `cascade speech model (default ${CASCADE_DEFAULTS.ttsModel})` },
  'tts-engine': {
    type: 'string',
    arg: 'NAME',
    help: 'cascade speech from the tts endpoint (http) or the local espeak-ng program (default http)',
  },
  'tts-voice': {
    type: 'string',
    arg: 'NAME',
    help: `cascade voice (default ${CASCADE_DEFAULTS.ttsVoice}; with espeak-ng ${DEFAULT_ESPEAK_VOICE})`,
  },
} as const;

/** The flags-and-environment layer of these settings (undefined where neither is given). */
export function voiceEngineOverrides(
  v: Partial<Record<keyof typeof voiceEngineArgOptions, string | boolean | (string | boolean)[]>>,
  env: NodeJS.ProcessEnv,
): Record<string, string | undefined> {
  const flag = (name: keyof typeof voiceEngineArgOptions): string | undefined => {
    const value = v[name];
    return typeof value === 'string' ? value : undefined;
  };
  return {
    voiceEngine: flag('voice-engine') ?? env.VOICE_ORCH_VOICE_ENGINE,
    sttUrl: flag('stt-url') ?? env.VOICE_ORCH_STT_URL,
    llmUrl: flag('llm-url') ?? env.VOICE_ORCH_LLM_URL,
    ttsUrl: flag('tts-url') ?? env.VOICE_ORCH_TTS_URL,
    sttModel: flag('stt-model') ?? env.VOICE_ORCH_STT_MODEL,
    llmModel: flag('llm-model') ?? env.VOICE_ORCH_LLM_MODEL,
    ttsModel: flag('tts-model') ?? env.VOICE_ORCH_TTS_MODEL,
    ttsVoice: flag('tts-voice') ?? env.VOICE_ORCH_TTS_VOICE,
    ttsEngine: flag('tts-engine') ?? env.VOICE_ORCH_TTS_ENGINE,
  };
}

/** One cascade endpoint as the engine gets it. */
export interface CascadeEndpointSettings {
  url: string;
  model: string;
  /** Undefined when the key variable is unset (a local server may need none). */
  apiKey?: string;
  /** Name of the variable the key came from (for messages; never the key). */
  keyEnv: string;
  timeoutMs: number;
  connectTimeoutMs: number;
}

/** The resolved voice engine settings. */
export interface VoiceEngineSettings {
  engine: VoiceEngineName;
  stt: CascadeEndpointSettings;
  llm: CascadeEndpointSettings;
  tts: CascadeEndpointSettings & { voice: string; engine: TtsEngineName };
  prices: CascadePrices;
}

type Merged = { [K in keyof typeof voiceEngineConfigShape]?: z.infer<(typeof voiceEngineConfigShape)[K]> };

/** Applies defaults to the merged layers and reads each endpoint's key variable. */
export function resolveVoiceEngineSettings(merged: Merged, env: NodeJS.ProcessEnv): VoiceEngineSettings {
  const timeoutMs = (merged.cascadeTimeoutSeconds ?? CASCADE_DEFAULTS.timeoutSeconds) * 1000;
  const connectTimeoutMs = (merged.cascadeConnectTimeoutSeconds ?? CASCADE_DEFAULTS.connectTimeoutSeconds) * 1000;
  const endpoint = (url: string | undefined, model: string, keyEnv: string | undefined): CascadeEndpointSettings => {
    const name = keyEnv ?? 'OPENAI_API_KEY';
    return {
      url: url ?? DEFAULT_OPENAI_URL,
      model,
      apiKey: env[name] || undefined,
      keyEnv: name,
      timeoutMs,
      connectTimeoutMs,
    };
  };
  return {
    engine: merged.voiceEngine ?? 'realtime',
    prices: { ...DEFAULT_CASCADE_PRICES, ...merged.cascadePrices },
    stt: endpoint(merged.sttUrl, merged.sttModel ?? CASCADE_DEFAULTS.sttModel, merged.sttKeyEnv),
    llm: endpoint(merged.llmUrl, merged.llmModel ?? CASCADE_DEFAULTS.llmModel, merged.llmKeyEnv),
    tts: {
      ...endpoint(merged.ttsUrl, merged.ttsModel ?? CASCADE_DEFAULTS.ttsModel, merged.ttsKeyEnv),
      engine: merged.ttsEngine ?? 'http',
      voice: merged.ttsVoice ?? (merged.ttsEngine === 'espeak-ng' ? DEFAULT_ESPEAK_VOICE : CASCADE_DEFAULTS.ttsVoice),
    },
  };
}

/**
 * The key variables the endpoints read. They are voice-orch's secrets: agents do not inherit them
 * (added to `agentEnv.drop`; `agentEnv.pass` can still give one back on purpose).
 */
export function endpointKeyVars(v: VoiceEngineSettings): string[] {
  return [...new Set([v.stt.keyEnv, v.llm.keyEnv, v.tts.keyEnv])];
}
