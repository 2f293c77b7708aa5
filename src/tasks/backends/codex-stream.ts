/**
 * Parser of `codex exec --json` output (one JSON object per line) into the task engine's agent
 * events. Line types: `thread.started` (the thread id, used by `codex exec resume`),
 * `turn.started`, `item.started` / `item.completed` (agent messages, commands, file changes…),
 * `error` (retries and the final API error), and the last line `turn.completed` (usage, which is
 * cumulative over the thread) or `turn.failed`. Codex streams no text deltas and marks no final
 * answer: the last agent message of the run is its result (task-state.ts keeps it).
 *
 * Every string from the stream goes through the sanitiser here, where Codex output enters
 * voice-orch. Never throws: a line that is not a known JSON object becomes a `raw` event.
 */
import { sanitizeText } from '../../shared/sanitize.js';
import { TOOL_RESULT_TEXT_MAX } from '../stream-json.js';
import { displayPath } from '../tool-summary.js';
import type { AgentEvent, AgentUsage } from '../types.js';
import { isObj, num, parseJsonLineWith, oneLineText, str, type Obj } from './stream-util.js';

const RETRY = /^Reconnecting\.\.\.\s*(\d+)\s*\/\s*(\d+)\s*(?:\((.*)\))?$/s;

/** The HTTP status in Codex's error text ("unexpected status 401 Unauthorized: …"), or null. */
export function codexErrorStatus(message: string): number | null {
  const m = /unexpected status (\d{3})\b/.exec(message);
  return m ? Number(m[1]) : null;
}

/** The command Codex ran, without its `/bin/bash -lc '…'` wrapper. */
export function unwrapCommand(command: string): string {
  const m = /^\/bin\/(?:ba)?sh -l?c '(.*)'$/s.exec(command);
  return m ? (m[1] as string).replace(/'\\''/g, "'") : command;
}

function commandEvents(item: Obj, phase: 'started' | 'completed'): AgentEvent[] {
  const id = str(item.id) ?? '';
  const command = unwrapCommand(str(item.command) ?? '');
  const status = str(item.status) ?? '';
  const use: AgentEvent = {
    type: 'tool_use',
    id,
    name: 'Bash',
    input: { command },
    summary: `Bash: ${oneLineText(command, 60)}`,
  };
  if (phase === 'started') return [use];
  const output = sanitizeText(str(item.aggregated_output) ?? '').trimEnd();
  const exit = typeof item.exit_code === 'number' ? item.exit_code : null;
  let text = output;
  if (status === 'declined') text = 'declined: the command was not run';
  else if (status === 'failed' && output === '') text = `failed${exit !== null ? ` with exit code ${exit}` : ''}`;
  const cut = text.length <= TOOL_RESULT_TEXT_MAX ? text : `${text.slice(0, TOOL_RESULT_TEXT_MAX - 1)}…`;
  return [{ type: 'tool_result', toolUseId: id, isError: status !== 'completed', text: cut }];
}

const CHANGE_VERB: Readonly<Record<string, string>> = { add: 'Write', update: 'Edit', delete: 'Delete' };

function fileChangeEvents(item: Obj, phase: 'started' | 'completed', cwd: string | undefined): AgentEvent[] {
  const id = str(item.id) ?? '';
  const changes = Array.isArray(item.changes) ? item.changes.filter(isObj) : [];
  const status = str(item.status) ?? '';
  const out: AgentEvent[] = [];
  changes.forEach((c, i) => {
    const path = sanitizeText(str(c.path) ?? '');
    const verb = CHANGE_VERB[str(c.kind) ?? ''] ?? 'Edit';
    const useId = changes.length === 1 ? id : `${id}#${i}`;
    if (phase === 'started') {
      const ev: Extract<AgentEvent, { type: 'tool_use' }> = {
        type: 'tool_use',
        id: useId,
        // Write/Edit make files-touched count the path once its result succeeds; a deletion is not a write.
        name: verb,
        input: { file_path: path, kind: str(c.kind) },
        summary: path ? `${verb} ${displayPath(path, cwd)}` : verb,
      };
      if (path && verb !== 'Delete') ev.filePath = path;
      out.push(ev);
    } else {
      out.push({
        type: 'tool_result',
        toolUseId: useId,
        isError: status !== 'completed',
        text: status === 'completed' ? `${verb.toLowerCase()} done` : `change ${status || 'failed'}`,
      });
    }
  });
  return out;
}

function itemEvents(item: Obj, phase: 'started' | 'completed', cwd: string | undefined): AgentEvent[] {
  const type = str(item.type) ?? '';
  switch (type) {
    case 'agent_message':
      return phase === 'completed' ? [{ type: 'text', text: sanitizeText(str(item.text) ?? '') }] : [];
    case 'command_execution':
      return commandEvents(item, phase);
    case 'file_change':
      return fileChangeEvents(item, phase, cwd);
    case 'error':
      return [{ type: 'api_error', status: null, errorType: 'codex', message: sanitizeText(str(item.message) ?? '') }];
    case 'mcp_tool_call': {
      const name = `${oneLineText(str(item.server) ?? 'mcp', 30)}.${oneLineText(str(item.tool) ?? 'tool', 30)}`;
      if (phase === 'started') {
        return [{ type: 'tool_use', id: str(item.id) ?? '', name, input: item.arguments, summary: name }];
      }
      const failed = item.error !== undefined && item.error !== null;
      return [
        {
          type: 'tool_result',
          toolUseId: str(item.id) ?? '',
          isError: failed || str(item.status) === 'failed',
          text: oneLineText(failed ? JSON.stringify(item.error) : (JSON.stringify(item.result) ?? ''), 200),
        },
      ];
    }
    case 'web_search':
      return phase === 'started'
        ? [
            {
              type: 'tool_use',
              id: str(item.id) ?? '',
              name: 'WebSearch',
              input: { query: str(item.query) },
              summary: `WebSearch: ${oneLineText(str(item.query) ?? '', 60)}`,
            },
          ]
        : [{ type: 'other', lineType: 'item', subtype: type }];
    default:
      return [{ type: 'other', lineType: 'item', subtype: type || 'unknown' }];
  }
}

/** Usage of a `turn.completed` line (cumulative over the thread). */
export function codexUsage(u: unknown): AgentUsage | undefined {
  if (!isObj(u)) return undefined;
  return {
    inputTokens: num(u.input_tokens),
    outputTokens: num(u.output_tokens) + num(u.reasoning_output_tokens),
    cacheCreationInputTokens: num(u.cache_write_input_tokens),
    cacheReadInputTokens: num(u.cached_input_tokens),
  };
}

function parseObject(o: Obj, cwd: string | undefined): AgentEvent[] {
  switch (o.type) {
    case 'thread.started':
      return [{ type: 'init', sessionId: str(o.thread_id) ?? '', model: 'codex' }];
    case 'turn.started':
      return [{ type: 'other', lineType: 'turn.started' }];
    case 'item.started':
    case 'item.updated':
      return isObj(o.item) ? itemEvents(o.item, 'started', cwd) : [{ type: 'other', lineType: o.type }];
    case 'item.completed':
      return isObj(o.item) ? itemEvents(o.item, 'completed', cwd) : [{ type: 'other', lineType: o.type }];
    case 'error': {
      const message = sanitizeText(str(o.message) ?? '');
      const retry = RETRY.exec(message);
      if (retry) {
        const why = retry[3] ?? '';
        return [
          {
            type: 'api_retry',
            attempt: Number(retry[1]),
            maxRetries: Number(retry[2]),
            retryDelayMs: 0,
            errorStatus: codexErrorStatus(why),
            error: oneLineText(why, 200),
          },
        ];
      }
      return [{ type: 'api_error', status: codexErrorStatus(message), message }];
    }
    case 'turn.completed': {
      const ev: Extract<AgentEvent, { type: 'result' }> = {
        type: 'result',
        subtype: 'success',
        isError: false,
        errors: [],
        turns: 1,
        costUsd: 0,
        permissionDenials: [],
        tokensOnly: true,
        cumulativeUsage: true,
      };
      const usage = codexUsage(o.usage);
      if (usage) ev.usage = usage;
      return [ev];
    }
    case 'turn.failed': {
      const err = isObj(o.error) ? o.error : {};
      const message = sanitizeText(str(err.message) ?? 'the turn failed');
      // `success` + is_error reads as an API error (outcome.ts describeResult), as Claude's do.
      return [
        {
          type: 'result',
          subtype: 'success',
          isError: true,
          text: message,
          errors: [message],
          turns: 1,
          costUsd: 0,
          apiErrorStatus: codexErrorStatus(message),
          permissionDenials: [],
          tokensOnly: true,
        },
      ];
    }
    default:
      return [{ type: 'other', lineType: typeof o.type === 'string' ? o.type : 'unknown' }];
  }
}

/** The events of one line of `codex exec --json` output (see this file's header). */
export function parseCodexLine(line: string, truncated?: boolean, cwd?: string): AgentEvent[] {
  return parseJsonLineWith(parseObject, line, truncated, cwd);
}
