/**
 * `voice-orch doctor`: runs every check a first run needs and prints one line per finding with
 * what to do, or one JSON object per finding with `--json`. Exit status 1 when any finding is an
 * error, 0 with warnings only.
 */
import type { Settings } from '../config/config.js';
import { sanitizeLine } from '../shared/sanitize.js';
import { errorText } from '../shared/errors.js';
import { agentCliCheck } from './agent-check.js';
import { otherAgentsCheck } from './other-agents-check.js';
import { audioCheck, type AudioCheckOptions } from './audio-checks.js';
import { voiceEndpointCheck } from './endpoint-checks.js';
import { hostsCheck } from './host-checks.js';
import { configCheck, nodeCheck, rootsCheck, stateDirCheck } from './local-checks.js';
import { error, type DoctorCheck, type DoctorContext, type DoctorFinding } from './types.js';

/** Default wait for a connection or an external command (the cascade's connect timeout). */
export const DOCTOR_TIMEOUT_MS = 10_000;

/** The checks, in the order they print. */
export function doctorChecks(audio: AudioCheckOptions = {}): DoctorCheck[] {
  return [
    nodeCheck,
    configCheck,
    agentCliCheck,
    otherAgentsCheck,
    rootsCheck,
    stateDirCheck,
    hostsCheck,
    voiceEndpointCheck,
    audioCheck(audio),
  ];
}

/** Options of {@link runDoctorChecks}. */
export interface RunDoctorOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Default twice `timeoutMs`. */
  headlessTimeoutMs?: number;
  progress?: (line: string) => void;
  checks?: DoctorCheck[];
}

/** Every secret value the settings hold, so no detail can print one. */
function secrets(settings: Settings): string[] {
  const v = settings.voiceEngine;
  return [settings.apiKey, v.stt.apiKey, v.llm.apiKey, v.tts.apiKey].filter((k): k is string => !!k && k.length >= 4);
}

/** Runs the checks one after another. Never throws: a check that throws becomes an error finding. */
export async function runDoctorChecks(settings: Settings, opts: RunDoctorOptions = {}): Promise<DoctorFinding[]> {
  const ctx: DoctorContext = {
    settings,
    env: opts.env ?? process.env,
    timeoutMs: opts.timeoutMs ?? DOCTOR_TIMEOUT_MS,
    headlessTimeoutMs: opts.headlessTimeoutMs ?? 2 * (opts.timeoutMs ?? DOCTOR_TIMEOUT_MS),
    progress: opts.progress ?? (() => {}),
  };
  const hidden = secrets(settings);
  const findings: DoctorFinding[] = [];
  for (const check of opts.checks ?? doctorChecks()) {
    if (check.applies && !check.applies(ctx)) continue;
    let found: DoctorFinding[];
    try {
      found = await check.run(ctx);
    } catch (err) {
      found = [error(check.name, `the check failed: ${errorText(err)}`)];
    }
    for (const f of found) {
      // Details carry paths, server and CLI text: one sanitised line, with any key masked.
      let detail = sanitizeLine(f.detail);
      for (const key of hidden) detail = detail.split(key).join('***');
      findings.push({ ...f, detail });
    }
  }
  return findings;
}

/** 1 when a finding is an error, else 0. */
export function doctorExitCode(findings: DoctorFinding[]): number {
  return findings.some((f) => f.severity === 'error') ? 1 : 0;
}

const MARK = { ok: 'ok  ', warning: 'warn', error: 'FAIL' } as const;

/** One line per finding and a closing sentence. */
export function formatFindings(findings: DoctorFinding[]): string {
  const lines = findings.map((f) => `${MARK[f.severity]}  ${f.name.padEnd(22)} ${f.detail}`);
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  lines.push(
    '',
    errors
      ? `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}: fix the errors above before starting voice-orch.`
      : warnings
        ? `Ready, with ${warnings} warning${warnings === 1 ? '' : 's'}.`
        : 'Everything works.',
  );
  return `${lines.join('\n')}\n`;
}

/** One JSON object per line: `{name, ok, severity, detail}`. */
export function formatFindingsJson(findings: DoctorFinding[]): string {
  return findings
    .map((f) => JSON.stringify({ name: f.name, ok: f.ok, severity: f.severity, detail: f.detail }))
    .join('\n')
    .concat(findings.length ? '\n' : '');
}
