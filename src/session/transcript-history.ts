/**
 * The conversation of earlier runs, read back from `transcript.jsonl` in the state directory when
 * voice-orch starts, so the conversation pane shows where things were left. Only the screen gets
 * it: the voice model's context starts empty as before. The file is outside data: every line is
 * parsed here (a line that does not parse is skipped), and the entries go through the store's
 * sanitiser like any other transcript entry.
 */
import { open } from 'node:fs/promises';
import { z } from 'zod';
import type { TranscriptEntry } from './types.js';

/** Entries of earlier runs shown after a start. */
export const EARLIER_ENTRIES = 20;
/** Most bytes read from the end of the file (it grows with every session; only the end is shown). */
const TAIL_BYTES = 256 * 1024;
/** The line between the earlier runs and this one. */
export const EARLIER_SEPARATOR = '— earlier —';
/** Ids of restored entries start with this (they never collide with this run's ids). */
export const EARLIER_ID_PREFIX = 'earlier-';

const lineSchema = z.object({
  id: z.string(),
  role: z.enum(['user', 'assistant', 'tool', 'notice', 'system']),
  text: z.string(),
  final: z.literal(true),
  at: z.number().finite(),
});

/** The last `max` well-formed entries of JSON-lines text; corrupt or partial lines are skipped. */
export function parseEarlierTranscript(text: string, max = EARLIER_ENTRIES): TranscriptEntry[] {
  const out: TranscriptEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      continue;
    }
    const r = lineSchema.safeParse(raw);
    if (!r.success || r.data.text.trim() === '') continue;
    out.push(r.data);
  }
  return out.slice(-max);
}

/**
 * The entries to show for earlier runs: the last `max` of the file, renamed so they never collide
 * with this run's ids, then a separator. Empty when the file is missing, unreadable or has none.
 */
export async function readEarlierTranscript(path: string, max = EARLIER_ENTRIES): Promise<TranscriptEntry[]> {
  let text: string;
  try {
    const fh = await open(path, 'r');
    try {
      const { size } = await fh.stat();
      const start = Math.max(0, size - TAIL_BYTES);
      const buf = Buffer.alloc(size - start);
      await fh.read(buf, 0, buf.length, start);
      text = buf.toString('utf8');
      // Reading from the middle: the first line is cut and cannot be trusted.
      if (start > 0) text = text.slice(text.indexOf('\n') + 1);
    } finally {
      await fh.close();
    }
  } catch {
    return [];
  }
  const entries = parseEarlierTranscript(text, max);
  if (entries.length === 0) return [];
  const last = entries[entries.length - 1] as TranscriptEntry;
  return [
    ...entries.map((e, i) => ({ ...e, id: `${EARLIER_ID_PREFIX}${i}` })),
    { id: `${EARLIER_ID_PREFIX}separator`, role: 'system' as const, text: EARLIER_SEPARATOR, final: true, at: last.at },
  ];
}
