import { oneLine } from '../shared/sanitize.js';
import type { AgentEvent, BackendKind, TaskFailure, TaskStatus } from './types.js';

type ResultEvent = Extract<AgentEvent, { type: 'result' }>;
type ApiErrorEvent = Extract<AgentEvent, { type: 'api_error' }>;

/** Input of {@link decideOutcome}: everything known when a run's process has gone. */
export interface OutcomeInput {
  /** The last `result` line of the run, if one arrived. */
  lastResult?: ResultEvent;
  exitCode: number | null;
  signal: string | null;
  /** The user (or shutdown) asked to cancel this run. */
  cancelled: boolean;
  /** The process could not be spawned (e.g. "spawn claude ENOENT"). */
  startError?: string;
  /** Last bytes of stderr, for the crash explanation. */
  stderrTail?: string;
  backend: BackendKind;
  /** The last synthetic API-error message seen, for runs that died before their `result`. */
  lastApiError?: ApiErrorEvent;
}

/** Final status of a run and, when it failed, why. */
export interface Outcome {
  status: TaskStatus;
  failure?: TaskFailure;
}

/** One line, no escape sequences or control characters, cut to `max` characters. */
function clean(s: string, max = 300): string {
  return oneLine(s, max);
}

/** The last non-empty line of a stderr tail, cleaned. */
function lastStderrLine(stderrTail: string | undefined): string | undefined {
  if (!stderrTail) return undefined;
  const lines = stderrTail.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = clean(lines[i] ?? '', 200);
    if (l !== '') return l;
  }
  return undefined;
}

/** "$0.05", "<$0.01", "$1.23". */
export function formatCost(usd: number): string {
  if (!Number.isFinite(usd) || usd <= 0) return '$0.00';
  if (usd < 0.01) return '<$0.01';
  return `$${usd.toFixed(2)}`;
}

/** "1 task", "2 tasks". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * A person-readable API error: "API error 401: Invalid API key · Fix external API key",
 * "API error 400: Invalid request" (from "API Error: 400 Invalid request").
 */
export function apiErrorMessage(text: string | undefined, status: number | null | undefined): string {
  let body = clean(text ?? '', 300);
  const m = /^api error:?\s*(?:(\d{3})\b\s*)?(.*)$/i.exec(body);
  let code = status ?? null;
  if (m) {
    if (code === null && m[1]) code = Number(m[1]);
    // Drop a leading status only when it repeats the code; another number belongs to the text.
    body = m[1] && Number(m[1]) === code ? (m[2] ?? '') : `${m[1] ? `${m[1]} ` : ''}${m[2] ?? ''}`;
    body = body.trim();
  }
  if (body === '') body = 'the API call failed';
  return code !== null ? `API error ${code}: ${body}` : `API error: ${body}`;
}

/** "1,234 tokens in, 56 out" for agents that report tokens but no cost. */
function tokensSpent(ev: ResultEvent): string {
  const u = ev.usage;
  if (!u) return 'tokens not reported';
  const input = u.inputTokens + u.cacheReadInputTokens + u.cacheCreationInputTokens;
  const total = ev.cumulativeUsage ? ' (thread total)' : '';
  return `${input.toLocaleString('en-US')} tokens in, ${u.outputTokens.toLocaleString('en-US')} out${total}`;
}

/** N of "Reached maximum number of turns (N)", else num_turns − 1 (the CLI reports max + 1). */
function maxTurnsOf(ev: ResultEvent): number | undefined {
  for (const e of ev.errors) {
    const m = /maximum number of turns \((\d+)\)/i.exec(e);
    if (m) return Number(m[1]);
  }
  return ev.turns > 0 ? ev.turns - 1 : undefined;
}

function budgetOf(ev: ResultEvent): string | undefined {
  for (const e of ev.errors) {
    const m = /maximum budget \(\$?([\d.]+)\)/i.exec(e);
    if (m) return `$${m[1]}`;
  }
  return undefined;
}

/** Run errors minus the CLI's internal diagnostics ("[ede_diagnostic] result_type=…"). */
function userErrors(ev: ResultEvent): string[] {
  return ev.errors.map((e) => clean(e, 200)).filter((e) => e !== '' && !e.startsWith('[ede_diagnostic]'));
}

/**
 * How a `result` line reads for a person, and the failure it stands for when it is not a success.
 * `ok` is true only for `success` without `is_error`.
 */
export function describeResult(
  ev: ResultEvent,
  opts?: { stderrTail?: string; lastApiError?: ApiErrorEvent },
): { ok: boolean; text: string; failure?: TaskFailure } {
  const spent = ev.tokensOnly ? tokensSpent(ev) : `${plural(ev.turns, 'turn')}, ${formatCost(ev.costUsd)}`;
  if (ev.subtype === 'success' && !ev.isError) {
    const denied = ev.permissionDenials.length;
    return {
      ok: true,
      text: `done${ev.tokensOnly ? ':' : ' in'} ${spent}${denied > 0 ? `, ${plural(denied, 'tool call')} denied` : ''}`,
    };
  }
  let failure: TaskFailure;
  switch (ev.subtype) {
    case 'success': {
      // `success` + is_error is how the CLI reports a final API error.
      const text = ev.text?.trim() ? ev.text : opts?.lastApiError?.message;
      const status = ev.apiErrorStatus ?? opts?.lastApiError?.status ?? null;
      failure = { kind: 'api_error', message: apiErrorMessage(text, status) };
      break;
    }
    case 'error_max_turns': {
      const n = maxTurnsOf(ev);
      failure = {
        kind: 'max_turns',
        message:
          n !== undefined
            ? `stopped after reaching the maximum of ${plural(n, 'turn')}`
            : 'stopped after reaching the maximum number of turns',
      };
      break;
    }
    case 'error_max_budget_usd': {
      const limit = budgetOf(ev);
      failure = {
        kind: 'budget',
        message: `stopped after reaching the budget limit${limit ? ` of ${limit}` : ''} (${formatCost(ev.costUsd)} spent)`,
      };
      break;
    }
    case 'error_during_execution': {
      const errs = userErrors(ev);
      const stderrLine = lastStderrLine(opts?.stderrTail);
      const noConversation = [...errs, stderrLine ?? ''].find((e) => /no conversation found/i.test(e));
      if (noConversation) {
        failure = {
          kind: 'execution_error',
          message: `could not continue the earlier conversation: ${noConversation.replace(/\.$/, '')}. Its session is gone (deleted, or started with another config dir), so start a new task instead.`,
        };
      } else if (ev.terminalReason === 'aborted_streaming' || ev.terminalReason === 'aborted_tools') {
        failure = { kind: 'execution_error', message: 'interrupted before it finished' };
      } else {
        const why = errs[0] ?? stderrLine;
        failure = { kind: 'execution_error', message: `stopped by an error during execution${why ? `: ${why}` : ''}` };
      }
      break;
    }
    default: {
      const why = userErrors(ev)[0];
      failure = { kind: 'execution_error', message: `ended with ${clean(ev.subtype, 40)}${why ? `: ${why}` : ''}` };
    }
  }
  return { ok: false, text: failure.message, failure };
}

/** Explanation for a process that could not be spawned. */
function startErrorMessage(startError: string, backend: BackendKind): string {
  const what = backend === 'claude' ? 'claude' : 'the task command';
  if (/ENOENT|not found/i.test(startError)) {
    return backend === 'claude'
      ? 'claude was not found on PATH; install Claude Code or set --claude-path'
      : `${what} was not found; check the command in the configuration (${clean(startError, 120)})`;
  }
  if (/EACCES|permission denied/i.test(startError)) {
    return `${what} could not be run (permission denied); check that the file is executable`;
  }
  return `could not start ${what}: ${clean(startError, 200)}`;
}

/** "crashed with exit code 3" / "killed by SIGKILL", plus the last stderr line when there is one. */
function crashMessage(input: OutcomeInput): string {
  let msg: string;
  if (input.signal) msg = `killed by ${input.signal}`;
  else if (input.exitCode !== null) msg = `crashed with exit code ${input.exitCode}`;
  else msg = 'exited without an exit code';
  const parts: string[] = [];
  if (input.lastApiError) parts.push(`after ${apiErrorMessage(input.lastApiError.message, input.lastApiError.status)}`);
  const err = lastStderrLine(input.stderrTail);
  if (err) parts.push(err);
  return parts.length > 0 ? `${msg}: ${parts.join(' — ')}` : msg;
}

/**
 * Final status of a run. For Claude the last `result` line decides, not the exit code (API errors
 * exit 1 with `subtype: success` + `is_error`; SIGINT exits 0 with `error_during_execution`).
 * Without a result line: a requested cancel wins, then the stall watchdog, then a start error,
 * and anything else is a crash. For the `command` backend only the exit status counts.
 */
export function decideOutcome(input: OutcomeInput): Outcome {
  if (input.startError !== undefined) {
    return {
      status: 'failed',
      failure: { kind: 'could_not_start', message: startErrorMessage(input.startError, input.backend) },
    };
  }

  if (input.backend === 'claude' && input.lastResult) {
    const r = input.lastResult;
    if (r.subtype === 'success' && !r.isError) return { status: 'completed' };
    if (input.cancelled && r.subtype === 'error_during_execution') return { status: 'cancelled' };
    const d = describeResult(r, { stderrTail: input.stderrTail, lastApiError: input.lastApiError });
    return d.failure
      ? { status: 'failed', failure: d.failure }
      : { status: 'failed', failure: { kind: 'execution_error', message: d.text } };
  }

  if (input.cancelled) return { status: 'cancelled' };

  if (input.backend === 'command') {
    if (input.exitCode === 0 && !input.signal) return { status: 'completed' };
    return { status: 'failed', failure: { kind: 'crashed', message: crashMessage(input) } };
  }

  if (input.exitCode === 0 && !input.signal) {
    const err = lastStderrLine(input.stderrTail);
    return {
      status: 'failed',
      failure: { kind: 'crashed', message: `exited without a result${err ? `: ${err}` : ''}` },
    };
  }
  return { status: 'failed', failure: { kind: 'crashed', message: crashMessage(input) } };
}
