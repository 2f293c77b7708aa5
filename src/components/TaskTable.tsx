/* @jsxRuntime automatic */
/* @jsxImportSource react */
import { Box, Text } from 'ink';
import type { TaskRecord } from '../tasks/types.js';
import { fit, money, shortDuration, STATUS_COLOR, statusGlyph } from './format.js';

/** Props of {@link TaskTable}. */
export interface TaskTableProps {
  tasks: readonly TaskRecord[];
  selectedId: number | null;
  width: number;
  /** Rows available, header included. */
  height: number;
  now: number;
  /** Spinner frame for running tasks. */
  frame: number;
  /** Tasks waiting for a decision: id → what they ask ("wants to run `npm test`"). */
  needsYou?: Readonly<Record<number, string>>;
}

interface Column {
  key: string;
  title: string;
  width: number;
  cell(t: TaskRecord, now: number, frame: number): string;
  color?(t: TaskRecord): string | undefined;
}

function projectName(dir: string): string {
  const parts = dir.split('/').filter(Boolean);
  return parts[parts.length - 1] ?? dir;
}

function elapsed(t: TaskRecord, now: number): string {
  if (t.startedAt === undefined) return '—';
  return shortDuration((t.endedAt ?? now) - t.startedAt);
}

/** Columns for a terminal width: narrow terminals drop project, agent, turns and cost. */
export function columnsFor(width: number, needsYou: Readonly<Record<number, string>> = {}): Column[] {
  const waiting = (t: TaskRecord): string | undefined => (t.status === 'running' ? needsYou[t.id] : undefined);
  const cols: Column[] = [
    { key: 'id', title: '#', width: 3, cell: (t) => String(t.id) },
    {
      key: 'status',
      title: 'status',
      width: 12,
      cell: (t, _n, f) =>
        waiting(t) !== undefined
          ? '? needs you'
          : `${statusGlyph(t.status, f)} ${t.stalled && t.status === 'running' ? 'stalled' : t.status}`,
      color: (t) =>
        waiting(t) !== undefined ? 'magenta' : t.stalled && t.status === 'running' ? 'yellow' : STATUS_COLOR[t.status],
    },
    { key: 'name', title: 'name', width: width >= 100 ? 18 : 14, cell: (t) => (t.worktree ? `⎇ ${t.name}` : t.name) },
  ];
  if (width >= 70)
    cols.push({
      key: 'project',
      title: 'project',
      width: 10,
      cell: (t) => (t.host ? `${t.host}:` : '') + projectName(t.projectDir),
    });
  if (width >= 100) cols.push({ key: 'agent', title: 'agent', width: 6, cell: (t) => t.backend });
  cols.push({ key: 'elapsed', title: 'time', width: 6, cell: elapsed });
  if (width >= 100) {
    cols.push({ key: 'turns', title: 'turns', width: 5, cell: (t) => String(t.turns) });
    cols.push({ key: 'cost', title: 'cost', width: 6, cell: (t) => money(t.costUsd) });
  }
  const used = cols.reduce((a, c) => a + c.width + 1, 0) + 2;
  cols.push({
    key: 'activity',
    title: 'latest activity',
    width: Math.max(8, width - used),
    cell: (t) =>
      waiting(t) ??
      (t.status === 'failed' && t.failure
        ? t.failure.message
        : t.status === 'queued' && t.queuedReason
          ? t.queuedReason
          : t.activity),
    color: (t) => (waiting(t) !== undefined ? 'magenta' : t.status === 'failed' ? 'red' : undefined),
  });
  return cols;
}

/** The window of rows to show so the selected task stays visible. */
function visibleRange(count: number, selected: number, rows: number): [number, number] {
  if (count <= rows) return [0, count];
  const start = Math.min(Math.max(0, selected - Math.floor(rows / 2)), count - rows);
  return [start, start + rows];
}

/** The task table: one row per task, the selected one marked. */
export function TaskTable({ tasks, selectedId, width, height, now, frame, needsYou }: TaskTableProps) {
  const cols = columnsFor(width, needsYou);
  if (tasks.length === 0) {
    return (
      <Text dimColor wrap="truncate-end">
        No tasks yet — press n to start one, or ask the assistant.
      </Text>
    );
  }
  // One line for the header, and one for the "more" marker when not every task fits.
  const rows = Math.max(1, tasks.length > height - 1 ? height - 2 : height - 1);
  const sel = tasks.findIndex((t) => t.id === selectedId);
  const [start, end] = visibleRange(tasks.length, Math.max(0, sel), rows);
  return (
    <Box flexDirection="column">
      <Text dimColor wrap="truncate-end">
        {`  ${cols.map((c) => fit(c.title, c.width)).join(' ')}`}
      </Text>
      {tasks.slice(start, end).map((t) => {
        const selected = t.id === selectedId;
        return (
          <Text key={t.id} wrap="truncate-end" bold={selected}>
            <Text color="cyan">{selected ? '› ' : '  '}</Text>
            {cols.map((c, i) => (
              <Text key={c.key} color={c.color?.(t)} inverse={selected && c.key === 'name'}>
                {fit(c.cell(t, now, frame), c.width)}
                {i < cols.length - 1 ? ' ' : ''}
              </Text>
            ))}
          </Text>
        );
      })}
      {end < tasks.length || start > 0 ? (
        <Text
          dimColor
        >{`  ${start > 0 ? `↑ ${start} more ` : ''}${end < tasks.length ? `↓ ${tasks.length - end} more` : ''}`}</Text>
      ) : null}
    </Box>
  );
}
