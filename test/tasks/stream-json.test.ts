import { describe, expect, it } from 'vitest';
import { parseStreamJsonLine, TOOL_RESULT_TEXT_MAX } from '../../src/tasks/stream-json.js';

const line = (o: unknown): string => JSON.stringify(o);

describe('parseStreamJsonLine: not stream-json', () => {
  it.each([
    ['plain text', 'Warning: something happened'],
    ['empty', ''],
    ['broken JSON', '{"type":"assistant","message":'],
    ['JSON array', '[1,2,3]'],
    ['JSON without type', '{"a":1}'],
    ['JSON with non-string type', '{"type":5}'],
    ['JSON null', 'null'],
    ['JSON string', '"{\\"type\\":\\"x\\"}"'],
  ])('%s → raw with the text', (_label, text) => {
    expect(parseStreamJsonLine(text)).toEqual([{ type: 'raw', text }]);
  });

  it('keeps the truncated flag, and never parses a truncated line', () => {
    expect(parseStreamJsonLine('abc', true)).toEqual([{ type: 'raw', text: 'abc', truncated: true }]);
    const cut = '{"type":"result","subtype":"success"}';
    expect(parseStreamJsonLine(cut, true)).toEqual([{ type: 'raw', text: cut, truncated: true }]);
  });

  it('accepts leading whitespace before a JSON object', () => {
    expect(parseStreamJsonLine('  {"type":"system","subtype":"status"}')).toEqual([
      { type: 'other', lineType: 'system', subtype: 'status' },
    ]);
  });

  it('never throws on odd shapes', () => {
    const odd = [
      { type: 'assistant' },
      { type: 'assistant', message: null },
      { type: 'assistant', message: { content: 'str' } },
      { type: 'assistant', message: { content: [null, 1, 'x', { type: 'tool_use' }] } },
      { type: 'user', message: { content: [{ type: 'tool_result', content: { weird: true } }] } },
      { type: 'result' },
      { type: 'result', errors: [1, { a: 2 }], permission_denials: [null, { tool_name: 5 }] },
      { type: 'system', subtype: 'init' },
      { type: 'system', subtype: 'api_retry', attempt: 'x' },
      { type: 'stream_event', event: { type: 'content_block_delta', delta: null } },
    ];
    for (const o of odd) expect(() => parseStreamJsonLine(line(o))).not.toThrow();
    expect(parseStreamJsonLine(line({ type: 'result' }))).toEqual([
      { type: 'result', subtype: 'unknown', isError: false, errors: [], turns: 0, costUsd: 0, permissionDenials: [] },
    ]);
    expect(
      parseStreamJsonLine(line({ type: 'assistant', message: { content: [null, { type: 'tool_use' }] } })),
    ).toEqual([{ type: 'tool_use', id: '', name: 'tool', input: undefined, summary: 'tool' }]);
  });
});

describe('parseStreamJsonLine: line types', () => {
  it('unknown types and other system subtypes → other', () => {
    expect(parseStreamJsonLine(line({ type: 'control_request', subtype: 'x' }))).toEqual([
      { type: 'other', lineType: 'control_request', subtype: 'x' },
    ]);
    expect(parseStreamJsonLine(line({ type: 'system', subtype: 'compact_boundary' }))).toEqual([
      { type: 'other', lineType: 'system', subtype: 'compact_boundary' },
    ]);
  });

  it('an assistant line with several blocks yields one event per block, in order', () => {
    const evs = parseStreamJsonLine(
      line({
        type: 'assistant',
        message: {
          model: 'claude-opus-5-5',
          content: [
            { type: 'thinking', thinking: '...' },
            { type: 'text', text: 'Editing now.' },
            {
              type: 'tool_use',
              id: 't1',
              name: 'Edit',
              input: { file_path: '/p/src/a.ts', old_string: 'x', new_string: 'y' },
            },
          ],
        },
      }),
      false,
      '/p',
    );
    expect(evs).toEqual([
      { type: 'other', lineType: 'assistant', subtype: 'thinking' },
      { type: 'text', text: 'Editing now.' },
      {
        type: 'tool_use',
        id: 't1',
        name: 'Edit',
        input: { file_path: '/p/src/a.ts', old_string: 'x', new_string: 'y' },
        summary: 'Edit src/a.ts',
        filePath: '/p/src/a.ts',
      },
    ]);
  });

  it('filePath only for tools that write', () => {
    const read = parseStreamJsonLine(
      line({
        type: 'assistant',
        message: { content: [{ type: 'tool_use', id: 'r', name: 'Read', input: { file_path: '/p/a' } }] },
      }),
    );
    expect(read[0]).not.toHaveProperty('filePath');
    const nb = parseStreamJsonLine(
      line({
        type: 'assistant',
        message: {
          content: [{ type: 'tool_use', id: 'n', name: 'NotebookEdit', input: { notebook_path: '/p/n.ipynb' } }],
        },
      }),
    );
    expect(nb[0]).toMatchObject({ filePath: '/p/n.ipynb' });
  });

  it('a synthetic API error without a status (not logged in) → api_error', () => {
    const evs = parseStreamJsonLine(
      line({
        type: 'assistant',
        message: { model: '<synthetic>', content: [{ type: 'text', text: 'Not logged in · Please run /login' }] },
        error: 'authentication_failed',
        is_api_error_message: true,
      }),
    );
    expect(evs).toEqual([
      {
        type: 'api_error',
        status: null,
        errorType: 'authentication_failed',
        message: 'Not logged in · Please run /login',
      },
    ]);
  });

  it('a synthetic assistant message that is not an error stays text', () => {
    const evs = parseStreamJsonLine(
      line({
        type: 'assistant',
        message: { model: '<synthetic>', content: [{ type: 'text', text: 'No response requested.' }] },
      }),
    );
    expect(evs).toEqual([{ type: 'text', text: 'No response requested.' }]);
  });

  it('tool_result content blocks are flattened and cut', () => {
    const long = 'y'.repeat(5000);
    const evs = parseStreamJsonLine(
      line({
        type: 'user',
        message: {
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'a',
              content: [
                { type: 'text', text: 'first' },
                { type: 'image', source: {} },
                { type: 'text', text: 'second' },
              ],
            },
            { type: 'tool_result', tool_use_id: 'b', content: long, is_error: true },
            {
              type: 'tool_result',
              tool_use_id: 'c',
              content: '<tool_use_error>Error: No such tool</tool_use_error>',
              is_error: true,
            },
          ],
        },
      }),
    );
    expect(evs[0]).toEqual({ type: 'tool_result', toolUseId: 'a', isError: false, text: 'first\n[image]\nsecond' });
    expect(evs[1]).toMatchObject({ toolUseId: 'b', isError: true });
    expect(evs[1]?.type === 'tool_result' && evs[1].text.length).toBe(TOOL_RESULT_TEXT_MAX);
    expect(evs[2]).toMatchObject({ text: 'Error: No such tool' });
  });

  it('user interruptions in both forms, also as a plain string', () => {
    expect(
      parseStreamJsonLine(
        line({ type: 'user', message: { content: [{ type: 'text', text: '[Request interrupted by user]' }] } }),
      ),
    ).toEqual([{ type: 'interrupted', text: '[Request interrupted by user]' }]);
    expect(
      parseStreamJsonLine(line({ type: 'user', message: { content: '[Request interrupted by user for tool use]' } })),
    ).toEqual([{ type: 'interrupted', text: '[Request interrupted by user for tool use]' }]);
  });

  it('an error result keeps errors, has no text, and reads api_error_status', () => {
    const [ev] = parseStreamJsonLine(
      line({
        type: 'result',
        subtype: 'error_max_turns',
        is_error: true,
        num_turns: 4,
        total_cost_usd: 0.15,
        errors: ['Reached maximum number of turns (3)'],
        terminal_reason: 'max_turns',
        api_error_status: null,
      }),
    );
    expect(ev).toEqual({
      type: 'result',
      subtype: 'error_max_turns',
      isError: true,
      errors: ['Reached maximum number of turns (3)'],
      turns: 4,
      costUsd: 0.15,
      terminalReason: 'max_turns',
      apiErrorStatus: null,
      permissionDenials: [],
    });
  });

  it('stream_event text deltas → partial_text, other deltas → other', () => {
    expect(
      parseStreamJsonLine(
        line({
          type: 'stream_event',
          event: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } },
        }),
      ),
    ).toEqual([{ type: 'partial_text', text: 'Hel' }]);
    expect(
      parseStreamJsonLine(
        line({
          type: 'stream_event',
          event: { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"a' } },
        }),
      ),
    ).toEqual([{ type: 'other', lineType: 'stream_event', subtype: 'content_block_delta' }]);
  });
});

describe('agent stdout is sanitised where it is parsed', () => {
  const H = '\x1b]52;c;cm0gLXJmIH4=\x07\x1b]0;pwned\x07\x1b[2J\x9b2J\x9d0;t\x07\u202e';
  // eslint-disable-next-line no-control-regex
  const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]/;
  const strings = (v: unknown): string[] =>
    typeof v === 'string'
      ? [v]
      : Array.isArray(v)
        ? v.flatMap(strings)
        : v && typeof v === 'object'
          ? Object.entries(v)
              .filter(([k]) => k !== 'input') // the raw tool input is kept only to build the summary
              .flatMap(([, x]) => strings(x))
          : [];

  it('text, tool names, file paths, tool results, results, errors and raw lines carry no control sequence', () => {
    const lines = [
      { type: 'assistant', message: { content: [{ type: 'text', text: `hi${H}` }] } },
      {
        type: 'assistant',
        message: { content: [{ type: 'tool_use', id: 't', name: `Write${H}`, input: { file_path: `/p/a${H}.ts` } }] },
      },
      {
        type: 'assistant',
        message: { content: [{ type: 'tool_use', id: 'u', name: 'Write', input: { file_path: `/p/b${H}.ts` } }] },
      },
      { type: 'user', message: { content: [{ type: 'tool_result', tool_use_id: 't', content: `out${H}` }] } },
      { type: 'result', subtype: 'error_during_execution', is_error: true, result: `r${H}`, errors: [`e${H}`] },
      { type: 'system', subtype: 'permission_denied', tool_name: `Bash${H}`, message: `no${H}` },
      { type: 'system', subtype: 'api_retry', attempt: 1, max_retries: 2, retry_delay_ms: 1, error: `x${H}` },
      { type: 'stream_event', event: { type: 'content_block_delta', delta: { type: 'text_delta', text: `d${H}` } } },
    ];
    const events = [...lines.map((l) => JSON.stringify(l)), `not json ${H}`].flatMap((l) => parseStreamJsonLine(l));
    const all = strings(events);
    expect(all.length).toBeGreaterThan(10);
    for (const s of all) expect(UNSAFE.test(s), JSON.stringify(s)).toBe(false);
    expect(events).toContainEqual(expect.objectContaining({ type: 'tool_use', filePath: '/p/b.ts' }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'text', text: 'hi' }));
  });
});
