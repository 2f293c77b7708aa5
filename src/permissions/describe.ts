/**
 * What a permission request asks, in voice-orch's own words: the CLI sends only the tool's name
 * and input, so the short reason in the table ("wants to run `npm test`", "asks: Which
 * database?") and the full text of the detail view are written here. Everything quoted from the
 * input is agent output: sanitised for the screen here, fenced by whoever gives it to the model.
 */
import { relative, isAbsolute } from 'node:path';
import { oneLine, sanitizeText } from '../shared/sanitize.js';
import type { PendingRequest } from './broker.js';

/** One question of an AskUserQuestion request. */
export interface QuestionView {
  question: string;
  options: string[];
  multiSelect: boolean;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The questions of an AskUserQuestion request (empty for other tools). */
export function questionsOf(req: Pick<PendingRequest, 'toolName' | 'input'>): QuestionView[] {
  if (req.toolName !== 'AskUserQuestion' || !Array.isArray(req.input.questions)) return [];
  return req.input.questions.flatMap((q: unknown) => {
    if (q === null || typeof q !== 'object') return [];
    const o = q as Record<string, unknown>;
    const question = str(o.question);
    if (question === undefined) return [];
    const options = Array.isArray(o.options)
      ? o.options.flatMap((x: unknown) => {
          const label = x !== null && typeof x === 'object' ? str((x as Record<string, unknown>).label) : undefined;
          return label === undefined ? [] : [label];
        })
      : [];
    return [{ question, options, multiSelect: o.multiSelect === true }];
  });
}

function shownPath(p: string, projectDir: string | undefined): string {
  if (projectDir === undefined || !isAbsolute(p)) return p;
  const rel = relative(projectDir, p);
  return rel.startsWith('..') || isAbsolute(rel) ? p : rel;
}

/** The reason in the table row, raw (callers sanitise or fence it). */
export function rawReason(req: Pick<PendingRequest, 'toolName' | 'input'>, projectDir?: string): string {
  const i = req.input;
  switch (req.toolName) {
    case 'Bash':
      return `wants to run \`${str(i.command) ?? '?'}\``;
    case 'Edit':
    case 'MultiEdit':
    case 'Write':
    case 'NotebookEdit': {
      const path = str(i.file_path) ?? str(i.notebook_path) ?? '?';
      return `wants to ${req.toolName === 'Write' ? 'write' : 'edit'} ${shownPath(path, projectDir)}`;
    }
    case 'AskUserQuestion':
      return `asks: ${questionsOf(req)[0]?.question ?? '?'}`;
    case 'ExitPlanMode':
      return 'plan ready for approval';
    case 'WebFetch':
      return `wants to fetch ${str(i.url) ?? '?'}`;
    default:
      // Gemini's other tools come as "gemini <kind>" with the agent's own title (gemini-acp.ts).
      if (req.toolName.startsWith('gemini ') && str(i.title))
        return `wants to ${req.toolName.slice(7)}: ${str(i.title)}`;
      return `wants to use ${req.toolName}`;
  }
}

/** The reason for the table row: one sanitised line. */
export function requestReason(req: Pick<PendingRequest, 'toolName' | 'input'>, projectDir?: string): string {
  return oneLine(rawReason(req, projectDir), 200);
}

/** The whole request for the detail view: the command, the edit, the numbered options or the plan (sanitised). */
export function requestDetail(req: Pick<PendingRequest, 'toolName' | 'input'>, projectDir?: string): string {
  const i = req.input;
  const lines = [rawReason(req, projectDir)];
  if (req.toolName === 'Bash') {
    lines.push('', str(i.command) ?? '');
    if (str(i.description)) lines.push('', `(${str(i.description)})`);
  } else if (req.toolName === 'Edit' && typeof i.diff === 'string') {
    // A Codex file change carries its unified diff and the model's reason (codex-app-server.ts).
    lines.push('', ...i.diff.split('\n'));
    if (str(i.description)) lines.push('', `(${str(i.description)})`);
  } else if (req.toolName === 'Edit') {
    lines.push('', ...(str(i.old_string) ?? '').split('\n').map((l) => `- ${l}`));
    lines.push(...(str(i.new_string) ?? '').split('\n').map((l) => `+ ${l}`));
  } else if (req.toolName === 'Write') {
    lines.push('', ...(str(i.content) ?? '').split('\n').map((l) => `+ ${l}`));
  } else if (req.toolName === 'AskUserQuestion') {
    for (const q of questionsOf(req)) {
      lines.push('', q.question + (q.multiSelect ? ' (pick several, then Enter)' : ''));
      q.options.forEach((o, n) => lines.push(`  ${n + 1}. ${o}`));
    }
  } else if (req.toolName === 'ExitPlanMode') {
    lines.push('', str(i.plan) ?? '(no plan text)');
  } else {
    lines.push('', JSON.stringify(i, null, 2));
  }
  return sanitizeText(lines.join('\n'));
}
