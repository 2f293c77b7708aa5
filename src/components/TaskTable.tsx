/* @jsxRuntime automatic */
/* @jsxImportSource react */
import { Box, Text } from 'ink';
import type { TaskRecord } from '../tasks/types.js';
import { needsAttention, tableWindow } from '../state/task-order.js';
import { queuedPrefix } from '../state/queued-follow-ups.js';
import { agentRunMs } from './run-prompts.js';
import { projectName } from './project-name.js';
import { fit, shortDuration, taskCost, STATUS_COLOR, statusGlyph } from './format.js';

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
  /** Follow-ups queued behind running runs, by task id (shown before the activity). */
  queued?: Readonly<Record<number, readonly string[]>>;
  /** The empty table's suggestion, naming the active talk key (talk-status.ts askHint). */
  ask?: string;
}

interface Column {
  key: string;
  title: string;
  width: number;
  cell(t: TaskRecord, now: number, frame: number): string;
  color?(t: TaskRecord): string | undefined;
}

function elapsed(t: TaskRecord, now: number): string {
  const ms = agentRunMs(t, now);
  return ms === undefined ? '—' : shortDuration(ms);
}

/** Widest status cell: the glyph, a space and the longest status word ("interrupted"), never cut. */
export const STATUS_WIDTH =
  2 + Math.max(...['interrupted', 'completed', 'cancelled', 'running', 'waiting', 'stalled'].map((w) => w.length));

const clamp = (x: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, x));

/**
 * Columns for a pane width: narrow panes drop project, agent, turns and cost; the name, project and
 * activity columns share what is left, so a wide pane shows longer names instead of padding.
 */
export function columnsFor(
  width: number,
  needsYou: Readonly<Record<number, string>> = {},
  queued: Readonly<Record<number, readonly string[]>> = {},
): Column[] {
  const waiting = (t: TaskRecord): string | undefined => (t.status === 'running' ? needsYou[t.id] : undefined);
  const withProject = width >= 70;
  const withFigures = width >= 100;
  // Fixed columns and their separators, plus the two-column selection mark.
  const fixed = 2 + (3 + 1) + (STATUS_WIDTH + 1) + (6 + 1) + (withFigures ? 6 + 8 + 7 : 0);
  const flex = Math.max(0, width - fixed);
  const nameW = clamp(Math.round(flex * 0.28), 10, 32);
  const projectW = withProject ? clamp(Math.round(flex * 0.18), 8, 24) : 0;
  const cols: Column[] = [
    { key: 'id', title: '#', width: 3, cell: (t) => String(t.id) },
    {
      key: 'status',
      title: 'status',
      width: STATUS_WIDTH,
      cell: (t, _n, f) =>
        waiting(t) !== undefined
          ? '? needs you'
          : `${statusGlyph(t.status, f)} ${t.stalled && t.status === 'running' ? 'stalled' : t.status}`,
      color: (t) =>
        waiting(t) !== undefined ? 'magenta' : t.stalled && t.status === 'running' ? 'yellow' : STATUS_COLOR[t.status],
    },
    { key: 'name', title: 'name', width: nameW, cell: (t) => (t.worktree ? `⎇ ${t.name}` : t.name) },
  ];
  if (withProject)
    cols.push({
      key: 'project',
      title: 'project',
      width: projectW,
      cell: projectName,
    });
  if (withFigures) cols.push({ key: 'agent', title: 'agent', width: 6, cell: (t) => t.backend });
  cols.push({ key: 'elapsed', title: 'time', width: 6, cell: elapsed });
  if (withFigures) {
    cols.push({ key: 'turns', title: 'turns', width: 5, cell: (t) => String(t.turns) });
    cols.push({ key: 'cost', title: 'cost', width: 7, cell: (t) => taskCost(t) });
  }
  const used = cols.reduce((a, c) => a + c.width + 1, 0) + 2;
  cols.push({
    key: 'activity',
    title: 'latest activity',
    width: Math.max(8, width - used - 1),
    cell: (t) =>
      waiting(t) ??
      queuedPrefix(queued[t.id]) +
        (t.status === 'failed' && t.failure
          ? t.failure.message
          : t.status === 'queued' && t.queuedReason
            ? t.queuedReason
            : t.activity),
    color: (t) => (waiting(t) !== undefined ? 'magenta' : t.status === 'failed' ? 'red' : undefined),
  });
  return cols;
}

/** Lines the table needs to show every task: the header and one per task. */
export function tableLinesFor(count: number): number {
  return count === 0 ? 1 : count + 1;
}

/** The task table: one row per task, the selected one marked; tasks needing attention always shown. */
export function TaskTable({ tasks, selectedId, width, height, now, frame, needsYou, queued, ask }: TaskTableProps) {
  const cols = columnsFor(width, needsYou, queued);
  if (tasks.length === 0) {
    return (
      <Text dimColor wrap="truncate-end">
        {`No tasks yet — ${ask ?? 'press n to start one, or ask the assistant'}.`}
      </Text>
    );
  }
  // One line for the header, and one for the "more" marker when not every task fits.
  const rows = Math.max(1, tasks.length > height - 1 ? height - 2 : height - 1);
  const sel = tasks.findIndex((t) => t.id === selectedId);
  const pinned = tasks.filter((t) => needsAttention(t.status)).length;
  const shown = tableWindow(tasks.length, pinned, Math.max(0, sel), rows);
  const below = tasks.length - 1 - (shown[shown.length - 1] ?? -1);
  const above = tasks.length - shown.length - below;
  return (
    <Box flexDirection="column">
      <Text dimColor wrap="truncate-end">
        {`  ${cols.map((c) => fit(c.title, c.width)).join(' ')}`}
      </Text>
      {shown.map((i) => {
        const t = tasks[i]!;
        const selected = t.id === selectedId;
        return (
          <Text key={t.id} wrap="truncate-end" bold={selected}>
            <Text color="cyan">{selected ? '› ' : '  '}</Text>
            {cols.map((c, j) => (
              <Text key={c.key} color={c.color?.(t)} inverse={selected && c.key === 'name'}>
                {fit(c.cell(t, now, frame), c.width)}
                {j < cols.length - 1 ? ' ' : ''}
              </Text>
            ))}
          </Text>
        );
      })}
      {above + below > 0 ? (
        <Text dimColor>{`  ${above > 0 ? `↑ ${above} more ` : ''}${below > 0 ? `↓ ${below} more` : ''}`}</Text>
      ) : null}
    </Box>
  );
}
