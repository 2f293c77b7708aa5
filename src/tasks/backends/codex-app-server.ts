/**
 * The approval host's driver for `codex app-server` (JSON-RPC over stdio; observed exchanges in
 * test/fixtures/codex-cli/appserver-*.exchange.jsonl): `initialize`, `initialized`, then
 * `thread/start` {cwd, approvalPolicy: "on-request", sandbox} — or `thread/resume` {threadId} for a
 * follow-up — and `turn/start` {threadId, input}. Its notifications are written to the task log as
 * the `codex exec --json` lines codex-stream.ts reads (`thread.started`, `item.started` /
 * `item.completed` with snake_case items, `error`, and the last line `turn.completed` with the
 * thread's cumulative usage or `turn.failed`). Its approval requests
 * (`item/commandExecution/requestApproval`, `item/fileChange/requestApproval`) become permission
 * requests named like Claude's tools (Bash with the command, Write/Edit with the file), so they
 * read and match "always allow" rules the same way; allow → `accept`, deny → `decline`.
 * Any other request from the agent is answered "not served" (it then goes on without).
 */
import { agentGone, type HostContext, type HostDriver } from './approval-host.js';
import { unwrapCommand } from './codex-stream.js';
import { RpcMethodUnknown } from './json-rpc-peer.js';
import { isObj, num, str, type Obj } from './stream-util.js';

const STATUS: Readonly<Record<string, string>> = {
  inProgress: 'in_progress',
  completed: 'completed',
  failed: 'failed',
  declined: 'declined',
};

function changeKind(k: unknown): string {
  if (typeof k === 'string') return k;
  return isObj(k) ? (str(k.type) ?? 'update') : 'update';
}

/** An app-server item in `exec --json` form, or undefined for items the log does not show. */
export function execItem(item: Obj): Obj | undefined {
  const id = str(item.id) ?? '';
  const status = STATUS[str(item.status) ?? ''] ?? str(item.status);
  switch (item.type) {
    case 'agentMessage':
      return { id, type: 'agent_message', text: str(item.text) ?? '' };
    case 'commandExecution':
      return {
        id,
        type: 'command_execution',
        command: str(item.command) ?? '',
        aggregated_output: str(item.aggregatedOutput) ?? '',
        exit_code: typeof item.exitCode === 'number' ? item.exitCode : null,
        status,
      };
    case 'fileChange': {
      const changes = Array.isArray(item.changes) ? item.changes.filter(isObj) : [];
      return {
        id,
        type: 'file_change',
        changes: changes.map((c) => ({ path: str(c.path) ?? '', kind: changeKind(c.kind) })),
        status,
      };
    }
    case 'mcpToolCall':
      return {
        id,
        type: 'mcp_tool_call',
        server: str(item.server),
        tool: str(item.tool),
        arguments: item.arguments,
        result: item.result,
        error: item.error,
        status,
      };
    case 'webSearch':
      return { id, type: 'web_search', query: str(item.query) };
    default:
      return undefined;
  }
}

/** Snake-case usage of a `thread/tokenUsage/updated` total, as `turn.completed` carries it. */
function execUsage(total: Obj): Obj {
  return {
    input_tokens: num(total.inputTokens),
    cached_input_tokens: num(total.cachedInputTokens),
    cache_write_input_tokens: num(total.cacheWriteInputTokens),
    output_tokens: num(total.outputTokens),
    reasoning_output_tokens: num(total.reasoningOutputTokens),
  };
}

/** The permission request of a file change: Write for a new file, Edit otherwise. */
function fileChangeRequest(item: Obj | undefined): { toolName: string; input: Record<string, unknown> } {
  const changes = item !== undefined && Array.isArray(item.changes) ? item.changes.filter(isObj) : [];
  const first = changes[0];
  const path = first !== undefined ? (str(first.path) ?? '?') : '?';
  const add = first !== undefined && changeKind(first.kind) === 'add';
  const diff = first !== undefined ? (str(first.diff) ?? '') : '';
  const input: Record<string, unknown> = { file_path: path };
  if (add) input.content = diff;
  else input.diff = diff;
  if (changes.length > 1) input.other_files = changes.slice(1).map((c) => str(c.path) ?? '?');
  return { toolName: add ? 'Write' : 'Edit', input };
}

/** See this file's header. */
export const codexAppServer: HostDriver = async (ctx: HostContext) => {
  const { rpc, spec, emit } = ctx;
  const fileItems = new Map<string, Obj>();
  let usage: Obj | undefined;
  let turnEnded: (params: Obj) => void = () => {};
  const turnDone = new Promise<Obj>((resolve) => {
    turnEnded = resolve;
  });
  rpc.onNotification = (method, params) => {
    if (!isObj(params)) return;
    if (method === 'item/started' || method === 'item/completed') {
      if (!isObj(params.item)) return;
      if (params.item.type === 'fileChange') fileItems.set(str(params.item.id) ?? '', params.item);
      const item = execItem(params.item);
      // An agent message is shown once it is complete (exec --json has no started message).
      if (item === undefined || (method === 'item/started' && item.type === 'agent_message')) return;
      emit({ type: method === 'item/started' ? 'item.started' : 'item.completed', item });
    } else if (method === 'thread/tokenUsage/updated') {
      const t = isObj(params.tokenUsage) ? params.tokenUsage.total : undefined;
      if (isObj(t)) usage = execUsage(t);
    } else if (method === 'error') {
      const err = isObj(params.error) ? params.error : params;
      const message = str(err.message) ?? 'error';
      if (params.willRetry !== true) emit({ type: 'error', message });
    } else if (method === 'turn/completed') {
      turnEnded(params);
    }
  };
  rpc.onRequest = async (method, params) => {
    const p = isObj(params) ? params : {};
    const itemId = str(p.itemId) ?? '';
    let decision;
    if (method === 'item/commandExecution/requestApproval') {
      const input: Record<string, unknown> = { command: unwrapCommand(str(p.command) ?? '?') };
      if (str(p.reason)) input.description = str(p.reason);
      decision = await ctx.ask('Bash', input, itemId);
    } else if (method === 'item/fileChange/requestApproval') {
      const { toolName, input } = fileChangeRequest(fileItems.get(itemId));
      if (str(p.reason)) input.description = str(p.reason);
      decision = await ctx.ask(toolName, input, itemId);
    } else {
      // Not served: the agent treats the error as a refusal and goes on.
      throw new RpcMethodUnknown();
    }
    return { decision: decision.behavior === 'allow' ? 'accept' : 'decline' };
  };

  const init = await rpc.request('initialize', {
    clientInfo: { name: 'voice-orch', title: 'voice-orch', version: '1' },
    capabilities: null,
  });
  if (!init.ok) return fail(ctx, { ...init, message: `codex app-server did not start: ${init.message}` });
  rpc.notify('initialized');
  const threadParams: Obj = { cwd: ctx.cwd, approvalPolicy: 'on-request', sandbox: spec.sandbox ?? 'workspace-write' };
  if (spec.model !== undefined) threadParams.model = spec.model;
  const thread =
    spec.resumeId !== undefined
      ? await rpc.request('thread/resume', { ...threadParams, threadId: spec.resumeId })
      : await rpc.request('thread/start', threadParams);
  if (!thread.ok) return fail(ctx, thread);
  const t = isObj(thread.result) && isObj(thread.result.thread) ? thread.result.thread : {};
  const threadId = str(t.id) ?? spec.resumeId ?? '';
  emit({ type: 'thread.started', thread_id: threadId });
  const turnParams: Obj = { threadId, input: [{ type: 'text', text: spec.prompt, text_elements: [] }] };
  if (spec.effort !== undefined) turnParams.effort = spec.effort;
  const turn = await rpc.request('turn/start', turnParams);
  if (!turn.ok) return fail(ctx, turn);
  emit({ type: 'turn.started' });
  const ended = await Promise.race([turnDone, rpc.gone.then(() => undefined)]);
  if (ended === undefined) return fail(ctx, { message: await rpc.gone, gone: true });
  const done = isObj(ended.turn) ? ended.turn : {};
  if (done.status === 'completed') {
    emit(usage !== undefined ? { type: 'turn.completed', usage } : { type: 'turn.completed' });
    return 0;
  }
  const err = isObj(done.error) ? done.error : {};
  const why = str(err.message) ?? (done.status === 'interrupted' ? 'the turn was interrupted' : 'the turn failed');
  emit({ type: 'turn.failed', error: { message: why } });
  return 1;
};

function fail(ctx: HostContext, reply: { message: string; gone?: boolean }): number {
  if (reply.gone === true) return agentGone(`codex app-server ended before its turn did (${reply.message})`);
  const message = reply.message;
  ctx.emit({ type: 'turn.failed', error: { message } });
  return 1;
}
