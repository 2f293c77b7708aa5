/** Earcons: short tone sequences synthesized in code (PCM16 mono 24 kHz). Pure. */
import { SAMPLE_RATE, type EarconKind } from './types.js';

/** One tone (frequency 0 = silence) of an earcon. */
export interface Tone {
  hz: number;
  ms: number;
}

/** The tone sequences of each earcon. */
export const EARCON_TONES: Readonly<Record<EarconKind, readonly Tone[]>> = {
  // rising pair: "something began"
  started: [
    { hz: 660, ms: 70 },
    { hz: 0, ms: 20 },
    { hz: 880, ms: 90 },
  ],
  // rising major triad: "finished well"
  done: [
    { hz: 523.25, ms: 80 },
    { hz: 0, ms: 15 },
    { hz: 659.25, ms: 80 },
    { hz: 0, ms: 15 },
    { hz: 783.99, ms: 140 },
  ],
  // falling low pair: "went wrong"
  failed: [
    { hz: 440, ms: 150 },
    { hz: 0, ms: 30 },
    { hz: 311.13, ms: 220 },
  ],
  // repeated high beep: "look at me"
  attention: [
    { hz: 987.77, ms: 90 },
    { hz: 0, ms: 70 },
    { hz: 987.77, ms: 90 },
    { hz: 0, ms: 70 },
    { hz: 987.77, ms: 90 },
  ],
  // high, lower, higher still: "a question for you" (a task waits for a decision)
  request: [
    { hz: 1174.66, ms: 80 },
    { hz: 0, ms: 40 },
    { hz: 880, ms: 80 },
    { hz: 0, ms: 40 },
    { hz: 1318.51, ms: 160 },
  ],
};

/** Peak amplitude of earcon tones (about -12 dBFS), so they never clip and stay below speech. */
export const EARCON_AMPLITUDE = 0.25;
const FADE_MS = 5;

/** Synthesizes a tone sequence as PCM16 LE mono at `sampleRate` with short fades (no clicks). */
export function synthesizeTones(
  tones: readonly Tone[],
  sampleRate = SAMPLE_RATE,
  amplitude = EARCON_AMPLITUDE,
): Buffer {
  const counts = tones.map((t) => Math.round((t.ms * sampleRate) / 1000));
  const total = counts.reduce((a, b) => a + b, 0);
  const out = Buffer.alloc(total * 2);
  const fade = Math.round((FADE_MS * sampleRate) / 1000);
  let pos = 0;
  tones.forEach((tone, i) => {
    const n = counts[i] ?? 0;
    if (tone.hz > 0) {
      const w = (2 * Math.PI * tone.hz) / sampleRate;
      const f = Math.min(fade, Math.floor(n / 2));
      for (let k = 0; k < n; k++) {
        let env = 1;
        if (f > 0 && k < f) env = 0.5 - 0.5 * Math.cos((Math.PI * k) / f);
        else if (f > 0 && k >= n - f) env = 0.5 - 0.5 * Math.cos((Math.PI * (n - 1 - k)) / f);
        out.writeInt16LE(Math.round(Math.sin(w * k) * env * amplitude * 32767), (pos + k) * 2);
      }
    }
    pos += n;
  });
  return out;
}

const cache = new Map<EarconKind, Buffer>();

/** The earcon as PCM16 mono 24 kHz (cached; do not modify the returned buffer). */
export function earconPcm(kind: EarconKind): Buffer {
  let pcm = cache.get(kind);
  if (!pcm) {
    pcm = synthesizeTones(EARCON_TONES[kind]);
    cache.set(kind, pcm);
  }
  return pcm;
}
