/* @jsxRuntime automatic */
/* @jsxImportSource react */
import { Box, Text } from 'ink';
import type { TaskRecord } from '../tasks/types.js';
import { money, shortDuration, taskCost, STATUS_COLOR, wrapText } from './format.js';
import { agentRunMs, promptBlock } from './run-prompts.js';

/** Props of {@link ResultCard}. */
export interface ResultCardProps {
  task: TaskRecord;
  now: number;
  width: number;
  /** Lines available. */
  height: number;
  /** Lines of the final text scrolled past (↑/↓, PgUp/PgDn). */
  scroll?: number | undefined;
}

/** What a task produced: final text, status or failure reason, cost (of its budget), turns, files touched, elapsed. */
export function ResultCard({ task: t, now, width, height, scroll = 0 }: ResultCardProps) {
  const ms = agentRunMs(t, now);
  const el = ms === undefined ? '—' : shortDuration(ms);
  const cost = t.budgetUsd === undefined ? taskCost(t) : `${taskCost(t)} of ${money(t.budgetUsd)} budget`;
  const files = t.filesTouched.length ? t.filesTouched.join(', ') : 'none';
  // The prompts of every run, a separator each; at most a third of the card.
  const runNos = t.runs.length ? t.runs.map((r) => r.runNo) : [1];
  const allPrompt = runNos.flatMap((n) => promptBlock(t, n, Math.max(10, width - 4)));
  const promptRows = Math.max(1, Math.floor((height - 7) / 3));
  const prompt =
    allPrompt.length > promptRows
      ? [...allPrompt.slice(0, promptRows - 1), `… ${allPrompt.length - promptRows + 1} more prompt lines (in the log)`]
      : allPrompt;
  // What git counts, and where a worktree task works: one more line when there is something to say.
  const changes = changesText(t);
  // Header, facts, files, the "final text" label, the border, the prompts and the changes line.
  const textRows = Math.max(1, height - 7 - prompt.length - (changes ? 1 : 0));
  const text =
    t.resultText ??
    (t.status === 'running' || t.status === 'queued' ? 'Still working — no final text yet.' : 'No final text.');
  // Border and padding take 4 columns.
  const lines = wrapText(text, Math.max(10, width - 4));
  // A text longer than the card scrolls: one line says what lies above and below.
  const rows = lines.length > textRows ? Math.max(1, textRows - 1) : textRows;
  const top = Math.max(0, Math.min(scroll, lines.length - rows));
  const shown = lines.slice(top, top + rows);
  const below = lines.length - top - shown.length;
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1} width={Math.max(20, width)}>
      <Text wrap="truncate-end">
        <Text bold>{`Task ${t.id} ${t.name}`}</Text>
        <Text color={STATUS_COLOR[t.status]}>{` — ${t.status}`}</Text>
        {t.failure ? <Text color="red">{`: ${t.failure.message}`}</Text> : null}
      </Text>
      <Text
        dimColor
        wrap="truncate-end"
      >{`time ${el} · turns ${t.costEstimated === true ? '~' : ''}${t.turns} · cost ${cost}${t.costEstimated === true ? ' (estimate)' : ''} · ${t.projectDir}`}</Text>
      <Text wrap="truncate-end">{`files touched: ${files}`}</Text>
      {changes ? <Text wrap="truncate-end">{changes}</Text> : null}
      {prompt.map((l, i) => (
        <Text key={`p${i}`} dimColor wrap="truncate-end">
          {l || ' '}
        </Text>
      ))}
      <Text dimColor>final text:</Text>
      {shown.map((l, i) => (
        <Text key={i} wrap="truncate-end">
          {l || ' '}
        </Text>
      ))}
      {lines.length > shown.length ? (
        <Text dimColor wrap="truncate-end">
          {`${below > 0 ? `↓ more: ${below} lines` : 'end of text'}${top > 0 ? ` · ${top} above` : ''} · ↑/↓ PgUp/PgDn scroll`}
        </Text>
      ) : null}
    </Box>
  );
}

/** "changes: 3 files, +40 −12 · branch voice-orch/3-fix (M merge, C commit, X discard)", or '' when there is nothing to say. */
function changesText(t: TaskRecord): string {
  const parts: string[] = [];
  if (t.changes) {
    const n = t.changes.files.length;
    parts.push(`changes: ${n} ${n === 1 ? 'file' : 'files'}, +${t.changes.added} \u2212${t.changes.removed}`);
  }
  if (t.worktree) parts.push(`branch ${t.worktree.branch}`, 'v diff · M merge · C commit · X discard');
  return parts.join(' · ');
}
