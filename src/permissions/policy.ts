/**
 * What voice-orch decides by itself about a request: the high-risk list (a voice "allow" of such
 * a request needs a key press instead) and the "always allow" rules the user made with `A`, kept
 * per task for its session (never written into the project's settings files).
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { PendingRequest } from './broker.js';

type Req = Pick<PendingRequest, 'toolName' | 'input'>;

/** The default high-risk patterns for Bash commands (name → pattern). */
export const DEFAULT_HIGH_RISK: readonly { name: string; pattern: RegExp }[] = [
  { name: 'recursive delete', pattern: /\brm\s+(-[a-zA-Z]*[rR][a-zA-Z]*|--recursive)\b/ },
  { name: 'git push', pattern: /\bgit\s+(\S+\s+)*push\b/ },
  { name: 'git reset --hard', pattern: /\bgit\s+reset\s+(\S+\s+)*--hard\b/ },
  { name: 'sudo', pattern: /(^|[\s;&|(])sudo\b/ },
  { name: 'a download piped into a shell', pattern: /\b(curl|wget)\b[^|]*\|\s*(sudo\s+)?(ba|z|da|k)?sh\b/ },
  { name: 'chmod -R', pattern: /\bchmod\s+(\S+\s+)*-[a-zA-Z]*R/ },
  { name: 'chown -R', pattern: /\bchown\s+(\S+\s+)*-[a-zA-Z]*R/ },
  { name: 'dd', pattern: /(^|[\s;&|(])dd\s/ },
  { name: 'mkfs', pattern: /\bmkfs(\.\w+)?\b/ },
];

const FILE_TOOLS = new Set(['Edit', 'MultiEdit', 'Write', 'NotebookEdit']);

function filePath(req: Req): string | undefined {
  const p = req.input.file_path ?? req.input.notebook_path;
  return typeof p === 'string' ? p : undefined;
}

function inside(dir: string, p: string): boolean {
  const rel = relative(dir, resolve(dir, p));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Why a request is high-risk (a phrase), or undefined. `extra` adds configured patterns. */
export function riskOf(req: Req, projectDir: string | undefined, extra: readonly string[] = []): string | undefined {
  if (req.toolName === 'Bash' && typeof req.input.command === 'string') {
    const cmd = req.input.command;
    for (const r of DEFAULT_HIGH_RISK) if (r.pattern.test(cmd)) return r.name;
    for (const s of extra) if (s !== '' && cmd.includes(s)) return `"${s}"`;
  }
  if (FILE_TOOLS.has(req.toolName)) {
    const p = filePath(req);
    if (p !== undefined && (projectDir === undefined || !inside(projectDir, p)))
      return "a write outside the task's folder";
  }
  return undefined;
}

/** An "always allow" rule of one task. */
export interface AllowRule {
  task: number;
  toolName: string;
  /** Bash: the command prefix; file tools: the folder; others: undefined (the whole tool). */
  scope?: string;
}

/** The rule `A` makes from a request: the command's prefix, the file's folder, or the tool. */
export function ruleFor(task: number, req: Req, projectDir: string | undefined): AllowRule {
  if (req.toolName === 'Bash' && typeof req.input.command === 'string') {
    const words = req.input.command.trim().split(/\s+/);
    // `npm test`, `git status`: the program and its sub-command; a flag or path ends the prefix.
    const second = words[1];
    const prefix = second !== undefined && /^[a-z][\w:-]*$/.test(second) ? `${words[0]} ${second}` : (words[0] ?? '');
    return { task, toolName: 'Bash', scope: prefix };
  }
  const p = filePath(req);
  if (FILE_TOOLS.has(req.toolName) && p !== undefined) {
    return { task, toolName: 'Edit', scope: dirname(resolve(projectDir ?? '/', p)) };
  }
  return { task, toolName: req.toolName };
}

/** Whether a rule covers a request (never a high-risk one, never a question or a plan). */
export function ruleMatches(rule: AllowRule, task: number, req: Req, projectDir: string | undefined): boolean {
  if (rule.task !== task || riskOf(req, projectDir) !== undefined) return false;
  if (req.toolName === 'AskUserQuestion' || req.toolName === 'ExitPlanMode') return false;
  if (rule.toolName === 'Bash') {
    if (req.toolName !== 'Bash' || typeof req.input.command !== 'string' || rule.scope === undefined) return false;
    const cmd = req.input.command.trim();
    // A chained command could hide anything after the prefix.
    if (/[;&|`$<>]/.test(cmd)) return false;
    return cmd === rule.scope || cmd.startsWith(`${rule.scope} `);
  }
  if (rule.toolName === 'Edit') {
    const p = filePath(req);
    return FILE_TOOLS.has(req.toolName) && p !== undefined && rule.scope !== undefined && inside(rule.scope, p);
  }
  return rule.toolName === req.toolName;
}

/** A rule in words ("`npm test` commands", "edits in src/"). */
export function ruleText(rule: AllowRule): string {
  if (rule.toolName === 'Bash') return `\`${rule.scope ?? ''}\` commands`;
  if (rule.toolName === 'Edit') return `edits in ${rule.scope ?? '?'}`;
  return `${rule.toolName} requests`;
}
