// `voice-orch doctor` over real helpers: ALSA file devices and Xvfb.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDoctorReport, runDoctor } from '../../src/audio/doctor.js';
import { fileBackendEnv, locate } from './real-audio.js';
import { speechAndDisplay } from './speech-and-display.js';
import { synthesizeTones } from '../../src/audio/earcons.js';

const fx = speechAndDisplay();

describe('doctor', () => {
  it('lists devices, records 2 s with its level, plays a test tone and finds the global key', async () => {
    const out = join(fx.dir, 'doctor-out.raw');
    const progress: string[] = [];
    const r = await runDoctor({
      env: { ...fileBackendEnv(fx.speech, out), DISPLAY: fx.x.display },
      pttKey: 'ScrollLock',
      onProgress: (l) => progress.push(l),
    });
    expect(r.devices.map((d) => d.name)).toEqual(['default']);
    expect(r.input.status).toEqual({ kind: 'ready', device: 'default' });
    expect(r.input.recordedMs).toBe(2000);
    expect(r.input.level!.peakDb).toBeGreaterThan(-10); // espeak speech, not silence
    expect(r.input.level!.rmsDb).toBeLessThan(r.input.level!.peakDb);
    expect(r.output.tonePlayedMs).toBe(700);
    expect(r.ptt).toEqual({ mode: { kind: 'hold', key: 'Scroll Lock' }, globalKey: true });
    expect(r.problems).toEqual([]);
    expect(progress[0]).toBe('Starting the audio helper…');
    const tone = synthesizeTones([{ hz: 440, ms: 700 }]);
    const file = readFileSync(out);
    const at = locate(file, tone, 0); // the fade-in is unique; the steady tone repeats every 600 samples
    expect(file.subarray(at, at + tone.length).equals(tone)).toBe(true);
    const text = formatDoctorReport(r);
    expect(text).toMatch(/^ {3}0 {2}default {2}\(in 128, out 128, 44100 Hz, ALSA\)$/m);
    expect(text).toMatch(/^ {2}recorded 2\.00 s, peak -\d+\.\d dBFS, RMS -\d+\.\d dBFS$/m);
    expect(text).toContain('test tone: 700 ms played');
    expect(text).toContain('Push-to-talk: hold Scroll Lock (global key works)');
    expect(text).toMatch(/Everything works\.$/);
  });

  it('without audio and without a display reports the fallbacks as problems', async () => {
    const env = { ...process.env };
    delete env.DISPLAY;
    const r = await runDoctor({ env, noAudio: true });
    expect(r.input.status.kind).toBe('disabled');
    expect(r.ptt.mode).toEqual({ kind: 'toggle', key: 'Space', reason: 'global key unavailable: no display' });
    const text = formatDoctorReport(r);
    expect(text).toContain('Microphone: disabled: audio disabled (--no-audio)');
    expect(text).toContain(
      'Push-to-talk: tap Space to start, tap again to send, Esc to discard (global key unavailable: no display)',
    );
    expect(text).toContain('  - push-to-talk: using tap-to-toggle (Space) — global key unavailable: no display');
  });
});
