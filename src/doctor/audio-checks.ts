/**
 * Audio and talk-key checks, from the audio doctor (src/audio/doctor.ts: devices, a short
 * recording, a test tone, the global key). Every audio problem is a warning: voice-orch still runs
 * tasks, and types instead of talking.
 */
import { runDoctor, type DoctorReport } from '../audio/doctor.js';
import { errorText } from '../shared/errors.js';
import { ok, warning, type DoctorCheck, type DoctorContext, type DoctorFinding } from './types.js';

/** Options of the audio checks beyond the settings (tests shorten the recording and tone). */
export interface AudioCheckOptions {
  recordMs?: number;
  toneMs?: number;
}

function statusWord(s: DoctorReport['input']['status']): string {
  return s.kind === 'ready' ? `ready (${s.device})` : s.kind === 'starting' ? 'starting' : `${s.kind}: ${s.reason}`;
}

/** The findings of one audio doctor report. */
export function audioFindings(r: DoctorReport): DoctorFinding[] {
  const found: DoctorFinding[] = [];
  found.push(
    r.devicesError
      ? warning(
          'audio-devices',
          `could not list audio devices (${r.devicesError}). Run voice-orch devices for details.`,
        )
      : r.devices.length === 0
        ? warning('audio-devices', 'no audio device found: voice-orch works by keyboard only (type with :).')
        : ok('audio-devices', `${r.devices.length} audio device${r.devices.length === 1 ? '' : 's'} found`),
  );
  const micProblems = r.problems.filter((p) => p.startsWith('microphone'));
  found.push(
    micProblems.length
      ? warning(
          'microphone',
          `${micProblems.join('; ')}. Pick one with --input-device (see voice-orch devices), or type with :.`,
        )
      : ok('microphone', `${statusWord(r.input.status)}, recorded ${(r.input.recordedMs / 1000).toFixed(1)} s`),
  );
  const spkProblems = r.problems.filter((p) => p.startsWith('speaker'));
  found.push(
    spkProblems.length
      ? warning(
          'speaker',
          `${spkProblems.join('; ')}. Pick one with --output-device (see voice-orch devices); answers stay text.`,
        )
      : ok('speaker', `${statusWord(r.output.status)}, test tone played`),
  );
  const m = r.ptt.mode;
  found.push(
    m.kind === 'hold'
      ? ok('talk-key', `hold ${m.key} anywhere to talk (global key works)`)
      : warning(
          'talk-key',
          `no global key (${m.reason ?? 'unavailable'}): tap ${m.key} in voice-orch to talk instead. A global key needs an X display (DISPLAY).`,
        ),
  );
  return found;
}

/** Builds the audio check; skipped with `--no-audio`. */
export function audioCheck(extra: AudioCheckOptions = {}): DoctorCheck {
  return {
    name: 'audio',
    applies: (ctx) => ctx.settings.audio,
    run: async (ctx: DoctorContext) => {
      try {
        const s = ctx.settings;
        const report = await runDoctor({
          ...(s.inputDevice !== undefined ? { inputDevice: s.inputDevice } : {}),
          ...(s.outputDevice !== undefined ? { outputDevice: s.outputDevice } : {}),
          pttKey: s.pttKey,
          env: ctx.env,
          ...extra,
          onProgress: ctx.progress,
        });
        return audioFindings(report);
      } catch (err) {
        return [warning('audio', `the audio checks failed: ${errorText(err)}`)];
      }
    },
  };
}
