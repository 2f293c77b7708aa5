// The conversation of earlier runs comes back on screen from transcript.jsonl: the last entries,
// a separator, corrupt lines skipped, hostile text cleaned by the store's sanitiser.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { TranscriptPane } from '../../src/components/TranscriptPane.js';
import {
  EARLIER_SEPARATOR,
  parseEarlierTranscript,
  readEarlierTranscript,
} from '../../src/session/transcript-history.js';
import { createInitialState, reducer } from '../../src/state/reducer.js';
import { createStore } from '../../src/state/store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const T = 1_760_000_000_000;
const line = (o: unknown) => `${JSON.stringify(o)}\n`;

/** What an earlier session left: good entries, a torn line, a wrong shape, a hostile line. */
function transcriptFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vo-transcript-'));
  dirs.push(dir);
  const path = join(dir, 'transcript.jsonl');
  writeFileSync(
    path,
    line({ id: 'item_1', role: 'user', text: 'start notes in api', final: true, at: T }) +
      '{"id":"item_2","role":"assistant","text":"half a li\n' +
      line({ id: 'item_3', role: 'wizard', text: 'wrong role', final: true, at: T }) +
      line({ id: 'item_4', role: 'assistant', text: 'no time' }) +
      'not json at all\n' +
      line({
        id: 'tool_call_1',
        role: 'tool',
        text: 'spawn_task({"name":"notes","project":"api"}) → <task_output task="1" untrusted="true">Started task 1 notes in api.</task_output>',
        final: true,
        at: T + 1,
      }) +
      line({
        id: 'item_5',
        role: 'assistant',
        text: 'Started it.\u001b]52;c;ZXZpbA==\u0007\u001b[2J\u009b31m\u202eevil',
        final: true,
        at: T + 2,
      }),
  );
  return path;
}

describe('transcript of earlier runs', () => {
  it('keeps the last well-formed entries and skips torn, mis-shaped and non-JSON lines', () => {
    const text = `${line({ id: 'a', role: 'user', text: 'one', final: true, at: 1 })}{"torn"\n${line({ id: 'b', role: 'assistant', text: 'two', final: true, at: 2 })}${line({ id: 'c', role: 'user', text: 'three', final: true, at: 3 })}`;
    expect(parseEarlierTranscript(text).map((e) => e.text)).toEqual(['one', 'two', 'three']);
    expect(parseEarlierTranscript(text, 2).map((e) => e.text)).toEqual(['two', 'three']);
    expect(parseEarlierTranscript('')).toEqual([]);
  });

  it('a missing file gives nothing (a first start)', async () => {
    expect(await readEarlierTranscript('/nonexistent/transcript.jsonl')).toEqual([]);
  });

  it('shows the earlier conversation above a separator, cleaned, with no crash on bad lines', async () => {
    const entries = await readEarlierTranscript(transcriptFile());
    expect(entries.map((e) => e.role)).toEqual(['user', 'tool', 'assistant', 'system']);
    expect(entries.at(-1)?.text).toBe(EARLIER_SEPARATOR);
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);

    const store = createStore(reducer, createInitialState({ tasks: [], model: 'm' }), {
      sync: true,
    });
    for (const entry of entries) store.dispatch({ type: 'transcript/upsert', entry });
    // This run's first words come below the separator.
    store.dispatch({
      type: 'transcript/upsert',
      entry: { id: 'item_1', role: 'user', text: 'what is running?', final: true, at: T + 9 },
    });
    const ui = render(<TranscriptPane entries={store.getState().transcript} width={100} height={10} />);
    const frame = ui.lastFrame() ?? '';
    const rows = frame.split('\n');
    const at = (s: string) => rows.findIndex((r) => r.includes(s));
    expect(at('you start notes in api')).toBeGreaterThan(-1);
    expect(at('→ spawn task · name notes, project api: Started task 1 notes in api.')).toBeGreaterThan(
      at('you start notes in api'),
    );
    expect(at('assistant Started it.')).toBeGreaterThan(-1);
    expect(at(EARLIER_SEPARATOR)).toBeGreaterThan(at('assistant Started it.'));
    expect(at('you what is running?')).toBeGreaterThan(at(EARLIER_SEPARATOR));
    expect(frame).not.toContain('half a li');
    expect(frame).not.toContain('wrong role');
    expect(frame).not.toContain('untrusted');
    expect(frame).not.toContain('ZXZpbA');
    for (const c of ['\u0007', '\u009b', '\u202e', '\u001b]', '\u001b[2J']) expect(frame).not.toContain(c);
    ui.unmount();
  });
});
