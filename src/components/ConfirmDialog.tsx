/* @jsxRuntime automatic */
/* @jsxImportSource react */
import { Box, Text } from 'ink';
import type { ConfirmRequest } from '../state/types.js';
import { keyLabel } from '../commands/keymap.js';

/** Props of {@link ConfirmDialog}. */
export interface ConfirmDialogProps {
  request: ConfirmRequest;
  width: number;
}

/** A question with one key per answer: cancel task y/n; quit with live tasks k / c / Esc. */
export function ConfirmDialog({ request, width }: ConfirmDialogProps) {
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1} width={Math.max(24, width)}>
      <Text bold color="yellow" wrap="wrap">
        {request.title}
      </Text>
      {request.detail ? (
        <Text dimColor wrap="wrap">
          {request.detail}
        </Text>
      ) : null}
      <Text wrap="wrap">
        {request.choices.map((c, i) => (
          <Text key={c.key}>
            <Text bold color="cyan">{`[${keyLabel(c.key)}]`}</Text>
            {` ${c.label}${i < request.choices.length - 1 ? '   ' : ''}`}
          </Text>
        ))}
      </Text>
    </Box>
  );
}
