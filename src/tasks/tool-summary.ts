import { isAbsolute, relative, sep } from 'node:path';
import { oneLine as oneLineOf, sanitizeLine } from '../shared/sanitize.js';

/** Longest summary hint (command, pattern, description) before it is cut with an ellipsis. */
const HINT_MAX = 60;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function oneLine(s: string, max = HINT_MAX): string {
  return oneLineOf(s, max);
}

function firstLine(s: string): string {
  const t = s.trim();
  const nl = t.indexOf('\n');
  return nl === -1 ? t : `${t.slice(0, nl)} …`;
}

function str(input: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = input[k];
    if (typeof v === 'string' && v.trim() !== '') return v;
  }
  return undefined;
}

/**
 * A path as a person wants to read it: relative to `cwd` when inside it, otherwise as given;
 * long paths keep their end ("…/deep/dir/file.ts").
 */
export function displayPath(p: string, cwd?: string): string {
  let shown = p;
  if (cwd && isAbsolute(p) && isAbsolute(cwd)) {
    const rel = relative(cwd, p);
    if (rel === '') shown = '.';
    else if (!rel.startsWith('..') && !isAbsolute(rel)) shown = rel;
  }
  shown = sanitizeLine(shown);
  if (shown.length <= HINT_MAX) return shown;
  const parts = shown.split(sep);
  let tail = parts.pop() ?? shown;
  while (parts.length > 0 && tail.length + (parts[parts.length - 1]?.length ?? 0) + 3 <= HINT_MAX) {
    tail = `${parts.pop()}${sep}${tail}`;
  }
  return tail.length + 2 <= HINT_MAX ? `…${sep}${tail}` : `…${tail.slice(-(HINT_MAX - 1))}`;
}

function host(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

/** Tool name shown for MCP tools (`mcp__server__tool` → `server.tool`). */
function toolLabel(name: string): string {
  const m = /^mcp__([^_]+(?:_[^_]+)*)__(.+)$/.exec(name);
  return m ? `${m[1]}.${m[2]}` : name;
}

/**
 * One-line human summary of a tool call, for the task table and the tail view:
 * "Edit src/auth.ts", "Bash: npm test", "Grep: TODO", "WebFetch: example.com", "Task: review auth".
 * Paths are shown relative to `cwd` when inside it. Never contains newlines or ANSI codes.
 */
export function summarizeToolUse(name: string, input: unknown, cwd?: string): string {
  const label = oneLine(toolLabel(name || 'tool'), 40);
  const inp = isRecord(input) ? input : {};
  const path = str(inp, 'file_path', 'notebook_path', 'path');
  switch (name) {
    case 'Edit':
    case 'MultiEdit':
    case 'Write':
    case 'Read':
    case 'NotebookEdit':
    case 'NotebookRead':
      return path ? `${label} ${displayPath(path, cwd)}` : label;
    case 'Bash':
    case 'BashOutput': {
      const cmd = str(inp, 'command');
      if (cmd) return `${label}: ${oneLine(firstLine(cmd))}`;
      const d = str(inp, 'description', 'bash_id');
      return d ? `${label}: ${oneLine(d)}` : label;
    }
    case 'KillShell':
    case 'KillBash':
      return label;
    case 'Grep': {
      const pat = str(inp, 'pattern');
      if (!pat) return label;
      const where = path ? ` in ${oneLine(displayPath(path, cwd), 30)}` : '';
      return `${label}: ${oneLine(pat, 40)}${where}`;
    }
    case 'Glob': {
      const pat = str(inp, 'pattern');
      return pat ? `${label}: ${oneLine(pat)}` : label;
    }
    case 'LS':
      return path ? `${label} ${displayPath(path, cwd)}` : label;
    case 'WebFetch': {
      const url = str(inp, 'url');
      return url ? `${label}: ${oneLine(host(url))}` : label;
    }
    case 'WebSearch': {
      const q = str(inp, 'query');
      return q ? `${label}: ${oneLine(q)}` : label;
    }
    case 'Task':
    case 'Agent': {
      const d = str(inp, 'description', 'prompt');
      return d ? `${label}: ${oneLine(firstLine(d))}` : label;
    }
    case 'TodoWrite': {
      const todos = Array.isArray(inp.todos) ? inp.todos : [];
      if (todos.length === 0) return `${label}: update plan`;
      const done = todos.filter((t) => isRecord(t) && t.status === 'completed').length;
      const active = todos.find((t) => isRecord(t) && t.status === 'in_progress');
      const act = isRecord(active) ? str(active, 'activeForm', 'content') : undefined;
      return `${label}: ${done}/${todos.length} done${act ? ` · ${oneLine(act, 40)}` : ''}`;
    }
    case 'ToolSearch': {
      const q = str(inp, 'query');
      return q ? `${label}: ${oneLine(q)}` : label;
    }
    case 'Skill': {
      const s = str(inp, 'skill', 'name', 'command');
      return s ? `${label}: ${oneLine(s)}` : label;
    }
    default: {
      // Unknown tools: the first short string field tells most (a path, a query, a command).
      if (path) return `${label} ${displayPath(path, cwd)}`;
      const hint = str(inp, 'description', 'command', 'query', 'pattern', 'url', 'prompt', 'name');
      if (hint) return `${label}: ${oneLine(firstLine(hint))}`;
      for (const v of Object.values(inp)) {
        if (typeof v === 'string' && v.trim() !== '') return `${label}: ${oneLine(firstLine(v), 40)}`;
      }
      return label;
    }
  }
}
