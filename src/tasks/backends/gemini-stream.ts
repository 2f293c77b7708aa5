/**
 * Parser of `gemini -p … --output-format stream-json` output into the task engine's agent events.
 * Line types: `init` (session id, configured model), `message` (the user's prompt echoed, then the
 * assistant's text in streamed chunks marked `delta`), `tool_use` / `tool_result`, `error`
 * (warnings and errors), and the last line `result` (status, per-run token stats; no cost). The
 * chunks of one answer are joined into the run's result text by task-state.ts.
 *
 * Every string from the stream goes through the sanitiser here, where Gemini output enters
 * voice-orch. Never throws: a line that is not a known JSON object becomes a `raw` event.
 */
import { sanitizeText } from '../../shared/sanitize.js';
import { TOOL_RESULT_TEXT_MAX } from '../stream-json.js';
import { summarizeToolUse } from '../tool-summary.js';
import type { AgentEvent, AgentUsage } from '../types.js';
import { isObj, num, parseJsonLineWith, str, type Obj } from './stream-util.js';

/** Gemini's tool names as the table's summaries know them (tool-summary.ts). */
const TOOL_NAMES: Readonly<Record<string, string>> = {
  write_file: 'Write',
  replace: 'Edit',
  read_file: 'Read',
  run_shell_command: 'Bash',
  list_directory: 'LS',
  glob: 'Glob',
  grep_search: 'Grep',
  search_file_content: 'Grep',
  web_fetch: 'WebFetch',
  google_web_search: 'WebSearch',
};

/** Tools whose `file_path` is a file the agent wrote (counted once their result succeeds). */
const WRITE_TOOLS: ReadonlySet<string> = new Set(['write_file', 'replace']);

/** The HTTP status inside Gemini's "[API Error: {…"code":401…}]" text, or null. */
export function geminiErrorStatus(message: string): number | null {
  const m = /"code"\s*:\s*(\d{3})\b/.exec(message) ?? /\b(?:status|error)\s*:?\s*(\d{3})\b/i.exec(message);
  return m ? Number(m[1]) : null;
}

/** A person-readable message of "[API Error: {json}]": the JSON's `error.message` when there is one. */
export function geminiErrorText(message: string): string {
  const m = /^\[API Error:\s*(\{.*\})\]$/s.exec(message.trim());
  if (m) {
    try {
      const j: unknown = JSON.parse(m[1] as string);
      const inner = isObj(j) && isObj(j.error) ? str(j.error.message) : undefined;
      if (inner) return inner;
    } catch {
      // Not JSON after all: the whole text says it.
    }
  }
  return message;
}

function usageOf(stats: Obj): AgentUsage {
  return {
    inputTokens: num(stats.input_tokens),
    outputTokens: num(stats.output_tokens),
    cacheCreationInputTokens: 0,
    cacheReadInputTokens: num(stats.cached),
  };
}

function parseObject(o: Obj, cwd: string | undefined): AgentEvent[] {
  switch (o.type) {
    case 'init':
      return [{ type: 'init', sessionId: str(o.session_id) ?? '', model: sanitizeText(str(o.model) ?? '') }];
    case 'message': {
      if (o.role !== 'assistant') return [{ type: 'other', lineType: 'message', subtype: str(o.role) ?? 'user' }];
      const ev: AgentEvent = { type: 'text', text: sanitizeText(str(o.content) ?? '') };
      if (o.delta === true) ev.delta = true;
      return [ev];
    }
    case 'tool_use': {
      const tool = sanitizeText(str(o.tool_name) ?? 'tool');
      const name = TOOL_NAMES[tool] ?? tool;
      const input = o.parameters;
      const ev: Extract<AgentEvent, { type: 'tool_use' }> = {
        type: 'tool_use',
        id: str(o.tool_id) ?? '',
        name,
        input,
        summary: summarizeToolUse(name, input, cwd),
      };
      if (WRITE_TOOLS.has(tool) && isObj(input)) {
        const p = str(input.file_path);
        if (p) ev.filePath = sanitizeText(p);
      }
      return [ev];
    }
    case 'tool_result': {
      const isError = o.status !== 'success';
      const err = isObj(o.error) ? o.error : undefined;
      let text = sanitizeText(str(o.output) ?? (err ? (str(err.message) ?? '') : ''));
      if (isError && err && str(err.type)) text = `${str(err.type)}: ${text}`;
      if (text.length > TOOL_RESULT_TEXT_MAX) text = `${text.slice(0, TOOL_RESULT_TEXT_MAX - 1)}…`;
      return [{ type: 'tool_result', toolUseId: str(o.tool_id) ?? '', isError, text }];
    }
    case 'error': {
      const message = sanitizeText(str(o.message) ?? 'error');
      if (o.severity === 'warning') return [{ type: 'other', lineType: 'error', subtype: 'warning' }];
      return [{ type: 'api_error', status: null, errorType: 'gemini', message }];
    }
    case 'result': {
      const stats = isObj(o.stats) ? o.stats : {};
      const ok = o.status === 'success';
      const ev: Extract<AgentEvent, { type: 'result' }> = {
        type: 'result',
        subtype: 'success',
        isError: !ok,
        errors: [],
        turns: 1,
        costUsd: 0,
        permissionDenials: [],
        usage: usageOf(stats),
        tokensOnly: true,
      };
      if (typeof stats.duration_ms === 'number') ev.durationMs = stats.duration_ms;
      if (!ok) {
        const err = isObj(o.error) ? o.error : {};
        const raw = sanitizeText(str(err.message) ?? 'the run failed');
        ev.text = geminiErrorText(raw);
        ev.errors = [raw];
        ev.apiErrorStatus = geminiErrorStatus(raw);
      }
      return [ev];
    }
    default:
      return [{ type: 'other', lineType: typeof o.type === 'string' ? o.type : 'unknown' }];
  }
}

/** The events of one line of Gemini CLI stream-json output (see this file's header). */
export function parseGeminiLine(line: string, truncated?: boolean, cwd?: string): AgentEvent[] {
  return parseJsonLineWith(parseObject, line, truncated, cwd);
}
