/**
 * What the Realtime engine tells a fresh session: its configuration (`session.update`) and, after
 * a reconnect or rotation, the recent conversation replayed as text items.
 */
import type {
  ConversationItem,
  RealtimeAudioConfigInput,
  SessionUpdateEvent,
} from 'openai/resources/realtime/realtime';
import { DEFAULT_VOICE } from '../../shared/settings-values.js';
import { buildInstructions } from '../instructions.js';
import type { ToolDefinition } from '../types.js';

/** The parts of the engine options the session configuration is made of. */
export interface SessionSettings {
  /** Default `marin`. */
  voice?: string;
  /** Default `gpt-4o-mini-transcribe`. */
  transcriptionModel?: string;
  language?: string;
  /** Default `near_field`; null turns noise reduction off. */
  noiseReduction?: 'near_field' | 'far_field' | null;
  extraInstructions?: string;
}

/**
 * The `session.update` of every new session: push-to-talk (no turn detection), PCM16 24 kHz both
 * ways, spoken answers, the tools and instructions built from them.
 */
export function buildSessionUpdate(settings: SessionSettings, tools: ToolDefinition[]): SessionUpdateEvent {
  const transcription: { model: string; language?: string } = {
    model: settings.transcriptionModel ?? 'gpt-4o-mini-transcribe',
  };
  if (settings.language) transcription.language = settings.language;
  const nr = settings.noiseReduction === undefined ? 'near_field' : settings.noiseReduction;
  const input = {
    format: { type: 'audio/pcm', rate: 24000 },
    transcription,
    ...(nr ? { noise_reduction: { type: nr } } : {}),
    turn_detection: null,
  } satisfies RealtimeAudioConfigInput;
  const event = {
    type: 'session.update',
    session: {
      type: 'realtime',
      instructions: buildInstructions(tools, settings.extraInstructions),
      output_modalities: ['audio'],
      audio: {
        input,
        output: {
          format: { type: 'audio/pcm', rate: 24000 },
          voice: settings.voice ?? DEFAULT_VOICE,
        },
      },
      tools: tools.map((t) => ({
        type: 'function' as const,
        name: t.name,
        description: t.description,
        parameters: t.parameters,
      })),
      tool_choice: 'auto',
    },
  } satisfies SessionUpdateEvent;
  // The API turns noise reduction off with `null` (documented on RealtimeAudioConfigInput), a
  // value the SDK type leaves out; everything else above is checked by the compiler.
  if (!nr) Object.assign(event.session.audio.input, { noise_reduction: null });
  return event;
}

/** Recent turns as text items for a new session (user words as input text, answers as output text). */
export function replayItems(turns: readonly { role: 'user' | 'assistant'; text: string }[]): ConversationItem[] {
  return turns.map((t): ConversationItem =>
    t.role === 'user'
      ? { type: 'message', role: 'user', content: [{ type: 'input_text', text: t.text }] }
      : { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: t.text }] },
  );
}
