/* @jsxRuntime automatic */
/* @jsxImportSource react */
import { Box, Text } from 'ink';
import type { KeyHint } from '../commands/keymap.js';
import { cellWidth } from './format.js';

/** Props of {@link Footer}. */
export interface FooterProps {
  hints: readonly KeyHint[];
  width: number;
}

const GAP = 2;

/**
 * The hints one footer line shows: only keys that work now (why the others do nothing is in the
 * `?` overlay): first the keys of the moment (answering a waiting request, a worktree's merge),
 * then a view's own keys (the log view's search and filter), then the rest in registry order, as many as fit in `width - 1` columns; `? help` is kept last
 * whatever else had to go, since it is where the rest is listed.
 */
export function footerLine(hints: readonly KeyHint[], width: number): KeyHint[] {
  const enabled = hints.filter((h) => !h.disabled);
  const rank = (h: KeyHint) => (h.situational ? 0 : h.ofView ? 1 : 2);
  const usable = [...enabled].sort((a, b) => rank(a) - rank(b));
  const help = usable.find((h) => h.id === 'help');
  const size = (h: KeyHint) => cellWidth(`${h.keys} ${h.title}`);
  // Only whole hints are shown: one that does not fit is left for `?`, a shorter one may still fit.
  let room = Math.max(10, width - 1) - (help ? size(help) + GAP : 0);
  const out: KeyHint[] = [];
  for (const h of usable) {
    if (h === help) continue;
    const need = size(h) + (out.length ? GAP : 0);
    if (need > room) continue;
    out.push(h);
    room -= need;
  }
  // Shown in registry order again, so a key keeps its place as others come and go.
  const order = new Map(hints.map((h, i) => [h.id, i]));
  out.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  if (help) out.push(help);
  return out;
}

/** Key hints for the current scope on ONE line (see {@link footerLine}). */
export function Footer({ hints, width }: FooterProps) {
  const shown = footerLine(hints, Math.max(20, width));
  return (
    <Box width={Math.max(20, width)} height={1} overflow="hidden">
      <Text wrap="truncate-end">
        {shown.map((h, i) => (
          <Text key={h.id}>
            <Text bold color="cyan">
              {h.keys}
            </Text>
            {` ${h.title}`}
            {i < shown.length - 1 ? ' '.repeat(GAP) : ''}
          </Text>
        ))}
      </Text>
    </Box>
  );
}
