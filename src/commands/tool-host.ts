/**
 * The voice session's view of the command layer: tools from the registry, tool calls dispatched
 * with source 'voice', and a compact task board. Nothing here throws: every failure becomes a
 * short sentence the model can say.
 */
import { errorText } from '../shared/errors.js';
import type { ToolHost } from '../session/types.js';
import { dispatchCommand } from './dispatch.js';
import { commands, findTool } from './registry.js';
import { boardSummary, boardUnavailable } from './wording/board.js';
import { argumentsNotJson, argumentsNotObject, noSuchTool, toolFailed } from './wording/refusals.js';
import { toolDefinitions } from './tools.js';
import type { AnyCommandSpec, CommandContext } from './types.js';

/** Longest tool result handed back to the model. */
export const TOOL_RESULT_MAX = 6_000;
function bounded(s: string): string {
  return s.length <= TOOL_RESULT_MAX ? s : `${s.slice(0, TOOL_RESULT_MAX - 20)}\n[… result cut]`;
}

/** Builds the {@link ToolHost} the voice session calls. */
export function createToolHost(ctx: CommandContext, registry: readonly AnyCommandSpec[] = commands): ToolHost {
  const tools = toolDefinitions(registry);
  let version = 0;
  let lastSummary: string | undefined;

  return {
    tools: () => tools,
    async callTool(name, argsJson, _callId) {
      const spec = findTool(name, registry);
      if (!spec) {
        return noSuchTool(
          name,
          tools.map((t) => t.name),
        );
      }
      let args: unknown;
      try {
        args = argsJson.trim() === '' ? {} : JSON.parse(argsJson);
      } catch {
        return argumentsNotJson(name);
      }
      if (typeof args !== 'object' || args === null || Array.isArray(args)) {
        return argumentsNotObject(name);
      }
      try {
        const result = await dispatchCommand(ctx, spec.id, args, 'voice', registry);
        return bounded(result.say || (result.ok ? 'Done.' : 'That did not work.'));
      } catch (e) {
        return toolFailed(name, errorText(e));
      }
    },
    taskBoard() {
      let summary: string;
      try {
        summary = boardSummary(ctx.tasks.list());
      } catch (e) {
        summary = boardUnavailable(errorText(e));
      }
      if (summary !== lastSummary) {
        lastSummary = summary;
        version += 1;
      }
      return { version, summary };
    },
  };
}
