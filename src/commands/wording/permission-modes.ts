/**
 * One line per permission mode, for the new-task form: what the agent may do without asking and
 * what becomes a request on screen. Codex and Gemini map the modes to their own settings (README
 * "Codex and Gemini CLI agents").
 */
import { PERMISSION_MODES } from '../../shared/settings-values.js';
import type { PermissionMode } from '../../tasks/types.js';

/** What each mode lets the agent do, in one line. */
export const PERMISSION_MODE_HELP: Readonly<Record<PermissionMode, string>> = {
  acceptEdits: 'edits files in the project without asking; commands it is not allowed ask you',
  auto: 'the agent decides itself which actions are safe; risky ones still ask you',
  default: 'asks you before each edit and each command not allowed in the settings',
  manual: 'the newer name of default (older Claude versions refuse it)',
  dontAsk: 'never asks: what is not allowed in the settings is refused',
  plan: 'reads only and writes a plan first; you approve or reject it with feedback',
  bypassPermissions: 'does anything without asking (refused unless configured)',
};

/** The modes starting like `typed` (case-insensitive), each with its line; all when nothing is typed. */
export function permissionModeLines(typed: string): { mode: PermissionMode; text: string }[] {
  const t = typed.trim().toLowerCase();
  return PERMISSION_MODES.filter((m) => m.toLowerCase().startsWith(t)).map((mode) => ({
    mode,
    text: PERMISSION_MODE_HELP[mode],
  }));
}
