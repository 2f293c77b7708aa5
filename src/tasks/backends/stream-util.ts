/** Small readers shared by the JSON-lines parsers of the agent backends (values from outside are hostile). */
import { oneLine, sanitizeText } from '../../shared/sanitize.js';
import { parseStreamJsonLine } from '../stream-json.js';
import type { AgentEvent } from '../types.js';

/** A parsed JSON object. */
export type Obj = Record<string, unknown>;

/** True for a plain JSON object (not an array, not null). */
export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value when it is a string. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The value when it is a finite number, else `fallback`. */
export function num(v: unknown, fallback = 0): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/** One sanitised line of at most `max` characters. */
export function oneLineText(s: string, max: number): string {
  return oneLine(s, max);
}

/**
 * One line of an agent's JSON-lines stream through `parseObject`, the agent's own event reader.
 * A line that is cut, not JSON or has no `type` goes to the shared stream-json reader (it turns
 * plain text into raw entries); a reader that throws leaves the line as one cleaned raw entry.
 */
export function parseJsonLineWith(
  parseObject: (o: Obj, cwd: string | undefined) => AgentEvent[],
  line: string,
  truncated?: boolean,
  cwd?: string,
): AgentEvent[] {
  if (truncated || !line.trimStart().startsWith('{')) return parseStreamJsonLine(line, truncated, cwd);
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return parseStreamJsonLine(line, truncated, cwd);
  }
  if (!isObj(o) || typeof o.type !== 'string') return parseStreamJsonLine(line, truncated, cwd);
  try {
    return parseObject(o, cwd);
  } catch {
    return [{ type: 'raw', text: sanitizeText(line) }];
  }
}
