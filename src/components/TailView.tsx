/* @jsxRuntime automatic */
/* @jsxImportSource react */
import { useMemo } from 'react';
import { Box, Text } from 'ink';
import { FILTER_LABEL, filterEntries } from '../state/selectors.js';
import type { TailFilter, TailLog } from '../state/types.js';
import type { TaskOutputEntry, TaskRecord } from '../tasks/types.js';
import { STATUS_COLOR, wrapText } from './format.js';
import { promptBlock } from './run-prompts.js';
import { highlight, SearchLine } from './SearchLine.js';
import type { TextSearch } from '../state/text-search.js';

/** Props of {@link TailView}. */
export interface TailViewProps {
  task: TaskRecord;
  log: TailLog | null;
  filter: TailFilter;
  scroll: number;
  follow: boolean;
  width: number;
  /** Lines available, header included. */
  height: number;
  /** The search (`/`, `n`/`N`), once one was started. */
  search?: TextSearch | undefined;
}

function colorOf(e: TaskOutputEntry): string | undefined {
  switch (e.kind) {
    case 'tool':
      return 'cyan';
    case 'tool_result':
      return e.isError ? 'red' : 'gray';
    case 'error':
    case 'stderr':
      return 'red';
    case 'result':
      return e.text.startsWith('✗') ? 'red' : 'green';
    case 'system':
      return 'gray';
    default:
      return undefined;
  }
}

/**
 * The log of one task: a window of it paged from disk as the user scrolls (the command layer
 * reads the pages), live output appended while the window reaches the end. Scrolled by entries;
 * in follow mode the newest entry is always at the bottom.
 */
export function TailView({ task, log, filter, scroll, follow, width, height, search }: TailViewProps) {
  // The log holds up to 5,000 entries and the screen redraws up to 30 times a second: filter it
  // only when the log or the filter changed, not on every spinner tick or other task's output.
  const all = log?.entries;
  const entries = useMemo(() => (all ? filterEntries(all, filter) : []), [all, filter]);
  const end = Math.max(0, entries.length - scroll);
  // The search line takes the last line while a search is open or has a query.
  const searching = !!(search?.typing || search?.query);
  const query = search && !search.typing ? search.query : '';
  const body = Math.max(1, height - 1 - (searching ? 1 : 0));
  const lines: { key: string; text: string; color: string | undefined }[] = [];
  for (let i = end - 1; i >= 0 && lines.length < body; i--) {
    const e = entries[i]!;
    const parts = wrapText(`${e.text}${e.truncated ? ' [cut]' : ''}`, Math.max(10, width));
    for (let j = parts.length - 1; j >= 0 && lines.length < body; j--) {
      // Entries of different pages may share a seq; their place in the window is unique.
      lines.unshift({ key: `${i}:${j}`, text: parts[j]!, color: colorOf(e) });
    }
    // A run begins here: its prompt (the first, or a follow-up) above its output.
    const prev = entries[i - 1];
    if (prev ? prev.runNo !== e.runNo : log?.atStart) {
      const block = promptBlock(task, e.runNo, Math.max(10, width));
      for (let j = block.length - 1; j >= 0 && lines.length < body; j--) {
        lines.unshift({ key: `p${i}:${j}`, text: block[j]!, color: j === 0 ? 'gray' : 'yellow' });
      }
    }
  }
  // "+": the window holds part of the log; more lies on disk beyond it.
  const older = log && !log.loading && !log.atStart ? '+' : '';
  const newer = log && !log.atEnd ? '+' : '';
  const position = follow && !newer ? 'following' : `${scroll}${newer} newer below · End follows`;
  const state = log?.loading
    ? ' · loading log…'
    : log?.error
      ? ` · could not read the log: ${log.error}`
      : log?.paging
        ? ' · reading…'
        : '';
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>{`Task ${task.id} ${task.name}`}</Text>
        <Text color={STATUS_COLOR[task.status]}>{` · ${task.status}`}</Text>
        <Text dimColor>{` · ${FILTER_LABEL[filter]} (${entries.length}${older}) · ${position}${state}`}</Text>
      </Text>
      {lines.length === 0 ? (
        <Text dimColor>
          {log?.loading ? 'Loading…' : filter === 'all' ? 'No output yet.' : `Nothing in ${FILTER_LABEL[filter]}.`}
        </Text>
      ) : (
        lines.map((l) => (
          <Text key={l.key} color={l.color} wrap="truncate-end">
            {query ? highlight(l.text, query) : l.text || ' '}
          </Text>
        ))
      )}
      {searching && search ? (
        <SearchLine search={search} where={search.note ?? ''} stepKeys="n older · N newer" />
      ) : null}
    </Box>
  );
}
