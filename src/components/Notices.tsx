/* @jsxRuntime automatic */
/* @jsxImportSource react */
import { Box, Text } from 'ink';
import type { Notice } from '../state/types.js';
import { noticeStyle } from './notice-style.js';

/** Props of {@link Notices}. */
export interface NoticesProps {
  notices: readonly Notice[];
  /** Most lines to use; the newest notices win. */
  max: number;
}

/** Short messages that leave the screen after a while (the log, `N`, keeps them). */
export function Notices({ notices, max }: NoticesProps) {
  if (notices.length === 0 || max <= 0) return null;
  return (
    <Box flexDirection="column">
      {notices.slice(-max).map((n) => {
        const st = noticeStyle(n);
        return (
          <Text key={n.id} color={st.color} wrap="truncate-end">
            {`${st.mark} ${n.text}`}
          </Text>
        );
      })}
    </Box>
  );
}
