// The audio doctor's report turned into doctor findings: every audio problem is a warning.
import { describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../src/audio/doctor.js';
import { audioFindings } from '../../src/doctor/audio-checks.js';
import { doctorExitCode } from '../../src/doctor/run-doctor.js';

const base: DoctorReport = {
  devices: [],
  input: { status: { kind: 'ready', device: 'default' }, recordedMs: 2000 },
  output: { status: { kind: 'ready', device: 'default' }, tonePlayedMs: 700 },
  ptt: { mode: { kind: 'hold', key: 'Right Ctrl' }, globalKey: true },
  problems: [],
  helperLog: [],
};

describe('audio findings', () => {
  it('no device, no microphone and no global key are warnings with what to do', () => {
    const found = audioFindings({
      ...base,
      input: { status: { kind: 'unavailable', reason: 'no input device' }, recordedMs: 0 },
      ptt: { mode: { kind: 'toggle', key: 'Space', reason: 'no X display' }, globalKey: false },
      problems: ['microphone unavailable: no input device'],
    });
    expect(found.map((f) => [f.name, f.severity])).toEqual([
      ['audio-devices', 'warning'],
      ['microphone', 'warning'],
      ['speaker', 'ok'],
      ['talk-key', 'warning'],
    ]);
    expect(found[0]!.detail).toContain('keyboard only');
    expect(found[1]!.detail).toContain('--input-device');
    expect(found[3]!.detail).toBe(
      'no global key (no X display): tap Space in voice-orch to talk instead. A global key needs an X display (DISPLAY).',
    );
    expect(doctorExitCode(found)).toBe(0);
  });

  it('a working set is all ok', () => {
    const found = audioFindings({ ...base, devices: [{ id: 0, name: 'default' } as DoctorReport['devices'][number]] });
    expect(found.every((f) => f.severity === 'ok')).toBe(true);
    expect(found[3]!.detail).toBe('hold Right Ctrl anywhere to talk (global key works)');
  });
});
