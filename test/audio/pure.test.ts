// Pure parts: earcon synthesis, level meter math, played-ms accounting, null audio.
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { EARCON_TONES, EARCON_AMPLITUDE, earconPcm, synthesizeTones } from '../../src/audio/earcons.js';
import { LevelMeter, measureLevel, toDb } from '../../src/audio/level.js';
import { NullAudioInput, NullAudioOutput, createNullAudio } from '../../src/audio/null-audio.js';
import type { EarconKind } from '../../src/audio/types.js';

interface Piece {
  itemId: string | null;
  pcm: Buffer;
}
interface Queue {
  enqueue(itemId: string | null, buf: Buffer): void;
  next(now: number): Piece | null;
  waitMs(now: number): number;
  pending(): number;
  aheadMs(now: number): number;
  isPlaying(now: number): boolean;
  playedMs(itemId: string): number;
  handedBytes(itemId: string): number;
  flush(): { itemId: string | null; playedMs: number; flushedBytes: number };
}
const { PlaybackQueue } = createRequire(import.meta.url)('../../src/audio/playback-queue.cjs') as {
  PlaybackQueue: new (o?: { bytesPerMs?: number; leadMs?: number; pieceBytes?: number; maxItems?: number }) => Queue;
};

const samples = (b: Buffer) => Array.from({ length: b.length / 2 }, (_, i) => b.readInt16LE(i * 2));
const pcmOf = (vals: number[]) => {
  const b = Buffer.alloc(vals.length * 2);
  vals.forEach((v, i) => b.writeInt16LE(v, i * 2));
  return b;
};

describe('earcons', () => {
  it('have the length of their tone sequence at 24 kHz, within ±12 dBFS peak, and start/end silent', () => {
    for (const kind of Object.keys(EARCON_TONES) as EarconKind[]) {
      const pcm = earconPcm(kind);
      const ms = EARCON_TONES[kind].reduce((a, t) => a + t.ms, 0);
      expect(pcm.length).toBe(ms * 48);
      const s = samples(pcm);
      const peak = Math.max(...s.map(Math.abs));
      expect(peak).toBeLessThanOrEqual(Math.ceil(EARCON_AMPLITUDE * 32767));
      expect(peak).toBeGreaterThan(EARCON_AMPLITUDE * 32767 * 0.95);
      expect(Math.abs(s[0]!)).toBeLessThan(50); // fade-in: no click
      expect(Math.abs(s[s.length - 1]!)).toBeLessThan(200);
    }
  });

  it('are distinct sounds', () => {
    const all = (Object.keys(EARCON_TONES) as EarconKind[]).map((k) => earconPcm(k).toString('base64'));
    expect(new Set(all).size).toBe(all.length);
  });

  it('synthesize each tone at its frequency with silence between tones', () => {
    const pcm = synthesizeTones([
      { hz: 1000, ms: 100 },
      { hz: 0, ms: 50 },
      { hz: 500, ms: 100 },
    ]);
    const s = samples(pcm);
    const crossings = (a: number[]) => a.slice(1).filter((v, i) => a[i]! < 0 !== v < 0).length;
    expect(crossings(s.slice(0, 2400)) / 2 / 0.1).toBeCloseTo(1000, -1);
    expect(s.slice(2400, 3600).every((v) => v === 0)).toBe(true);
    expect(crossings(s.slice(3600)) / 2 / 0.1).toBeCloseTo(500, -1);
  });
});

describe('level meter', () => {
  it('computes peak and RMS in dBFS', () => {
    expect(measureLevel(pcmOf([0, 0, 0]))).toEqual({ peakDb: -Infinity, rmsDb: -Infinity });
    const full = measureLevel(pcmOf([-32768, -32768]));
    expect(full.peakDb).toBe(0);
    expect(full.rmsDb).toBe(0);
    const half = measureLevel(pcmOf([16384, -16384, 16384, -16384]));
    expect(half.peakDb).toBeCloseTo(-6.0206, 3);
    expect(half.rmsDb).toBeCloseTo(-6.0206, 3);
    // a full-cycle sine: RMS is 3.01 dB under the peak
    const sine = synthesizeTones([{ hz: 1000, ms: 100 }], 24000, 0.5);
    const l = measureLevel(sine.subarray(480, 4320));
    expect(l.peakDb).toBeCloseTo(toDb(0.5 * 32767), 1);
    expect(l.peakDb - l.rmsDb).toBeCloseTo(3.01, 1);
    expect(toDb(0)).toBe(-Infinity);
  });

  it('emits one level per 50 ms of audio (20 Hz), across chunk boundaries', () => {
    const m = new LevelMeter(50);
    const quiet = pcmOf(new Array(480).fill(100)); // 20 ms
    const loud = pcmOf(new Array(480).fill(-20000));
    expect(m.push(quiet)).toHaveLength(0);
    expect(m.push(quiet)).toHaveLength(0);
    const out = m.push(loud); // crosses 1200 samples (50 ms) at sample 240 of this chunk
    expect(out).toHaveLength(1);
    expect(out[0]!.peakDb).toBeCloseTo(toDb(20000), 6);
    expect(out[0]!.rmsDb).toBeCloseTo(toDb(Math.sqrt((960 * 100 * 100 + 240 * 20000 * 20000) / 1200)), 6);
    m.reset();
    let n = 0;
    for (let i = 0; i < 50; i++) n += m.push(quiet).length; // 1 s
    expect(n).toBe(20);
  });
});

describe('playback queue: pacing and played-ms accounting', () => {
  const q = () => new PlaybackQueue({ bytesPerMs: 48, leadMs: 30, pieceBytes: 480 });

  it('hands pieces no further than leadMs ahead of real time and never splits items across pieces', () => {
    const p = q();
    p.enqueue('a', Buffer.alloc(1000, 1));
    p.enqueue('b', Buffer.alloc(4800, 2));
    const at0: Piece[] = [];
    for (let x = p.next(0); x; x = p.next(0)) at0.push(x);
    // 30 ms lead at t=0: 480 (a) + 480 (a) + 40 (a, end of item) ... then b up to 1440 bytes total
    expect(at0.map((x) => [x.itemId, x.pcm.length])).toEqual([
      ['a', 480],
      ['a', 480],
      ['a', 40],
    ]);
    expect(p.waitMs(0)).toBeCloseTo((1000 + 480 - 1440) / 48, 6);
    expect(p.next(1)).toBeTruthy(); // after 1 ms: 48 + 1440 ≥ 1000 + 480
    expect(p.handedBytes('b')).toBe(480);
    expect(p.playedMs('a')).toBe(21); // 1000 bytes = 20.83 ms
    expect(p.aheadMs(1)).toBeCloseTo(1480 / 48 - 1, 6);
  });

  it('counts only what was handed to the device; flush drops the rest and names the playing item', () => {
    const p = q();
    p.enqueue('a', Buffer.alloc(48 * 100)); // 100 ms
    p.enqueue(null, Buffer.alloc(48 * 50)); // an earcon: not accounted
    p.enqueue('b', Buffer.alloc(48 * 100));
    let t = 0;
    while (t <= 60) {
      while (p.next(t));
      t += 5;
    }
    // at t=60 the device may be 30 ms ahead: 90 ms of 'a' handed
    expect(p.playedMs('a')).toBe(90);
    const r = p.flush();
    expect(r).toEqual({ itemId: 'a', playedMs: 90, flushedBytes: 48 * 160 });
    expect(p.pending()).toBe(0);
    expect(p.next(1000)).toBeNull();
    expect(p.playedMs('b')).toBe(0);
    expect(p.isPlaying(60)).toBe(true); // what was handed still plays out
    expect(p.isPlaying(200)).toBe(false);
  });

  it('restarts the clock after the device ran dry, and keeps it while audio is still playing', () => {
    const p = q();
    p.enqueue('a', Buffer.alloc(480));
    expect(p.next(0)?.pcm.length).toBe(480);
    p.enqueue('a', Buffer.alloc(48 * 100));
    // at t=5 the first 10 ms still play: 30 ms lead from t=0 applies, not a fresh 30 ms from t=5
    let handed = 0;
    for (let x = p.next(5); x; x = p.next(5)) handed += x.pcm.length;
    expect(handed).toBe(48 * 35 - 480 - ((48 * 35 - 480) % 480)); // whole pieces only
    // long pause: the device ran dry, a new run may again be 30 ms ahead of now
    handed = 0;
    for (let x = p.next(500); x; x = p.next(500)) handed += x.pcm.length;
    expect(handed).toBe(1440);
  });

  it('flush with an empty queue names the last played item', () => {
    const p = q();
    p.enqueue('x', Buffer.alloc(480));
    p.next(0);
    expect(p.flush()).toEqual({ itemId: 'x', playedMs: 10, flushedBytes: 0 });
    expect(new PlaybackQueue().flush()).toEqual({ itemId: null, playedMs: 0, flushedBytes: 0 });
  });
});

describe('null audio', () => {
  it('reports disabled/unavailable with a reason and does nothing', async () => {
    const input = new NullAudioInput({ kind: 'unavailable', reason: 'no audio device' });
    const errors: string[] = [];
    input.on('error', (e) => errors.push(e.message));
    input.start();
    input.stop();
    expect(errors).toEqual(['microphone unavailable: no audio device']);
    expect(input.status()).toEqual({ kind: 'unavailable', reason: 'no audio device' });
    const output = new NullAudioOutput();
    output.play('a', Buffer.alloc(960));
    output.earcon('done');
    expect(output.isPlaying()).toBe(false);
    expect(output.playedMs('a')).toBe(0);
    expect(await output.stop()).toEqual({ itemId: null, playedMs: 0 });
    expect(output.status()).toEqual({ kind: 'disabled', reason: 'audio disabled (--no-audio)' });
    const both = createNullAudio();
    expect(both.input.status().kind).toBe('disabled');
    await both.close();
  });
});

describe('device names printed by devices and doctor', () => {
  it('a device name with escape sequences is printed clean (a Bluetooth name is anyone’s to choose)', async () => {
    const { formatDevices } = await import('../../src/audio/devices.js');
    const { formatDoctorReport } = await import('../../src/audio/doctor.js');
    const evil = 'Headset\x1b]52;c;cm0gLXJmIH4=\x07\x1b]0;pwned\x07\x1b[2J\u202e';
    const dev = {
      id: 3,
      name: evil,
      maxInputChannels: 1,
      maxOutputChannels: 2,
      defaultSampleRate: 48000,
      hostApi: `ALSA\x9b2J`,
    };
    expect(formatDevices([dev])).toBe('   3  Headset  (in 1, out 2, 48000 Hz, ALSA)');
    const report = formatDoctorReport({
      devices: [dev],
      input: { status: { kind: 'unavailable', reason: `no ${evil}` }, recordedMs: 0, error: `bad ${evil}` },
      output: { status: { kind: 'ready', device: evil }, tonePlayedMs: 0 },
      ptt: { mode: { kind: 'toggle', key: 'Space' }, globalKey: false },
      problems: [`mic: ${evil}`],
    } as unknown as Parameters<typeof formatDoctorReport>[0]);
    // eslint-disable-next-line no-control-regex
    expect(report).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]/);
    expect(report).toContain('Headset');
  });
});
