/**
 * The voice session's view of the command layer: tools from the registry, tool calls dispatched
 * with source 'voice', and a compact task board. Nothing here throws: every failure becomes a
 * short sentence the model can say.
 */
import { errorText } from '../shared/errors.js';
import type { ToolHost } from '../session/types.js';
import { dispatchCommand } from './dispatch.js';
import { commands, findTool } from './registry.js';
import { boardSummary } from './wording/board.js';
import { oneLine } from './wording/speech.js';
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
        return `There is no tool named "${oneLine(name, 40)}". Available tools: ${tools.map((t) => t.name).join(', ')}.`;
      }
      let args: unknown;
      try {
        args = argsJson.trim() === '' ? {} : JSON.parse(argsJson);
      } catch {
        return `The arguments for ${name} were not valid JSON. Call ${name} again with a JSON object.`;
      }
      if (typeof args !== 'object' || args === null || Array.isArray(args)) {
        return `The arguments for ${name} must be a JSON object. Call ${name} again.`;
      }
      try {
        const result = await dispatchCommand(ctx, spec.id, args, 'voice', registry);
        return bounded(result.say || (result.ok ? 'Done.' : 'That did not work.'));
      } catch (e) {
        return `${name} failed: ${oneLine(errorText(e), 200)}`;
      }
    },
    taskBoard() {
      let summary: string;
      try {
        summary = boardSummary(ctx.tasks.list());
      } catch (e) {
        summary = `Task list unavailable: ${oneLine(errorText(e), 100)}`;
      }
      if (summary !== lastSummary) {
        lastSummary = summary;
        version += 1;
      }
      return { version, summary };
    },
  };
}
