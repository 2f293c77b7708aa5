// Backend A (ALSA file plugin): bit-exact capture and playback through the real audio helper.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AudioService } from '../../src/audio/audio-service.js';
import { listAudioDevices } from '../../src/audio/devices.js';
import { earconPcm } from '../../src/audio/earcons.js';
import type { AudioStatus } from '../../src/audio/types.js';
import { fileBackendEnv, lastNonZero, locate, makeSpeech, scratch, sleep } from './real-audio.js';

let dir: string;
let cleanup: () => void;
let speech: { raw: string; pcm: Buffer };

beforeAll(() => {
  ({ dir, cleanup } = scratch());
  speech = makeSpeech(dir);
});
afterAll(() => cleanup());

/** Collects exactly `n` bytes of capture (the file plugin returns garbage after EOF). */
function captureBytes(svc: AudioService, n: number): Promise<{ pcm: Buffer; chunkSizes: number[] }> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    const sizes: number[] = [];
    let got = 0;
    svc.input.on('error', reject);
    svc.input.on('chunk', (pcm) => {
      if (got >= n) return;
      parts.push(pcm);
      sizes.push(pcm.length);
      got += pcm.length;
      if (got >= n) {
        svc.input.stop();
        resolve({ pcm: Buffer.concat(parts).subarray(0, n), chunkSizes: sizes });
      }
    });
    svc.input.start();
  });
}

describe('audio over ALSA file devices (backend A)', () => {
  it('captures an espeak-ng phrase bit-exact in 20 ms chunks', async () => {
    const svc = new AudioService({ env: fileBackendEnv(speech.raw, join(dir, 'unused.raw')), inputStream: 'per-turn' });
    try {
      await svc.ready();
      expect(svc.input.status()).toEqual({ kind: 'ready', device: 'default' });
      const { pcm, chunkSizes } = await captureBytes(svc, speech.pcm.length);
      expect(pcm.equals(speech.pcm)).toBe(true);
      expect(chunkSizes[0]).toBe(960);
      expect(svc.input.isCapturing()).toBe(false);
    } finally {
      await svc.close();
    }
  });

  it('delivers no chunk after stop(); an unpaced device makes the long-lived stream fall back to per-turn', async () => {
    const svc = new AudioService({ env: fileBackendEnv('/dev/zero', join(dir, 'unused2.raw')) }); // default: long-lived
    try {
      await svc.ready();
      const deadline = Date.now() + 3000;
      while (!svc.diagnostics().some((l) => l.includes('not paced in real time')) && Date.now() < deadline)
        await sleep(20);
      expect(svc.diagnostics()).toContainEqual(
        expect.stringContaining('input is not paced in real time (file or null device): using per-turn input streams'),
      );
      let after = 0;
      let stopped = false;
      svc.input.on('chunk', () => {
        if (stopped) after++;
      });
      svc.input.start();
      await sleep(100);
      svc.input.stop();
      stopped = true;
      await sleep(300);
      expect(after).toBe(0);
    } finally {
      await svc.close();
    }
  });

  it('resamples when the input device runs at another rate (48 kHz → 24 kHz with libsamplerate)', async () => {
    // a 1 kHz tone recorded "by the device" at 48 kHz
    const n48 = 48000;
    const tone48 = Buffer.alloc(n48 * 2);
    for (let i = 0; i < n48; i++)
      tone48.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 1000 * i) / 48000) * 12000), i * 2);
    const f48 = join(dir, 'tone48.raw');
    writeFileSync(f48, tone48);
    const svc = new AudioService({
      env: fileBackendEnv(f48, join(dir, 'unused3.raw')),
      captureRate: 48000,
      inputStream: 'per-turn',
    });
    try {
      await svc.ready();
      // half a second of 24 kHz audio (well inside the file, away from EOF)
      const { pcm } = await captureBytes(svc, 24000);
      const s = new Int16Array(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.length));
      const body = s.subarray(2400, 12000); // skip the resampler's start-up
      let crossings = 0;
      for (let i = 1; i < body.length; i++) if (body[i - 1]! < 0 !== body[i]! < 0) crossings++;
      const hz = crossings / 2 / (body.length / 24000);
      expect(hz).toBeGreaterThan(990);
      expect(hz).toBeLessThan(1010);
      const peak = Math.max(...Array.from(body, (v) => Math.abs(v)));
      expect(peak).toBeGreaterThan(11000);
      expect(peak).toBeLessThan(13000);
    } finally {
      await svc.close();
    }
  });

  it('plays PCM byte-exact into the output file, paced in real time, with exact played-ms', async () => {
    const out = join(dir, 'play.raw');
    const svc = new AudioService({ env: fileBackendEnv('/dev/zero', out) });
    const events: string[] = [];
    svc.output.on('started', () => events.push('started'));
    svc.output.on('drained', () => events.push('drained'));
    try {
      await svc.ready();
      const pcm = speech.pcm.subarray(0, 48000 * 1); // 1 s
      const drained = new Promise<void>((r) => svc.output.once('drained', () => r()));
      const t0 = performance.now();
      svc.output.play('item_a', pcm.subarray(0, 20000));
      svc.output.play('item_a', pcm.subarray(20000));
      expect(svc.output.isPlaying()).toBe(true);
      await drained;
      const wall = performance.now() - t0;
      expect(wall).toBeGreaterThan(900); // paced like a real device, not swallowed at once
      expect(svc.output.playedMs('item_a')).toBe(1000);
      expect(svc.output.isPlaying()).toBe(false);
      expect(events).toEqual(['started', 'drained']);
    } finally {
      await svc.close(); // closing the stream flushes the file plugin's last period
    }
    const file = readFileSync(out);
    const at = locate(file, speech.pcm.subarray(0, 48000));
    expect(at).toBeGreaterThanOrEqual(0);
    expect(file.subarray(at, at + 48000).equals(speech.pcm.subarray(0, 48000))).toBe(true);
    expect(file.subarray(0, at).every((b) => b === 0)).toBe(true);
    expect(file.subarray(at + 48000).every((b) => b === 0)).toBe(true);
  });

  it('barge-in: stop() flushes the queue, reports played-ms within one chunk, and nothing more is written', async () => {
    const out = join(dir, 'barge.raw');
    const svc = new AudioService({ env: fileBackendEnv('/dev/zero', out) });
    try {
      await svc.ready();
      svc.output.play('item_b', speech.pcm); // 4.67 s
      await sleep(1200);
      const stopped = await svc.output.stop();
      expect(stopped.itemId).toBe('item_b');
      expect(svc.output.isPlaying()).toBe(false);
      expect(stopped.playedMs).toBeGreaterThan(1000);
      expect(stopped.playedMs).toBeLessThan(1500);
      expect(svc.output.playedMs('item_b')).toBe(stopped.playedMs);
      await sleep(200);
      const sizeAfterStop = statSync(out).size;
      await sleep(600);
      expect(statSync(out).size).toBe(sizeAfterStop); // no further audio reaches the device
      await svc.close();
      const file = readFileSync(out);
      const at = locate(file, speech.pcm, 2000);
      expect(at).toBeGreaterThanOrEqual(0);
      const playedBytes = lastNonZero(file) - at;
      // what reached the device equals the accounting, within one 20 ms chunk
      expect(Math.abs(playedBytes / 48 - stopped.playedMs)).toBeLessThanOrEqual(20);
      expect(file.subarray(at, at + stopped.playedMs * 48).equals(speech.pcm.subarray(0, stopped.playedMs * 48))).toBe(
        true,
      );
    } finally {
      await svc.close();
    }
  });

  it('holds earcons while capturing and plays them after capture stops', async () => {
    const out = join(dir, 'earcon.raw');
    const svc = new AudioService({ env: fileBackendEnv('/dev/zero', out) });
    try {
      await svc.ready();
      svc.input.start();
      svc.output.earcon('done');
      await sleep(400);
      expect(svc.output.isPlaying()).toBe(false);
      expect(existsSync(out)).toBe(false); // the output stream has not even been opened
      const drained = new Promise<void>((r) => svc.output.once('drained', () => r()));
      svc.input.stop();
      expect(svc.output.isPlaying()).toBe(true);
      await drained;
    } finally {
      await svc.close();
    }
    const file = readFileSync(out);
    const pcm = earconPcm('done');
    const at = file.indexOf(pcm.subarray(2000, 2400)) - 2000;
    expect(at).toBeGreaterThanOrEqual(0);
    expect(file.subarray(at, at + pcm.length).equals(pcm)).toBe(true);
  });

  it('close() while capturing drops the held earcons instead of starting them on the way out', async () => {
    const svc = new AudioService({ env: fileBackendEnv('/dev/zero', join(dir, 'earcon-close.raw')) });
    const events: string[] = [];
    svc.output.on('started', () => events.push('started'));
    try {
      await svc.ready();
      svc.input.start();
      svc.output.earcon('attention');
      await svc.close();
      expect(svc.input.isCapturing()).toBe(false);
      expect(svc.output.isPlaying()).toBe(false);
      expect(events).toEqual([]);
    } finally {
      await svc.close();
    }
  });

  it('lists devices through the helper and chooses them by name or id', async () => {
    const env = fileBackendEnv('/dev/zero', '/dev/null');
    const devices = await listAudioDevices({ env });
    expect(devices).toEqual([expect.objectContaining({ id: 0, name: 'default', hostApi: 'ALSA' })]);
    const byId = new AudioService({ env, inputDevice: 0, outputDevice: '0' });
    const byName = new AudioService({ env, inputDevice: 'DEFAULT', outputDevice: 'def' });
    const missing = new AudioService({ env, inputDevice: 'USB Headset' });
    try {
      await Promise.all([byId.ready(), byName.ready(), missing.ready()]);
      expect(byId.input.status()).toEqual({ kind: 'ready', device: 'default' });
      expect(byName.output.status()).toEqual({ kind: 'ready', device: 'default' });
      const st = missing.input.status();
      expect(st.kind).toBe('unavailable');
      expect((st as { reason: string }).reason).toBe(
        'no audio device: no input device matches "USB Headset" (have: 0 default)',
      );
      expect(missing.output.status().kind).toBe('ready');
      const errors: string[] = [];
      missing.input.on('error', (e) => errors.push(e.message));
      missing.input.start();
      expect(errors[0]).toMatch(/microphone unavailable/);
    } finally {
      await Promise.all([byId.close(), byName.close(), missing.close()]);
    }
  });

  it('reports "no audio device" when the capture side cannot be opened, and playback still works', async () => {
    const svc = new AudioService({ env: fileBackendEnv(join(dir, 'does-not-exist.raw'), join(dir, 'still.raw')) });
    try {
      await svc.ready();
      expect(svc.input.status()).toEqual({
        kind: 'unavailable',
        reason: 'no audio device: PortAudio lists no input device',
      });
      const errors: string[] = [];
      svc.input.on('error', (e) => errors.push(e.message));
      svc.input.start();
      expect(errors).toEqual(['microphone unavailable: no audio device: PortAudio lists no input device']);
      expect(svc.input.isCapturing()).toBe(false);
      expect(svc.output.status()).toEqual({ kind: 'ready', device: 'default' });
      const drained = new Promise<void>((r) => svc.output.once('drained', () => r()));
      svc.output.play('i', speech.pcm.subarray(0, 4800));
      await drained;
      expect(svc.output.playedMs('i')).toBe(100);
    } finally {
      await svc.close();
    }
  });

  it('a helper crash during capture with no error listener neither throws in the app nor stops the restart', async () => {
    const svc = new AudioService({ env: fileBackendEnv('/dev/zero', '/dev/null') });
    try {
      await svc.ready();
      const pid1 = svc.helperPid()!;
      svc.input.start(); // capturing, and nobody listens for 'error'
      process.kill(pid1, 'SIGKILL');
      await waitFor(() => svc.input.status().kind === 'ready' && svc.helperPid() !== null && svc.helperPid() !== pid1);
      expect(svc.diagnostics()).toContainEqual(
        expect.stringMatching(/capture interrupted: audio helper crashed: SIGKILL/),
      );
    } finally {
      await svc.close();
    }
  });

  it('restarts a crashed helper once, then reports unavailable with the reason', async () => {
    const svc = new AudioService({ env: fileBackendEnv('/dev/zero', '/dev/null') });
    const statuses: AudioStatus[] = [];
    svc.input.on('status', (s) => statuses.push(s));
    try {
      await svc.ready();
      const pid1 = svc.helperPid()!;
      process.kill(pid1, 'SIGTERM'); // (SIGSEGV from outside is caught and survived by naudiodon's segfault-handler)
      await waitFor(() => svc.input.status().kind === 'ready' && svc.helperPid() !== null && svc.helperPid() !== pid1);
      // the restarted helper really works
      const zeros = await captureBytes(svc, 4800);
      expect(zeros.pcm.length).toBe(4800);
      process.kill(svc.helperPid()!, 'SIGKILL');
      await waitFor(() => svc.input.status().kind === 'unavailable');
      expect(svc.input.status()).toEqual({
        kind: 'unavailable',
        reason: expect.stringMatching(/^audio helper crashed: SIGKILL/),
      });
      expect(svc.output.status().kind).toBe('unavailable');
      expect(statuses.map((s) => s.kind)).toEqual(['ready', 'starting', 'ready', 'unavailable']);
      // the app side still works: calls are no-ops that report errors
      const errs: Error[] = [];
      svc.input.on('error', (e) => errs.push(e));
      svc.input.start();
      svc.output.play('x', Buffer.alloc(960));
      expect(errs).toHaveLength(1);
      expect(svc.output.isPlaying()).toBe(false);
    } finally {
      await svc.close();
    }
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timeout');
    await sleep(20);
  }
}
