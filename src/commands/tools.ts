/**
 * The Realtime side of the registry: the `tools` array (flat GA shape) and the tool list for the
 * model's instructions.
 */
import { z } from 'zod';
import type { ToolDefinition } from '../session/types.js';
import { commands } from './registry.js';
import type { AnyCommandSpec } from './types.js';

/** JSON schema of a tool's parameters, without the `$schema` marker the Realtime API does not need. */
export function toolParameters(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

/** One function tool per command with a `voice` entry, in registry order, described in the model's words. */
export function toolDefinitions(registry: readonly AnyCommandSpec<string>[] = commands): ToolDefinition[] {
  return registry
    .filter((c) => c.voice)
    .map((c) => ({
      type: 'function' as const,
      name: c.voice!.name,
      description: c.voice!.modelDescription,
      parameters: toolParameters(c.voice!.parameters),
    }));
}
