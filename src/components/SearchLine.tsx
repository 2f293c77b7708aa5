/* @jsxRuntime automatic */
/* @jsxImportSource react */
import { Text } from 'ink';
import type { ReactNode } from 'react';
import { useMemo } from 'react';
import { countMatches } from '../state/diff-search.js';
import type { TextSearch } from '../state/text-search.js';

/** A line with every (case-insensitive) occurrence of `query` shown in reverse video. */
export function highlight(line: string, query: string): ReactNode {
  const lower = line.toLowerCase();
  const q = query.toLowerCase();
  const parts: ReactNode[] = [];
  let at = 0;
  for (let hit = q ? lower.indexOf(q, at) : -1; hit >= 0; hit = lower.indexOf(q, at)) {
    if (hit > at) parts.push(line.slice(at, hit));
    parts.push(
      <Text key={hit} inverse>
        {line.slice(hit, hit + q.length)}
      </Text>,
    );
    at = hit + q.length;
  }
  if (parts.length === 0) return line || ' ';
  if (at < line.length) parts.push(line.slice(at));
  return parts;
}

/** Props of {@link SearchLine}. */
export interface SearchLineProps {
  search: TextSearch;
  /** Where the view is among the matches ("match 2 of 5", "searching…"). */
  where: string;
  /** The keys that step through the matches, as the view names them ("n/N next/previous"). */
  stepKeys: string;
}

/**
 * A text view's bottom line during a search (state/text-search.ts): the open query line with its
 * cursor, or the last query with where the view is among its matches and the keys to move on.
 */
export function SearchLine({ search, where, stepKeys }: SearchLineProps) {
  if (search.typing) {
    const { value, cursor } = search.typing;
    return (
      <Text wrap="truncate-start">
        {'/'}
        {value.slice(0, cursor)}
        <Text inverse>{value.slice(cursor, cursor + 1) || ' '}</Text>
        {value.slice(cursor + 1)}
        <Text dimColor>{'   Enter search · Esc cancel'}</Text>
      </Text>
    );
  }
  const note = search.note && search.note !== where ? ` (${search.note})` : '';
  return (
    <Text dimColor wrap="truncate-end">
      {`/${search.query}: ${where}${note} · ${stepKeys} · / search · Esc back`}
    </Text>
  );
}

/** Props of {@link DiffSearchLine}. */
export interface DiffSearchLineProps {
  search: TextSearch;
  lines: readonly string[];
  scroll: number;
}

/** The diff view's search line: where the top line is among the lines that hold the query. */
export function DiffSearchLine({ search, lines, scroll }: DiffSearchLineProps) {
  const total = useMemo(() => countMatches(lines, search.query), [lines, search.query]);
  const top = lines[scroll]?.toLowerCase().includes(search.query.toLowerCase()) ?? false;
  const index = top && !search.typing ? countMatches(lines.slice(0, scroll + 1), search.query) : 0;
  const where = total === 0 ? 'no match' : top ? `match ${index} of ${total}` : `${total} matching lines`;
  return <SearchLine search={search} where={where} stepKeys="n/N next/previous" />;
}
