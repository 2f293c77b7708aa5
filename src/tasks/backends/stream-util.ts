/** Small readers shared by the JSON-lines parsers of the agent backends (values from outside are hostile). */
import { oneLine } from '../../shared/sanitize.js';

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
