/**
 * The one decoder of a task's stdout log: a log line becomes agent events through the task's
 * backend parser, and events become output entries through display.ts. Every path that reads a
 * log uses it — the live ingest, the tail refilled at start and the paged log view — so the three
 * can never show the same line differently.
 */
import { backendFor } from './backends/registry.js';
import { toOutputEntries } from './display.js';
import type { AgentEvent, BackendKind } from './types.js';

/** An output entry of one log line, before it gets its seq, time, run and offset. */
export type LineEntry = ReturnType<typeof toOutputEntries>[number];

/** The events of one log line of a task with `backend`, run in `cwd` (paths shown relative to it). */
export function decodeLogLine(
  backend: BackendKind,
  text: string,
  truncated: boolean,
  cwd: string | undefined,
): AgentEvent[] {
  return backendFor(backend).parseLine(text, truncated, cwd);
}

/** The output entries of one log line (what the tail and the log view show for it). */
export function logLineEntries(
  backend: BackendKind,
  text: string,
  truncated: boolean,
  cwd: string | undefined,
): LineEntry[] {
  const out: LineEntry[] = [];
  for (const ev of decodeLogLine(backend, text, truncated, cwd)) for (const e of toOutputEntries(ev)) out.push(e);
  return out;
}
