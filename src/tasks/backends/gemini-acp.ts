/**
 * The approval host's driver for `gemini --acp` (Agent Client Protocol, JSON-RPC over stdio;
 * observed exchanges in test/fixtures/gemini-cli/acp-*.exchange.jsonl): `initialize`, then
 * `session/new` {cwd, mcpServers: []} — or `session/load` {sessionId, …} for a follow-up, whose
 * replayed history is not logged again — and `session/prompt`, which returns when the turn ends
 * ({stopReason, _meta.quota.token_count}). Its `session/update` notifications are written to the
 * task log as the `--output-format stream-json` lines gemini-stream.ts reads (`init`, `message`
 * deltas, `tool_use`, `tool_result`, and the last line `result`). `session/request_permission`
 * becomes a permission request named like Claude's tools (Bash with the command, Write/Edit with
 * the file and its diff); allow picks the agent's "allow once" option, deny its "reject once"
 * (Gemini then sends no update for the tool, so the host logs the refusal itself).
 */
import { agentGone, type HostContext, type HostDriver } from './approval-host.js';
import { RpcMethodUnknown } from './json-rpc-peer.js';
import { isObj, str, type Obj } from './stream-util.js';

/** A tool call as a stream-json `tool_use` line (Gemini's own tool names). */
export function toolUseLine(call: Obj): Obj {
  const id = str(call.toolCallId) ?? '';
  const title = str(call.title) ?? '';
  const locations = Array.isArray(call.locations) ? call.locations.filter(isObj) : [];
  const where = str(locations[0]?.path);
  const diff = Array.isArray(call.content) ? call.content.filter(isObj).find((c) => c.type === 'diff') : undefined;
  const line = (tool_name: string, parameters: Obj): Obj => ({ type: 'tool_use', tool_name, tool_id: id, parameters });
  switch (call.kind) {
    case 'execute':
      return line('run_shell_command', { command: title });
    case 'edit': {
      const path = str(diff?.path) ?? where ?? title;
      const oldText = str(diff?.oldText) ?? '';
      return oldText === ''
        ? line('write_file', { file_path: path, content: str(diff?.newText) ?? '' })
        : line('replace', { file_path: path, old_string: oldText, new_string: str(diff?.newText) ?? '' });
    }
    case 'read':
      return line('read_file', { file_path: where ?? title });
    case 'search':
      return line('grep_search', { pattern: title });
    case 'fetch':
      return line('web_fetch', { prompt: title });
    default:
      return line(str(call.kind) ?? 'tool', { title });
  }
}

/** The permission request of a tool call: Claude's tool names where they mean the same. */
export function permissionOf(call: Obj): { toolName: string; input: Record<string, unknown> } {
  const use = toolUseLine(call);
  const p = isObj(use.parameters) ? use.parameters : {};
  switch (use.tool_name) {
    case 'run_shell_command':
      return { toolName: 'Bash', input: { command: p.command } };
    case 'write_file':
      return { toolName: 'Write', input: { file_path: p.file_path, content: p.content } };
    case 'replace':
      return {
        toolName: 'Edit',
        input: { file_path: p.file_path, old_string: p.old_string, new_string: p.new_string },
      };
    default:
      // By the agent's kind (read, search, fetch, delete, move…) and its own title.
      return { toolName: `gemini ${str(call.kind) ?? 'tool'}`, input: { title: str(call.title) ?? '' } };
  }
}

function textOf(content: unknown): string {
  if (!Array.isArray(content)) return '';
  return content
    .filter(isObj)
    .map((c) => (isObj(c.content) ? (str(c.content.text) ?? '') : ''))
    .filter((t) => t !== '')
    .join('\n');
}

function optionOf(options: unknown, kinds: readonly string[]): string | undefined {
  const list = Array.isArray(options) ? options.filter(isObj) : [];
  for (const kind of kinds) {
    const o = list.find((x) => x.kind === kind);
    if (o !== undefined) return str(o.optionId);
  }
  return undefined;
}

/** See this file's header. */
export const geminiAcp: HostDriver = async (ctx: HostContext) => {
  const { rpc, spec, emit } = ctx;
  const shown = new Set<string>();
  let live = false;
  const showUse = (call: Obj): void => {
    const id = str(call.toolCallId) ?? '';
    if (shown.has(id)) return;
    shown.add(id);
    emit(toolUseLine(call));
  };
  rpc.onNotification = (method, params) => {
    if (method !== 'session/update' || !live || !isObj(params) || !isObj(params.update)) return;
    const u = params.update;
    if (u.sessionUpdate === 'agent_message_chunk' && isObj(u.content)) {
      const text = str(u.content.text);
      if (text) emit({ type: 'message', role: 'assistant', content: text, delta: true });
    } else if (u.sessionUpdate === 'tool_call') {
      showUse(u);
    } else if (u.sessionUpdate === 'tool_call_update' && (u.status === 'completed' || u.status === 'failed')) {
      if (typeof u.kind === 'string') showUse(u);
      const id = str(u.toolCallId) ?? '';
      const output = textOf(u.content);
      emit(
        u.status === 'completed'
          ? { type: 'tool_result', tool_id: id, status: 'success', output }
          : {
              type: 'tool_result',
              tool_id: id,
              status: 'error',
              error: { type: 'failed', message: output || 'failed' },
            },
      );
    }
  };
  rpc.onRequest = async (method, params) => {
    if (method !== 'session/request_permission' || !isObj(params) || !isObj(params.toolCall)) {
      throw new RpcMethodUnknown();
    }
    const call = params.toolCall;
    showUse(call);
    const { toolName, input } = permissionOf(call);
    const decision = await ctx.ask(toolName, input, str(call.toolCallId) ?? '');
    const allow = decision.behavior === 'allow';
    const optionId = allow
      ? optionOf(params.options, ['allow_once', 'allow_always'])
      : optionOf(params.options, ['reject_once', 'reject_always']);
    if (!allow) {
      emit({
        type: 'tool_result',
        tool_id: str(call.toolCallId) ?? '',
        status: 'error',
        error: { type: 'declined', message: decision.message ?? 'the user declined it' },
      });
    }
    return optionId === undefined
      ? { outcome: { outcome: 'cancelled' } }
      : { outcome: { outcome: 'selected', optionId } };
  };

  const init = await rpc.request('initialize', {
    protocolVersion: 1,
    clientCapabilities: { fs: { readTextFile: false, writeTextFile: false }, terminal: false },
  });
  if (!init.ok) return fail(ctx, { ...init, message: `gemini --acp did not start: ${init.message}` });
  const session =
    spec.resumeId !== undefined
      ? await rpc.request('session/load', { sessionId: spec.resumeId, cwd: ctx.cwd, mcpServers: [] })
      : await rpc.request('session/new', { cwd: ctx.cwd, mcpServers: [] });
  if (!session.ok) return fail(ctx, session);
  const r = isObj(session.result) ? session.result : {};
  const sessionId = str(r.sessionId) ?? spec.resumeId ?? '';
  const models = isObj(r.models) ? r.models : {};
  emit({ type: 'init', session_id: sessionId, model: spec.model ?? str(models.currentModelId) ?? 'gemini' });
  emit({ type: 'message', role: 'user', content: spec.prompt });
  live = true;
  const started = Date.now();
  const turn = await rpc.request('session/prompt', { sessionId, prompt: [{ type: 'text', text: spec.prompt }] });
  if (!turn.ok) return fail(ctx, turn);
  const res = isObj(turn.result) ? turn.result : {};
  const meta = isObj(res._meta) && isObj(res._meta.quota) ? res._meta.quota : {};
  const count = isObj(meta.token_count) ? meta.token_count : {};
  const stats = { ...count, duration_ms: Date.now() - started };
  if (res.stopReason === 'end_turn') {
    emit({ type: 'result', status: 'success', stats });
    return 0;
  }
  const why = `the turn stopped: ${str(res.stopReason) ?? 'unknown reason'}`;
  emit({ type: 'result', status: 'error', error: { type: 'stopped', message: why }, stats });
  return 1;
};

function fail(ctx: HostContext, reply: { message: string; gone?: boolean }): number {
  if (reply.gone === true) return agentGone(`gemini --acp ended before its turn did (${reply.message})`);
  const message = reply.message;
  ctx.emit({ type: 'result', status: 'error', error: { type: 'acp', message } });
  return 1;
}
