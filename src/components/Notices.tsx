/* @jsxRuntime automatic */
/* @jsxImportSource react */
import { Box, Text } from 'ink';
import type { Notice } from '../state/types.js';

const COLOR: Readonly<Record<Notice['level'], string>> = {
  info: 'blue',
  success: 'green',
  warning: 'yellow',
  error: 'red',
};

/** Props of {@link Notices}. */
export interface NoticesProps {
  notices: readonly Notice[];
  /** Most lines to use; the newest notices win. */
  max: number;
}

/** Short messages that clear themselves (the store drops them at their expiry). */
export function Notices({ notices, max }: NoticesProps) {
  if (notices.length === 0 || max <= 0) return null;
  return (
    <Box flexDirection="column">
      {notices.slice(-max).map((n) => (
        <Text key={n.id} color={COLOR[n.level]} wrap="truncate-end">
          {`${n.level === 'error' ? '✗' : n.level === 'warning' ? '!' : n.level === 'success' ? '✓' : 'ℹ'} ${n.text}`}
        </Text>
      ))}
    </Box>
  );
}
