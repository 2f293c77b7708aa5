import { describe, expect, it } from 'vitest';
import { activityLine, ENTRY_TEXT_MAX, firstLineOf, oneLine, toOutputEntries } from '../../src/tasks/display.js';

describe('one-line helpers', () => {
  it('oneLine and firstLineOf', () => {
    expect(oneLine('  a\n b\t c  ')).toBe('a b c');
    expect(oneLine('abcdefghij', 5)).toBe('abcd…');
    expect(firstLineOf('\n\n  \x1b[32mfirst\x1b[0m\nsecond')).toBe('first');
    expect(firstLineOf('')).toBe('');
  });
});

describe('toOutputEntries', () => {
  it('text, with aborted text marked', () => {
    expect(toOutputEntries({ type: 'text', text: 'Hello\n\x1b[1mworld\x1b[0m' })).toEqual([
      { kind: 'text', text: 'Hello\nworld' },
    ]);
    expect(toOutputEntries({ type: 'text', text: 'half', aborted: true })).toEqual([
      { kind: 'text', text: 'half [cut off]' },
    ]);
    expect(toOutputEntries({ type: 'text', text: '  ' })).toEqual([]);
  });

  it('tool use and results, errors flagged, long output cut', () => {
    expect(
      toOutputEntries({ type: 'tool_use', id: 't', name: 'Edit', input: {}, summary: 'Edit src/auth.ts' }),
    ).toEqual([{ kind: 'tool', text: '→ Edit src/auth.ts' }]);
    expect(toOutputEntries({ type: 'tool_result', toolUseId: 't', isError: true, text: 'Exit code 1' })).toEqual([
      { kind: 'tool_result', text: 'Exit code 1', isError: true },
    ]);
    expect(toOutputEntries({ type: 'tool_result', toolUseId: 't', isError: false, text: '' })).toEqual([
      { kind: 'tool_result', text: '(no output)', isError: false },
    ]);
    const [long] = toOutputEntries({ type: 'tool_result', toolUseId: 't', isError: false, text: 'z'.repeat(1000) });
    expect(long?.truncated).toBe(true);
    expect(long?.text.length).toBeLessThanOrEqual(400);
  });

  it('API retries, API errors, denials, interruptions', () => {
    expect(
      toOutputEntries({
        type: 'api_retry',
        attempt: 3,
        maxRetries: 10,
        retryDelayMs: 2125,
        errorStatus: 529,
        error: 'overloaded',
      }),
    ).toEqual([{ kind: 'system', text: 'API retry 3/10 (overloaded, HTTP 529), next try in 2.1 s…' }]);
    expect(
      toOutputEntries({
        type: 'api_retry',
        attempt: 1,
        maxRetries: 10,
        retryDelayMs: 500,
        errorStatus: null,
        error: 'unknown',
      })[0]?.text,
    ).toBe('API retry 1/10 (unknown), next try in 500 ms…');
    expect(toOutputEntries({ type: 'api_error', status: 401, message: 'Invalid API key' })).toEqual([
      { kind: 'error', text: 'API error 401: Invalid API key' },
    ]);
    expect(toOutputEntries({ type: 'permission_denied', toolName: 'Write', message: 'not granted' })).toEqual([
      { kind: 'error', text: '✗ permission denied for Write: not granted' },
    ]);
    expect(toOutputEntries({ type: 'interrupted', text: '[Request interrupted by user]' })).toEqual([
      { kind: 'system', text: '[Request interrupted by user]' },
    ]);
  });

  it('result lines: ✓ and ✗', () => {
    const base = { type: 'result' as const, errors: [], turns: 3, costUsd: 0.05, permissionDenials: [] };
    expect(toOutputEntries({ ...base, subtype: 'success', isError: false })).toEqual([
      { kind: 'result', text: '✓ done in 3 turns, $0.05' },
    ]);
    expect(
      toOutputEntries({
        ...base,
        subtype: 'error_max_budget_usd',
        isError: true,
        errors: ['Reached maximum budget ($1)'],
      }),
    ).toEqual([{ kind: 'result', text: '✗ stopped after reaching the budget limit of $1 ($0.05 spent)' }]);
  });

  it('very long text and raw entries are cut and flagged, keeping the tail bounded', () => {
    const [t] = toOutputEntries({ type: 'text', text: 'a'.repeat(100_000) });
    expect(t?.truncated).toBe(true);
    expect(t?.text.length).toBe(ENTRY_TEXT_MAX);
    const [r] = toOutputEntries({ type: 'raw', text: 'b'.repeat(100_000) });
    expect(r).toMatchObject({ kind: 'raw', truncated: true });
    expect(r?.text.length).toBe(ENTRY_TEXT_MAX);
  });

  it('raw lines stay raw (stripped), keep truncated; deltas and bookkeeping show nothing', () => {
    expect(toOutputEntries({ type: 'raw', text: '\x1b[33mwarn\x1b[0m', truncated: true })).toEqual([
      { kind: 'raw', text: 'warn', truncated: true },
    ]);
    expect(toOutputEntries({ type: 'raw', text: 'x' })).toEqual([{ kind: 'raw', text: 'x' }]);
    expect(toOutputEntries({ type: 'partial_text', text: 'Hel' })).toEqual([]);
    expect(toOutputEntries({ type: 'other', lineType: 'system', subtype: 'status' })).toEqual([]);
    expect(toOutputEntries({ type: 'init', sessionId: 's', model: 'claude-opus-5-5' })).toEqual([
      { kind: 'system', text: 'session started · claude-opus-5-5' },
    ]);
  });
});

describe('activityLine', () => {
  it('summarises the latest activity on one line', () => {
    expect(activityLine({ type: 'tool_use', id: 't', name: 'Bash', input: {}, summary: 'Bash: npm test' })).toBe(
      'Bash: npm test',
    );
    expect(activityLine({ type: 'text', text: '\n  Looking at the tests.\nThen more.' })).toBe('Looking at the tests.');
    expect(
      activityLine({
        type: 'api_retry',
        attempt: 3,
        maxRetries: 10,
        retryDelayMs: 1,
        errorStatus: null,
        error: 'overloaded',
      }),
    ).toBe('retrying API (3/10): overloaded');
    expect(activityLine({ type: 'tool_result', toolUseId: 't', isError: true, text: 'Exit code 2\nmore' })).toBe(
      'tool error: Exit code 2',
    );
    expect(activityLine({ type: 'partial_text', text: 'x' })).toBe('writing…');
    expect(activityLine({ type: 'raw', text: 'compiling 3 files' })).toBe('compiling 3 files');
    expect(activityLine({ type: 'interrupted', text: '[Request interrupted by user]' })).toBe('interrupted');
  });

  it('returns undefined for events that should not replace the activity', () => {
    expect(activityLine({ type: 'tool_result', toolUseId: 't', isError: false, text: 'ok' })).toBeUndefined();
    expect(activityLine({ type: 'other', lineType: 'stream_event' })).toBeUndefined();
    expect(activityLine({ type: 'text', text: '   ' })).toBeUndefined();
    expect(activityLine({ type: 'raw', text: '' })).toBeUndefined();
  });

  it('is cut to a table-friendly length', () => {
    const a = activityLine({ type: 'text', text: 'w'.repeat(500) });
    expect(a?.length).toBeLessThanOrEqual(80);
  });
});
