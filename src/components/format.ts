/**
 * Small formatting helpers for the views: fixed-width cells, durations, money, level meters.
 */
import stringWidth from 'string-width';
import type { AudioLevel } from '../audio/types.js';
import type { TaskStatus } from '../tasks/types.js';

/** Columns `s` takes on a terminal: wide characters (CJK, most emoji) count two. */
export function cellWidth(s: string): number {
  // Plain ASCII is the common case under load; it needs no grapheme walk.
  return /^[\x20-\x7e]*$/.test(s) ? s.length : stringWidth(s);
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The longest start of `s` that takes at most `w` columns. */
function takeColumns(s: string, w: number): string {
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(s)) {
    const cw = stringWidth(segment);
    if (used + cw > w) break;
    out += segment;
    used += cw;
  }
  return out;
}

/** `s` cut (with "…") or padded to exactly `w` terminal columns. */
export function fit(s: string, w: number): string {
  if (w <= 0) return '';
  const flat = s.replace(/\s+/g, ' ');
  const width = cellWidth(flat);
  if (width > w) {
    const head = takeColumns(flat, w - 1);
    return `${head}…${' '.repeat(Math.max(0, w - 1 - cellWidth(head)))}`;
  }
  return flat + ' '.repeat(w - width);
}

/** `s` cut to `w` terminal columns with "…", not padded. */
export function cut(s: string, w: number): string {
  if (w <= 0) return '';
  return cellWidth(s) > w ? `${takeColumns(s, Math.max(0, w - 1))}…` : s;
}

/** "42s", "3m05s", "1h02m": compact elapsed time for the table. */
export function shortDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** "$0.12", "$0.00" for nothing yet. */
export function money(usd: number): string {
  return `$${usd.toFixed(2)}`;
}

/**
 * What a task cost so far: `$0.42` as Claude reported it; `~$0.04` while the figure is an estimate
 * (a Claude run before its result, from the stream's usage) and always for codex and gemini, whose
 * cost is estimated from tokens and configured prices (src/tasks/agent-prices.ts).
 */
export function taskCost(t: { backend?: string; costUsd: number; costEstimated?: boolean }): string {
  const estimated = t.costEstimated === true || t.backend === 'codex' || t.backend === 'gemini';
  return estimated ? `~${money(t.costUsd)}` : money(t.costUsd);
}

/** Terminal colour of a task status. */
export const STATUS_COLOR: Readonly<Record<TaskStatus, string>> = {
  queued: 'yellow',
  running: 'cyan',
  completed: 'green',
  failed: 'red',
  cancelled: 'gray',
  interrupted: 'magenta',
};

/** Frames of the running-task spinner. */
export const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] as const;

/** Status glyph: a spinner frame while running, a fixed mark otherwise. */
export function statusGlyph(status: TaskStatus, frame: number): string {
  switch (status) {
    case 'running':
      return SPINNER[frame % SPINNER.length]!;
    case 'queued':
      return '…';
    case 'completed':
      return '✓';
    case 'failed':
      return '✗';
    case 'cancelled':
      return '⊘';
    case 'interrupted':
      return '!';
  }
}

const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/** A bar meter of `width` cells for an RMS level (-60 dBFS = empty, 0 dBFS = full). */
export function levelMeter(level: AudioLevel | null, width = 6): string {
  if (!level || !Number.isFinite(level.rmsDb)) return BARS[0].repeat(width);
  const x = Math.min(1, Math.max(0, (level.rmsDb + 60) / 60));
  const cells = x * width;
  let out = '';
  for (let i = 0; i < width; i++) {
    const fill = Math.min(1, Math.max(0, cells - i));
    out += BARS[Math.min(BARS.length - 1, Math.floor(fill * (BARS.length - 1)))];
  }
  return out;
}

/**
 * Word-wraps `text` to `width` columns: paragraphs kept, long words broken. The views count
 * lines with it, so what they draw is exactly what fits.
 */
export function wrapText(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const out: string[] = [];
  for (const para of text.replace(/\t/g, '  ').split('\n')) {
    if (para.trim() === '') {
      out.push('');
      continue;
    }
    let line = '';
    for (const word of para.split(/ +/)) {
      let rest = word;
      while (rest.length > w) {
        if (line) {
          out.push(line);
          line = '';
        }
        out.push(rest.slice(0, w));
        rest = rest.slice(w);
      }
      if (!rest) continue;
      if (!line) line = rest;
      else if (line.length + 1 + rest.length <= w) line += ` ${rest}`;
      else {
        out.push(line);
        line = rest;
      }
    }
    out.push(line);
  }
  return out;
}
