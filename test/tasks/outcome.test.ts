import { describe, expect, it } from 'vitest';
import {
  apiErrorMessage,
  decideOutcome,
  describeResult,
  formatCost,
  type OutcomeInput,
} from '../../src/tasks/outcome.js';
import type { AgentEvent } from '../../src/tasks/types.js';

type Result = Extract<AgentEvent, { type: 'result' }>;

const result = (over: Partial<Result>): Result => ({
  type: 'result',
  subtype: 'success',
  isError: false,
  errors: [],
  turns: 3,
  costUsd: 0.05,
  permissionDenials: [],
  ...over,
});

const base: OutcomeInput = { exitCode: 0, signal: null, cancelled: false, backend: 'claude' };

describe('decideOutcome (claude)', () => {
  it('the result line wins over the exit code', () => {
    expect(decideOutcome({ ...base, exitCode: 1, lastResult: result({}) })).toEqual({ status: 'completed' });
    expect(decideOutcome({ ...base, exitCode: 143, signal: null, lastResult: result({}) })).toEqual({
      status: 'completed',
    });
    expect(
      decideOutcome({
        ...base,
        exitCode: 0,
        lastResult: result({ isError: true, text: 'Invalid API key · Fix external API key', apiErrorStatus: 401 }),
      }),
    ).toEqual({
      status: 'failed',
      failure: { kind: 'api_error', message: 'API error 401: Invalid API key · Fix external API key' },
    });
  });

  it('a success that arrived before a cancel took effect is still completed', () => {
    expect(decideOutcome({ ...base, cancelled: true, lastResult: result({}) })).toEqual({ status: 'completed' });
  });

  it('an API error result without text falls back to the last api_error event', () => {
    const o = decideOutcome({
      ...base,
      exitCode: 1,
      lastResult: result({ isError: true, text: '' }),
      lastApiError: {
        type: 'api_error',
        status: null,
        message: 'API Error: Connection refused — a firewall or proxy may be blocking it (ECONNREFUSED)',
      },
    });
    expect(o.failure).toEqual({
      kind: 'api_error',
      message: 'API error: Connection refused — a firewall or proxy may be blocking it (ECONNREFUSED)',
    });
  });

  it('error_during_execution is cancelled only when we asked', () => {
    const r = result({ subtype: 'error_during_execution', isError: true, errors: ['boom happened'] });
    expect(decideOutcome({ ...base, cancelled: true, lastResult: r })).toEqual({ status: 'cancelled' });
    expect(decideOutcome({ ...base, lastResult: r })).toEqual({
      status: 'failed',
      failure: { kind: 'execution_error', message: 'stopped by an error during execution: boom happened' },
    });
  });

  it('an unknown error subtype is a failure naming it', () => {
    const o = decideOutcome({
      ...base,
      lastResult: result({ subtype: 'error_something_new', isError: true, errors: ['detail'] }),
    });
    expect(o).toEqual({
      status: 'failed',
      failure: { kind: 'execution_error', message: 'ended with error_something_new: detail' },
    });
  });

  it('without a result: cancel, then crash', () => {
    expect(decideOutcome({ ...base, exitCode: null, signal: 'SIGKILL', cancelled: true })).toEqual({
      status: 'cancelled',
    });
    expect(decideOutcome({ ...base, exitCode: 3, stderrTail: 'first\nError: something broke\n\n' })).toEqual({
      status: 'failed',
      failure: { kind: 'crashed', message: 'crashed with exit code 3: Error: something broke' },
    });
    expect(decideOutcome({ ...base, exitCode: null, signal: 'SIGKILL' })).toEqual({
      status: 'failed',
      failure: { kind: 'crashed', message: 'killed by SIGKILL' },
    });
    expect(decideOutcome({ ...base, exitCode: 0 })).toEqual({
      status: 'failed',
      failure: { kind: 'crashed', message: 'exited without a result' },
    });
    expect(
      decideOutcome({
        ...base,
        exitCode: 1,
        stderrTail: 'Error: When using --print, --output-format=stream-json requires --verbose\n',
      }).failure?.message,
    ).toBe('crashed with exit code 1: Error: When using --print, --output-format=stream-json requires --verbose');
  });

  it('a crash during API retries mentions the API error', () => {
    const o = decideOutcome({
      ...base,
      exitCode: 1,
      lastApiError: { type: 'api_error', status: 529, message: 'Overloaded' },
    });
    expect(o.failure?.message).toBe('crashed with exit code 1: after API error 529: Overloaded');
  });

  it('start errors explain what to do', () => {
    expect(decideOutcome({ ...base, exitCode: null, startError: 'spawn claude ENOENT' })).toEqual({
      status: 'failed',
      failure: {
        kind: 'could_not_start',
        message: 'claude was not found on PATH; install Claude Code or set --claude-path',
      },
    });
    expect(decideOutcome({ ...base, exitCode: null, startError: 'spawn /x/claude EACCES' }).failure?.message).toMatch(
      /permission denied/,
    );
    expect(decideOutcome({ ...base, exitCode: null, startError: 'EMFILE: too many open files' }).failure?.message).toBe(
      'could not start claude: EMFILE: too many open files',
    );
  });

  it('stderr escape sequences never reach the message', () => {
    const o = decideOutcome({ ...base, exitCode: 2, stderrTail: '\x1b[31mfatal\x1b[0m: bad\r\n' });
    expect(o.failure?.message).toBe('crashed with exit code 2: fatal: bad');
  });
});

describe('decideOutcome (command backend)', () => {
  const cmd: OutcomeInput = { ...base, backend: 'command' };
  it('exit 0 completes, anything else crashes; a result line is irrelevant', () => {
    expect(decideOutcome({ ...cmd, exitCode: 0 })).toEqual({ status: 'completed' });
    expect(decideOutcome({ ...cmd, exitCode: 2, stderrTail: 'make: *** [all] Error 2' })).toEqual({
      status: 'failed',
      failure: { kind: 'crashed', message: 'crashed with exit code 2: make: *** [all] Error 2' },
    });
    expect(decideOutcome({ ...cmd, exitCode: null, signal: 'SIGTERM', cancelled: true })).toEqual({
      status: 'cancelled',
    });
    expect(decideOutcome({ ...cmd, exitCode: null, startError: 'spawn foo ENOENT' }).failure?.kind).toBe(
      'could_not_start',
    );
  });
});

describe('describeResult and helpers', () => {
  it('success text with turns, cost and denials', () => {
    expect(describeResult(result({ turns: 1, costUsd: 0.004 }))).toEqual({ ok: true, text: 'done in 1 turn, <$0.01' });
    expect(describeResult(result({ permissionDenials: [{ toolName: 'Write' }] })).text).toBe(
      'done in 3 turns, $0.05, 1 tool call denied',
    );
  });

  it('max_turns without the errors text uses num_turns − 1', () => {
    expect(describeResult(result({ subtype: 'error_max_turns', isError: true, turns: 6 })).text).toBe(
      'stopped after reaching the maximum of 5 turns',
    );
  });

  it.each([
    ['API Error: 400 Invalid request', 400, 'API error 400: Invalid request'],
    ['API Error: 400 Invalid request', null, 'API error 400: Invalid request'],
    ['Invalid API key · Fix external API key', 401, 'API error 401: Invalid API key · Fix external API key'],
    ['API Error: Repeated 529 Overloaded errors.', 529, 'API error 529: Repeated 529 Overloaded errors.'],
    ['', 500, 'API error 500: the API call failed'],
  ])('apiErrorMessage(%j, %j)', (text, status, expected) => {
    expect(apiErrorMessage(text, status)).toBe(expected);
  });

  it('formatCost', () => {
    expect(formatCost(0)).toBe('$0.00');
    expect(formatCost(0.0049)).toBe('<$0.01');
    expect(formatCost(1.234)).toBe('$1.23');
    expect(formatCost(Number.NaN)).toBe('$0.00');
  });
});
