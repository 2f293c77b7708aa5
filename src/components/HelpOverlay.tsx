/* @jsxRuntime automatic */
/* @jsxImportSource react */
import { Box, Text } from 'ink';
import type { HelpRow } from '../commands/keymap.js';
import { fit, wrapText } from './format.js';

/** Props of {@link HelpOverlay}. */
export interface HelpOverlayProps {
  rows: readonly HelpRow[];
  width: number;
  /** Lines available. */
  height: number;
  /** The row under the cursor (↑/↓); the overlay scrolls to keep it in view. */
  row?: number | undefined;
  /** Why a row's key does nothing right now, by row id (the footer leaves such keys out). */
  unavailable?: Readonly<Record<string, string>>;
}

interface Line {
  key: string;
  row: number;
  keys: string;
  title: string;
  tool: string;
  desc: string;
  reason: string;
}

/**
 * Every key and voice tool, generated from the command registry. Rows wrap (keys and
 * descriptions are never cut); when they take more lines than the screen has, the list scrolls
 * with the cursor row and says how much lies beyond it.
 */
export function HelpOverlay({ rows, width, height, row = 0, unavailable = {} }: HelpOverlayProps) {
  const keyW = Math.min(16, Math.max(...rows.map((r) => r.keys.length), 4));
  const titleW = 12;
  // Wide terminals name the voice tool; narrow ones only mark that there is one.
  const toolW = width >= 100 ? 18 : 5;
  // Marker, keys, title, tool, description, one spare column: each column followed by a space.
  const descW = Math.max(10, width - 2 - keyW - titleW - toolW - 4);
  const cursor = Math.max(0, Math.min(row, rows.length - 1));
  const lines: Line[] = [];
  const firstLine: number[] = [];
  const lastLine: number[] = [];
  rows.forEach((r, i) => {
    const why = unavailable[r.id];
    const keys = wrapText(r.keys || '—', keyW);
    const desc = wrapText(r.description, descW);
    const reason = why ? wrapText(`now: ${why}`, descW) : [];
    const n = Math.max(keys.length, desc.length + reason.length);
    firstLine.push(lines.length);
    for (let j = 0; j < n; j++) {
      lines.push({
        key: `${r.id}:${j}`,
        row: i,
        keys: keys[j] ?? '',
        title: j === 0 ? r.title : '',
        tool: j === 0 && r.tool ? (toolW >= 18 ? r.tool : 'voice') : '',
        desc: j < desc.length ? (desc[j] ?? '') : '',
        reason: j >= desc.length ? (reason[j - desc.length] ?? '') : '',
      });
    }
    lastLine.push(lines.length - 1);
  });
  const room = Math.max(1, height - 2);
  const end = Math.min(lines.length, Math.max(room, (lastLine[cursor] ?? 0) + 1));
  const start = Math.max(0, Math.min(end - room, firstLine[cursor] ?? 0));
  const shown = lines.slice(start, start + room);
  const below = lines.length - (start + shown.length);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {'Keys and voice tools '}
        <Text dimColor>(Esc or ? closes · ↑/↓ PgUp/PgDn move · by voice just ask)</Text>
      </Text>
      {shown.map((l) => {
        const on = l.row === cursor;
        return (
          <Text key={l.key} wrap="truncate-end">
            <Text color="cyan">{on && l.title ? '›' : ' '}</Text> <Text color="cyan">{fit(l.keys, keyW)}</Text>{' '}
            <Text bold inverse={on && !!l.title}>
              {fit(l.title, titleW)}
            </Text>{' '}
            <Text color="magenta">{fit(l.tool, toolW)}</Text>{' '}
            {l.reason ? <Text color="yellow">{l.reason}</Text> : <Text dimColor>{l.desc}</Text>}
          </Text>
        );
      })}
      {start > 0 || below > 0 ? (
        <Text dimColor wrap="truncate-end">
          {`rows ${rows.length ? (lines[start]?.row ?? 0) + 1 : 0}–${(shown[shown.length - 1]?.row ?? 0) + 1} of ${rows.length}${below > 0 ? ' · ↓ more' : ''}${start > 0 ? ' · ↑ more' : ''}`}
        </Text>
      ) : null}
    </Box>
  );
}
