/** Input level metering (peak and RMS in dBFS) over PCM16 mono. Pure. */
import { BYTES_PER_MS, type AudioLevel } from './types.js';

/** Peak and RMS of PCM16 LE samples, in dBFS relative to full scale 32768 (-Infinity for silence). */
export function measureLevel(pcm: Buffer): AudioLevel {
  const n = pcm.length >> 1;
  let peak = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const v = pcm.readInt16LE(i * 2);
    const a = Math.abs(v);
    if (a > peak) peak = a;
    sumSq += v * v;
  }
  return { peakDb: toDb(peak), rmsDb: n ? toDb(Math.sqrt(sumSq / n)) : -Infinity };
}

/** Amplitude (0..32768) to dBFS. */
export function toDb(amplitude: number): number {
  return amplitude > 0 ? 20 * Math.log10(amplitude / 32768) : -Infinity;
}

/**
 * Accumulates chunks and yields a level every `intervalMs` of audio (default 50 ms → 20 Hz while
 * capturing). Counting audio time rather than wall time keeps it deterministic.
 */
export class LevelMeter {
  private peak = 0;
  private sumSq = 0;
  private samples = 0;
  private readonly window: number;

  constructor(intervalMs = 50) {
    this.window = Math.max(1, Math.round((intervalMs * BYTES_PER_MS) / 2));
  }

  /** Adds a chunk; returns the levels of every window it completed. */
  push(pcm: Buffer): AudioLevel[] {
    const out: AudioLevel[] = [];
    const n = pcm.length >> 1;
    for (let i = 0; i < n; i++) {
      const v = pcm.readInt16LE(i * 2);
      const a = Math.abs(v);
      if (a > this.peak) this.peak = a;
      this.sumSq += v * v;
      if (++this.samples === this.window) {
        out.push({ peakDb: toDb(this.peak), rmsDb: toDb(Math.sqrt(this.sumSq / this.samples)) });
        this.reset();
      }
    }
    return out;
  }

  /** Drops a partial window (call when capture stops). */
  reset(): void {
    this.peak = 0;
    this.sumSq = 0;
    this.samples = 0;
  }
}
