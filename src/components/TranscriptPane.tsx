/* @jsxRuntime automatic */
/* @jsxImportSource react */
import { useMemo } from 'react';
import { Box, Text } from 'ink';
import { transcriptForScreen } from '../state/transcript-wording.js';
import type { TranscriptEntry } from '../session/types.js';
import { wrapText } from './format.js';

/** Props of {@link TranscriptPane}. */
export interface TranscriptPaneProps {
  entries: readonly TranscriptEntry[];
  width: number;
  /** Lines available. */
  height: number;
}

const ROLE: Readonly<Record<TranscriptEntry['role'], { label: string; color?: string; dim?: boolean }>> = {
  user: { label: 'you', color: 'cyan' },
  assistant: { label: 'assistant', color: 'magenta' },
  // Tool lines begin with their own "→".
  tool: { label: '', dim: true },
  notice: { label: '!', color: 'yellow' },
  system: { label: '·', dim: true },
};

/** Terminal lines an entry takes at this width (prefix included). */
export function linesOf(entry: TranscriptEntry, width: number): string[] {
  const label = ROLE[entry.role].label;
  const prefix = label ? `${label} ` : '';
  const text = `${prefix}${entry.text}${entry.final ? '' : ' ▍'}`;
  const w = Math.max(10, width);
  // Tool calls and activity lines are bookkeeping: one line each, so the conversation keeps the room.
  if (entry.role === 'tool') {
    const flat = text.replace(/\s+/g, ' ');
    return [flat.length > w ? `${flat.slice(0, w - 1)}…` : flat];
  }
  return wrapText(text, w);
}

/**
 * The conversation, newest at the bottom: user and assistant text (streaming entries end with
 * a cursor), tool calls and activity lines, notices. Only what fits is drawn.
 */
export function TranscriptPane({ entries: raw, width, height }: TranscriptPaneProps) {
  const entries = useMemo(() => transcriptForScreen(raw), [raw]);
  if (height <= 0) return null;
  const rows: { key: string; text: string; entry: TranscriptEntry; first: boolean }[] = [];
  for (let i = entries.length - 1; i >= 0 && rows.length < height; i--) {
    const e = entries[i]!;
    const lines = linesOf(e, width);
    for (let j = lines.length - 1; j >= 0 && rows.length < height; j--) {
      rows.unshift({ key: `${e.id}:${j}`, text: lines[j]!, entry: e, first: j === 0 });
    }
  }
  if (rows.length === 0) {
    return (
      <Text dimColor wrap="truncate-end">
        The conversation shows here.
      </Text>
    );
  }
  return (
    <Box flexDirection="column">
      {rows.map((r) => {
        const style = ROLE[r.entry.role];
        if (!r.first) {
          return (
            <Text key={r.key} dimColor={style.dim} wrap="truncate-end">
              {r.text}
            </Text>
          );
        }
        const label = style.label;
        return (
          <Text key={r.key} dimColor={style.dim} wrap="truncate-end">
            <Text color={style.color} bold={!style.dim}>
              {label}
            </Text>
            {r.text.slice(label.length)}
          </Text>
        );
      })}
    </Box>
  );
}
