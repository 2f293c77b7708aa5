/* @jsxRuntime automatic */
/* @jsxImportSource react */
/**
 * The whole request of the selected waiting task, shown under the table in place of the
 * conversation: the full command, the edit as a diff, the question with numbered options (a
 * multi-select question with its picks ticked) or the plan, and the keys that answer it. A request
 * taller than the panel scrolls (PgUp/PgDn) with "↑ more" / "↓ more" hints; long lines wrap.
 * Texts arrive sanitised (state/screen-text.ts).
 */
import { Box, Text } from 'ink';
import { panelLines } from '../state/request-ui.js';
import type { RequestView } from '../state/types.js';

/** Props of {@link RequestPanel}. */
export interface RequestPanelProps {
  request: RequestView;
  width: number;
  height: number;
  /** Options picked so far (multi-select). */
  picks?: readonly number[];
  /** The first line shown (state/request-ui.ts). */
  scroll?: number;
}

const OPTION = /^( {2})(\d+)\. /;

/** An option line of a multi-select question with its tick box. */
function ticked(line: string, picks: readonly number[]): string {
  return line.replace(
    OPTION,
    (_m, pad: string, n: string) => `${pad}[${picks.includes(Number(n)) ? 'x' : ' '}] ${n}. `,
  );
}

/** Hard-wraps a line at `w` characters, keeping its indentation (code, diffs, commands). */
function hardWrap(line: string, w: number): string[] {
  const chars = [...line];
  if (chars.length <= w) return [line];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += w) out.push(chars.slice(i, i + w).join(''));
  return out;
}

function keysLine(request: RequestView, picks: readonly number[]): string {
  const n = Math.min(9, request.options.length);
  if (request.multiSelect && n) {
    return `1–${n} pick${picks.length ? ` · Enter send ${picks.length} picked` : ''} · d deny`;
  }
  if (n) return `1–${n} answer · d deny`;
  return request.toolName === 'ExitPlanMode'
    ? 'a approve · d reject'
    : 'a allow once · A always allow this kind · d deny';
}

/** See this file's header. */
export function RequestPanel({ request, width, height, picks = [], scroll = 0 }: RequestPanelProps) {
  const lines = panelLines(request.detail).map((l) => (request.multiSelect ? ticked(l, picks) : l));
  const from = Math.max(0, Math.min(scroll, lines.length - 1));
  const room = Math.max(1, height - 1);
  const rows: { text: string; line: string }[] = [];
  // The rows of each line from `from` on, wrapped, until the panel is full; the last row is kept
  // for the "↓ more" hint when lines remain.
  let next = from;
  const bodyRoom = (): number => room - (from > 0 ? 1 : 0);
  while (next < lines.length) {
    const line = lines[next] as string;
    const wrapped = hardWrap(line, Math.max(10, width));
    const left = lines.length - next - 1;
    const limit = bodyRoom() - (left > 0 ? 1 : 0);
    if (rows.length + wrapped.length > limit && rows.length > 0) break;
    for (const w of wrapped.slice(0, Math.max(1, limit - rows.length))) rows.push({ text: w, line });
    next += 1;
  }
  const below = lines.length - next;
  return (
    <Box flexDirection="column" width={width}>
      <Text
        color="magenta"
        bold
        wrap="truncate-end"
      >{`Task ${request.taskId} needs you — ${keysLine(request, picks)}`}</Text>
      {from > 0 ? <Text dimColor>{`↑ ${from} more line${from === 1 ? '' : 's'} (PgUp)`}</Text> : null}
      {rows.map((r, i) => (
        <Text
          key={i}
          wrap="truncate-end"
          color={r.line.startsWith('+ ') ? 'green' : r.line.startsWith('- ') ? 'red' : undefined}
        >
          {r.text === '' ? ' ' : r.text}
        </Text>
      ))}
      {below > 0 ? <Text dimColor>{`↓ ${below} more line${below === 1 ? '' : 's'} (PgDn)`}</Text> : null}
    </Box>
  );
}
