import { Box, Text } from 'ink';
import type { KeyHint } from '../commands/keymap.js';

/** Props of {@link Footer}. */
export interface FooterProps {
  hints: readonly KeyHint[];
  width: number;
  /** Lines available (hints wrap). */
  height?: number;
}

/** Key hints for the current scope; unavailable ones dimmed with their reason. */
export function Footer({ hints, width, height = 2 }: FooterProps) {
  return (
    <Box width={Math.max(20, width)} height={height} overflow="hidden">
      <Text wrap="wrap">
        {hints.map((h, i) => (
          <Text key={h.id} dimColor={!!h.disabled}>
            <Text bold={!h.disabled} color={h.disabled ? undefined : 'cyan'}>
              {h.keys}
            </Text>
            {` ${h.title}${h.disabled ? ` (${h.disabled})` : ''}`}
            {i < hints.length - 1 ? '  ' : ''}
          </Text>
        ))}
      </Text>
    </Box>
  );
}
