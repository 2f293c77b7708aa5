import { describe, expect, it } from 'vitest';
import type { TranscriptEntry } from '../../src/session/types.js';
import { argWords, transcriptForScreen } from '../../src/state/transcript-wording.js';
import { T0 } from '../commands/fakes.js';

const e = (id: string, role: TranscriptEntry['role'], text: string, final = true): TranscriptEntry => ({
  id,
  role,
  text,
  final,
  at: T0,
});

describe('transcript wording', () => {
  it('a voice tool call is one line in words: the running call, then its outcome', () => {
    const running = transcriptForScreen([
      e('u1', 'user', 'start a notes task in api'),
      e('tool_c1', 'tool', 'spawn_task({"name":"notes","project":"api","prompt":"Write notes"})', false),
    ]);
    expect(running.map((x) => x.text)).toEqual([
      'start a notes task in api',
      '→ spawn task · name notes, project api, prompt Write notes …',
    ]);
    const done = transcriptForScreen([
      e('u1', 'user', 'start a notes task in api'),
      e('tool_c1', 'tool', 'spawn_task({"name":"notes"}) → {"ok":true}'),
      e('activity-1', 'tool', 'voice → spawn_task(3): started task 3 notes in api'),
      e('a1', 'assistant', 'Started it.'),
    ]);
    const texts = done.map((x) => x.text);
    expect(texts).toEqual(['start a notes task in api', '→ spawn task 3: started task 3 notes in api', 'Started it.']);
    expect(texts.join('\n')).not.toMatch(/[{}"]/);
  });

  it('a typed message shows once, as the user’s words', () => {
    const out = transcriptForScreen([
      e('activity-2', 'tool', 'key → message(): sent "status please"'),
      e('item_9', 'user', 'status please'),
    ]);
    expect(out.map((x) => x.text)).toEqual(['status please']);
  });

  it('JSON arguments become words, also when cut short', () => {
    expect(argWords('{"task":3,"detail":"full"}')).toBe('task 3, detail full');
    expect(argWords('{"task":"login","prompt":"Add a te')).toBe('task login, prompt Add a te');
  });
});

describe('transcript wording and hostile text', () => {
  it('escapes decoded from JSON arguments never reach the screen', () => {
    const out = argWords('{"name":"\\u001b]2;MODEL-TITLE\\u0007x"}');
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(out).toContain('x');
  });
});
