/* @jsxRuntime automatic */
/* @jsxImportSource react */
import { Box, Text } from 'ink';
import type { KeyHint } from '../commands/keymap.js';
import { cut } from './format.js';

/** Longest reason shown after a dimmed hint (the full one comes as a notice on the key press). */
const REASON_MAX = 28;

/** Props of {@link Footer}. */
export interface FooterProps {
  hints: readonly KeyHint[];
  width: number;
  /** Lines available (hints wrap). */
  height?: number;
}

/** Key hints for the current scope; unavailable ones dimmed with their reason. */
export function Footer({ hints, width, height = 2 }: FooterProps) {
  // Usable keys first: when the line runs out, it is the dimmed ones that fall off.
  const ordered = [...hints.filter((h) => !h.disabled), ...hints.filter((h) => h.disabled)];
  return (
    <Box width={Math.max(20, width)} height={height} overflow="hidden">
      <Text wrap="wrap">
        {ordered.map((h, i) => (
          <Text key={h.id} dimColor={!!h.disabled}>
            <Text bold={!h.disabled} color={h.disabled ? undefined : 'cyan'}>
              {h.keys}
            </Text>
            {` ${h.title}${h.disabled ? ` (${cut(h.disabled, REASON_MAX)})` : ''}`}
            {i < ordered.length - 1 ? '  ' : ''}
          </Text>
        ))}
      </Text>
    </Box>
  );
}
