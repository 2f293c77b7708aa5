/**
 * The outcome rules of agents whose stream ends with a final line of their own (codex, gemini):
 * that line decides, never the exit code alone (Gemini exits 0 when killed and with the HTTP status
 * mod 256 on API errors; Codex exits 1 both for an API error and for SIGINT). Without a final line:
 * a requested cancel is `cancelled`; an agent that stopped on a signal, or exited the way it does
 * when signalled, is `interrupted`; anything else failed, with the agent's last stderr line.
 */
import { oneLine } from '../../shared/sanitize.js';
import { describeResult, type Outcome } from '../outcome.js';
import type { RunEnd } from './agent-backend.js';

/** How one agent's exits read when no final line came. */
export interface ExitRules {
  /** The agent's name in sentences ("codex"). */
  name: string;
  /** Exit codes that mean "stopped by a signal it caught" (gemini: 0, codex: 1 after SIGINT). */
  signalledExitCodes: readonly number[];
  /** What an exit code means, when the agent documents it. */
  exitMeaning?: (code: number) => string | undefined;
}

function lastLine(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const lines = text.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = oneLine(lines[i] ?? '', 200);
    if (l !== '' && !/^(warning|ripgrep is not available|reading additional input)/i.test(l)) return l;
  }
  return undefined;
}

/** Errors the agent printed before its stream began ("Error: …" lines of codex). */
function startupError(stderrTail: string | undefined): string | undefined {
  if (!stderrTail) return undefined;
  const m = /^\s*Error:\s*(.+)$/m.exec(stderrTail);
  return m ? oneLine(m[1] as string, 200) : undefined;
}

/** See this file's header. */
export function streamAgentOutcome(end: RunEnd, rules: ExitRules): Outcome {
  if (end.startError !== undefined) {
    const why = /ENOENT|not found/i.test(end.startError)
      ? `${rules.name} was not found; install it or set its path in the configuration`
      : `could not start ${rules.name}: ${oneLine(end.startError, 200)}`;
    return { status: 'failed', failure: { kind: 'could_not_start', message: why } };
  }
  const r = end.lastResult;
  if (r) {
    if (r.subtype === 'success' && !r.isError) return { status: 'completed' };
    const d = describeResult(r, { stderrTail: end.stderrTail, lastApiError: end.lastApiError });
    return { status: 'failed', failure: d.failure ?? { kind: 'execution_error', message: d.text } };
  }
  if (end.cancelled) return { status: 'cancelled' };
  const err = startupError(end.stderrTail);
  if (end.signal) {
    return {
      status: 'interrupted',
      failure: { kind: 'execution_error', message: `${rules.name} was stopped by ${end.signal} before it finished` },
    };
  }
  if (end.exitCode !== null && rules.signalledExitCodes.includes(end.exitCode) && err === undefined) {
    return {
      status: 'interrupted',
      failure: {
        kind: 'execution_error',
        message: `${rules.name} ended without its final line (exit code ${end.exitCode}), as it does when interrupted`,
      },
    };
  }
  const meaning = end.exitCode !== null ? rules.exitMeaning?.(end.exitCode) : undefined;
  const detail = err ?? lastLine(end.stderrTail);
  const code = end.exitCode !== null ? `exit code ${end.exitCode}` : 'no exit code';
  const parts = [meaning, detail].filter((p): p is string => p !== undefined && p !== '');
  return {
    status: 'failed',
    failure: {
      kind: 'crashed',
      message: `${rules.name} ended without a result (${code})${parts.length > 0 ? `: ${parts.join(' — ')}` : ''}`,
    },
  };
}
