/* @jsxRuntime automatic */
/* @jsxImportSource react */
/**
 * The whole request of the selected waiting task, shown under the table in place of the
 * conversation: the full command, the edit as a diff, the question with numbered options or the
 * plan, and the keys that answer it. Texts arrive sanitised (state/screen-text.ts).
 */
import { Box, Text } from 'ink';
import type { RequestView } from '../state/types.js';

/** Props of {@link RequestPanel}. */
export interface RequestPanelProps {
  request: RequestView;
  width: number;
  height: number;
}

/** See this file's header. */
export function RequestPanel({ request, width, height }: RequestPanelProps) {
  const lines = request.detail.split('\n');
  const room = Math.max(1, height - 2);
  const shown = lines.length > room ? [...lines.slice(0, room - 1), `… ${lines.length - room + 1} more lines`] : lines;
  const keys = request.options.length
    ? `1–${Math.min(9, request.options.length)} answer · d deny`
    : request.toolName === 'ExitPlanMode'
      ? 'a approve · d reject'
      : 'a allow once · A always allow this kind · d deny';
  return (
    <Box flexDirection="column" width={width}>
      <Text color="magenta" bold wrap="truncate-end">{`Task ${request.taskId} needs you — ${keys}`}</Text>
      {shown.map((l, i) => (
        <Text key={i} wrap="truncate-end" color={l.startsWith('+ ') ? 'green' : l.startsWith('- ') ? 'red' : undefined}>
          {l === '' ? ' ' : l}
        </Text>
      ))}
    </Box>
  );
}
