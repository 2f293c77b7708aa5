import { sanitizeText } from '../shared/sanitize.js';
import type { AgentEvent, AgentUsage } from './types.js';
import { summarizeToolUse } from './tool-summary.js';

/** Longest tool_result text kept in an event (the full output stays in the raw log line). */
export const TOOL_RESULT_TEXT_MAX = 500;

/** Tools whose `file_path`/`notebook_path` is a file the agent wrote. */
const WRITE_TOOLS: ReadonlySet<string> = new Set(['Write', 'Edit', 'MultiEdit', 'NotebookEdit']);

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function s(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/**
 * Text the agent wrote, cleaned by the one sanitiser: this parser is where agent stdout enters
 * voice-orch, so no event carries an escape sequence or control character.
 */
function text(v: unknown): string | undefined {
  return typeof v === 'string' ? sanitizeText(v) : undefined;
}

function n(v: unknown, fallback = 0): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

function nOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function cutText(t: string, max: number): string {
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}

/** Text of a tool_result `content`: a string, or text blocks joined (images noted, not inlined). */
function flattenContent(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const parts: string[] = [];
  for (const block of content) {
    if (typeof block === 'string') parts.push(block);
    else if (isObj(block)) {
      if (typeof block.text === 'string') parts.push(block.text);
      else if (block.type === 'image') parts.push('[image]');
      else if (typeof block.type === 'string') parts.push(`[${block.type}]`);
    }
  }
  return parts.join('\n');
}

/** The CLI wraps tool failures in `<tool_use_error>` tags; a person needs only the text inside. */
const TOOL_ERROR_TAG = /<\/?tool_use_error>/g;

const INTERRUPTED = /^\[Request interrupted by user[^\]]*\]/;

function parseSystem(o: Obj): AgentEvent[] {
  const subtype = s(o.subtype);
  switch (subtype) {
    case 'init': {
      const ev: Extract<AgentEvent, { type: 'init' }> = {
        type: 'init',
        sessionId: s(o.session_id) ?? '',
        model: text(o.model) ?? '',
      };
      const cwd = text(o.cwd);
      if (cwd !== undefined) ev.cwd = cwd;
      const pm = s(o.permissionMode);
      if (pm !== undefined) ev.permissionMode = pm;
      if (Array.isArray(o.tools)) ev.tools = o.tools.filter((t): t is string => typeof t === 'string');
      return [ev];
    }
    case 'api_retry':
      return [
        {
          type: 'api_retry',
          attempt: n(o.attempt),
          maxRetries: n(o.max_retries),
          retryDelayMs: n(o.retry_delay_ms),
          errorStatus: nOrNull(o.error_status),
          error: text(o.error) ?? '',
        },
      ];
    case 'permission_denied': {
      const ev: Extract<AgentEvent, { type: 'permission_denied' }> = {
        type: 'permission_denied',
        toolName: text(o.tool_name) ?? 'tool',
        message: text(o.message) ?? 'permission denied',
      };
      const id = s(o.tool_use_id);
      if (id !== undefined) ev.toolUseId = id;
      return [ev];
    }
    default: {
      const ev: Extract<AgentEvent, { type: 'other' }> = { type: 'other', lineType: 'system' };
      if (subtype !== undefined) ev.subtype = subtype;
      return [ev];
    }
  }
}

function parseAssistant(o: Obj, cwd: string | undefined): AgentEvent[] {
  const msg = isObj(o.message) ? o.message : {};
  const content = Array.isArray(msg.content) ? msg.content : [];
  const isApiError = o.is_api_error_message === true || (msg.model === '<synthetic>' && typeof o.error === 'string');
  if (isApiError) {
    const message = sanitizeText(flattenContent(content)).trim();
    const ev: Extract<AgentEvent, { type: 'api_error' }> = {
      type: 'api_error',
      status: nOrNull(o.api_error_status),
      message: message || text(o.error) || 'API error',
    };
    const et = text(o.api_error_type) ?? text(o.error);
    if (et !== undefined) ev.errorType = et;
    return [ev];
  }
  const aborted = o.aborted === true;
  const out: AgentEvent[] = [];
  for (const block of content) {
    if (!isObj(block)) continue;
    if (block.type === 'text' && typeof block.text === 'string') {
      const t = sanitizeText(block.text);
      out.push(aborted ? { type: 'text', text: t, aborted: true } : { type: 'text', text: t });
    } else if (block.type === 'tool_use') {
      const name = text(block.name) ?? 'tool';
      const input = block.input;
      const ev: Extract<AgentEvent, { type: 'tool_use' }> = {
        type: 'tool_use',
        id: s(block.id) ?? '',
        name,
        input,
        summary: summarizeToolUse(name, input, cwd),
      };
      if (WRITE_TOOLS.has(name) && isObj(input)) {
        const p = text(input.file_path) ?? text(input.notebook_path);
        if (p) ev.filePath = p;
      }
      out.push(ev);
    } else if (typeof block.type === 'string') {
      // thinking, redacted_thinking, server tool blocks: nothing to show.
      out.push({ type: 'other', lineType: 'assistant', subtype: block.type });
    }
  }
  const usage = parseUsage(msg.usage);
  const messageId = s(msg.id);
  // The live estimate's input; it renders to nothing and follows the message's content.
  if (usage && messageId !== undefined) out.push({ type: 'usage', messageId, model: s(msg.model) ?? '', usage });
  return out.length > 0 ? out : [{ type: 'other', lineType: 'assistant' }];
}

function parseUser(o: Obj): AgentEvent[] {
  const msg = isObj(o.message) ? o.message : {};
  const content: unknown[] = Array.isArray(msg.content)
    ? msg.content
    : typeof msg.content === 'string'
      ? [msg.content]
      : [];
  const out: AgentEvent[] = [];
  for (const block of content) {
    if (typeof block === 'string' || (isObj(block) && block.type === 'text' && typeof block.text === 'string')) {
      const said = sanitizeText(typeof block === 'string' ? block : (block.text as string));
      if (INTERRUPTED.test(said)) out.push({ type: 'interrupted', text: said });
      // Other user text is the prompt echoed back (--replay-user-messages): nothing new.
      else out.push({ type: 'other', lineType: 'user', subtype: o.isReplay === true ? 'replay' : 'text' });
    } else if (isObj(block) && block.type === 'tool_result') {
      out.push({
        type: 'tool_result',
        toolUseId: s(block.tool_use_id) ?? '',
        isError: block.is_error === true,
        text: cutText(sanitizeText(flattenContent(block.content)).replace(TOOL_ERROR_TAG, ''), TOOL_RESULT_TEXT_MAX),
      });
    }
  }
  return out.length > 0 ? out : [{ type: 'other', lineType: 'user' }];
}

function parseUsage(u: unknown): AgentUsage | undefined {
  if (!isObj(u)) return undefined;
  return {
    inputTokens: n(u.input_tokens),
    outputTokens: n(u.output_tokens),
    cacheCreationInputTokens: n(u.cache_creation_input_tokens),
    cacheReadInputTokens: n(u.cache_read_input_tokens),
  };
}

function parseResult(o: Obj): AgentEvent[] {
  const ev: Extract<AgentEvent, { type: 'result' }> = {
    type: 'result',
    subtype: s(o.subtype) ?? 'unknown',
    isError: o.is_error === true,
    errors: Array.isArray(o.errors)
      ? o.errors.map((e) => sanitizeText(typeof e === 'string' ? e : (JSON.stringify(e) ?? '')))
      : [],
    turns: n(o.num_turns),
    costUsd: n(o.total_cost_usd),
    permissionDenials: [],
  };
  const result = text(o.result);
  if (result !== undefined) ev.text = result;
  if (typeof o.duration_ms === 'number') ev.durationMs = o.duration_ms;
  const usage = parseUsage(o.usage);
  if (usage) ev.usage = usage;
  const tr = s(o.terminal_reason);
  if (tr !== undefined) ev.terminalReason = tr;
  if ('api_error_status' in o) ev.apiErrorStatus = nOrNull(o.api_error_status);
  const sid = s(o.session_id);
  if (sid !== undefined) ev.sessionId = sid;
  if (Array.isArray(o.permission_denials)) {
    for (const d of o.permission_denials) {
      if (!isObj(d)) continue;
      const denial: { toolName: string; toolUseId?: string } = { toolName: text(d.tool_name) ?? 'tool' };
      const id = s(d.tool_use_id);
      if (id !== undefined) denial.toolUseId = id;
      ev.permissionDenials.push(denial);
    }
  }
  return [ev];
}

function parseStreamEvent(o: Obj): AgentEvent[] {
  const e = isObj(o.event) ? o.event : undefined;
  const et = e ? s(e.type) : undefined;
  if (
    e &&
    et === 'content_block_delta' &&
    isObj(e.delta) &&
    e.delta.type === 'text_delta' &&
    typeof e.delta.text === 'string'
  ) {
    return [{ type: 'partial_text', text: sanitizeText(e.delta.text) }];
  }
  const ev: Extract<AgentEvent, { type: 'other' }> = { type: 'other', lineType: 'stream_event' };
  if (et !== undefined) ev.subtype = et;
  return [ev];
}

// Module level on purpose: a closure per parsed line costs measurable time at 100k+ lines/s.
function rawEvents(line: string, truncated: boolean | undefined): AgentEvent[] {
  const clean = sanitizeText(line);
  return [truncated ? { type: 'raw', text: clean, truncated: true } : { type: 'raw', text: clean }];
}

/**
 * Parses one line of `claude -p --output-format stream-json --verbose` output into events.
 * A line that is not a JSON object with a string `type` becomes one `raw` event (keeping
 * `truncated`, e.g. a line cut at the splitter's cap). Never throws.
 *
 * @param cwd the run's working directory, so tool summaries show project-relative paths.
 */
export function parseStreamJsonLine(line: string, truncated?: boolean, cwd?: string): AgentEvent[] {
  // Fast path: only JSON objects are stream-json lines; skip JSON.parse for everything else.
  let i = 0;
  while (i < line.length && (line.charCodeAt(i) === 0x20 || line.charCodeAt(i) === 0x09)) i++;
  if (line.charCodeAt(i) !== 0x7b /* { */ || truncated) return rawEvents(line, truncated);
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return rawEvents(line, truncated);
  }
  if (!isObj(o) || typeof o.type !== 'string') return rawEvents(line, truncated);
  try {
    switch (o.type) {
      case 'system':
        return parseSystem(o);
      case 'assistant':
        return parseAssistant(o, cwd);
      case 'user':
        return parseUser(o);
      case 'result':
        return parseResult(o);
      case 'stream_event':
        return parseStreamEvent(o);
      default: {
        const ev: Extract<AgentEvent, { type: 'other' }> = { type: 'other', lineType: o.type };
        const st = s(o.subtype);
        if (st !== undefined) ev.subtype = st;
        return [ev];
      }
    }
  } catch {
    // Defensive: a shape no branch expected (e.g. a getter-free but odd structure) is shown raw.
    return rawEvents(line, truncated);
  }
}
