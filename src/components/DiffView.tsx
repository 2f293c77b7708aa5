/* @jsxRuntime automatic */
/* @jsxImportSource react */
import { Box, Text } from 'ink';
import type { DiffSearch } from '../state/diff-search.js';
import { DiffSearchLine, highlight } from './SearchLine.js';

/** Props of {@link DiffView}. */
export interface DiffViewProps {
  title: string;
  /** Diff lines, already cleaned for the screen. */
  lines: readonly string[];
  scroll: number;
  width: number;
  /** Lines available. */
  height: number;
  /** The search (`/`, `n`/`N`), when one was started. */
  search?: DiffSearch | undefined;
}

/** Colour of a unified diff line: additions green, removals red, hunk and file headers set apart. */
function colorOf(line: string): { color?: string; bold?: boolean; dim?: boolean } {
  if (line.startsWith('+++') || line.startsWith('---')) return { bold: true };
  if (line.startsWith('diff --git')) return { color: 'cyan', bold: true };
  if (line.startsWith('@@')) return { color: 'magenta' };
  if (line.startsWith('+')) return { color: 'green' };
  if (line.startsWith('-')) return { color: 'red' };
  if (line.startsWith('index ') || line.startsWith('new file') || line.startsWith('deleted file')) return { dim: true };
  return {};
}

/** `v`: a task's changes as a coloured unified diff, file by file, scrolled with ↑/↓ and PgUp/PgDn. */
export function DiffView({ title, lines, scroll, width, height, search }: DiffViewProps) {
  const query = search?.typing ? '' : (search?.query ?? '');
  const rows = Math.max(1, height - 2);
  const shown = lines.slice(scroll, scroll + rows);
  const end = Math.min(lines.length, scroll + rows);
  return (
    <Box flexDirection="column" width={Math.max(20, width)}>
      <Text bold wrap="truncate-end">
        {`${title} — lines ${lines.length === 0 ? 0 : scroll + 1}–${end} of ${lines.length}`}
      </Text>
      {lines.length === 0 ? <Text dimColor>No changes.</Text> : null}
      {shown.map((l, i) => {
        const c = colorOf(l);
        return (
          <Text key={scroll + i} color={c.color} bold={c.bold} dimColor={c.dim} wrap="truncate-end">
            {query ? highlight(l, query) : l || ' '}
          </Text>
        );
      })}
      {search?.typing || search?.query ? (
        <DiffSearchLine search={search} lines={lines} scroll={scroll} />
      ) : (
        <Text dimColor wrap="truncate-end">
          ↑/↓ line · PgUp/PgDn page · Home/End · / search · Esc back
        </Text>
      )}
    </Box>
  );
}
