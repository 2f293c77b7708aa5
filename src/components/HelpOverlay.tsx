/* @jsxRuntime automatic */
/* @jsxImportSource react */
import { Box, Text } from 'ink';
import type { HelpRow } from '../commands/keymap.js';
import { fit } from './format.js';

/** Props of {@link HelpOverlay}. */
export interface HelpOverlayProps {
  rows: readonly HelpRow[];
  width: number;
  /** Lines available. */
  height: number;
}

/** Every key and voice tool, generated from the command registry. */
export function HelpOverlay({ rows, width, height }: HelpOverlayProps) {
  const keyW = Math.min(22, Math.max(...rows.map((r) => r.keys.length), 4));
  const titleW = 12;
  // Wide terminals name the voice tool; narrow ones only mark that there is one.
  const toolW = width >= 100 ? 18 : 5;
  const descW = Math.max(10, width - keyW - titleW - toolW - 4);
  const room = Math.max(1, height - 2);
  const shown = rows.slice(0, rows.length > room ? room - 1 : room);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {'Keys and voice tools '}
        <Text dimColor>(Esc or ? closes; by voice just ask — e.g. “start a task in api to fix the login”)</Text>
      </Text>
      {shown.map((r) => (
        <Text key={r.id} wrap="truncate-end">
          <Text color="cyan">{fit(r.keys || '—', keyW)}</Text> <Text bold>{fit(r.title, titleW)}</Text>{' '}
          <Text color="magenta">{fit(r.tool ? (toolW >= 18 ? r.tool : 'voice') : '', toolW)}</Text>{' '}
          <Text dimColor>{fit(r.description, descW)}</Text>
        </Text>
      ))}
      {shown.length < rows.length ? (
        <Text dimColor>{`… ${rows.length - shown.length} more (a taller terminal shows all)`}</Text>
      ) : null}
    </Box>
  );
}
