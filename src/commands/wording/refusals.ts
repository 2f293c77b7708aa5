/**
 * What the command layer answers when a command or a tool call does not run: an unknown name,
 * bad arguments, a command unavailable now, an error while it ran, a form that cannot be sent.
 * By voice these are the tool results the model reads, so they also say how to call again.
 */
import type { CommandResult } from '../types.js';
import { oneLine } from './speech.js';

/** A command id the registry does not hold. */
export const unknownCommand = (id: string): CommandResult => ({ ok: false, say: `Unknown command "${id}".` });

/** Arguments the command's schema refused; `why` lists the issues. */
export const invalidArguments = (id: string, why: string): CommandResult => ({
  ok: false,
  say: `Invalid arguments for ${id}: ${why}.`,
  activity: `invalid: ${why}`,
});

/** A command that cannot run now ("Cannot cancel now: task 4 is already completed."). */
export const unavailable = (title: string, reason: string): CommandResult => ({
  ok: false,
  say: `Cannot ${title} now: ${reason}.`,
  activity: `unavailable: ${reason}`,
});

/** A command that threw while it ran. */
export const commandFailed = (title: string, error: string): CommandResult => ({
  ok: false,
  say: `${title} failed: ${error}`,
  activity: `error: ${error}`,
});

/** The inline error of a form whose command cannot run now. */
export const notSent = (blocked: string): string => `Not sent: ${blocked}. The text stays here; Esc closes.`;

/** A tool name the model made up. */
export const noSuchTool = (name: string, available: readonly string[]): string =>
  `There is no tool named "${oneLine(name, 40)}". Available tools: ${available.join(', ')}.`;

/** Tool arguments that are not JSON. */
export const argumentsNotJson = (name: string): string =>
  `The arguments for ${name} were not valid JSON. Call ${name} again with a JSON object.`;

/** Tool arguments that are JSON but not an object. */
export const argumentsNotObject = (name: string): string =>
  `The arguments for ${name} must be a JSON object. Call ${name} again.`;

/** A tool call that failed outside the command (never expected: dispatch returns values). */
export const toolFailed = (name: string, error: string): string => `${name} failed: ${oneLine(error, 200)}`;
