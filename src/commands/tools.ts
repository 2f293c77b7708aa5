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

/** One function tool per command with a `voice` entry, in registry order. */
export function toolDefinitions(registry: readonly AnyCommandSpec[] = commands): ToolDefinition[] {
  return registry
    .filter((c) => c.voice)
    .map((c) => ({
      type: 'function' as const,
      name: c.voice!.name,
      description: c.description,
      parameters: toolParameters(c.voice!.parameters),
    }));
}

/** "- spawn_task(name, prompt, project, model?): Start a new…" lines for the instructions text. */
export function toolListText(registry: readonly AnyCommandSpec[] = commands): string {
  return registry
    .filter((c) => c.voice)
    .map((c) => {
      const shape = c.voice!.parameters.shape as Record<string, z.ZodType>;
      const params = Object.entries(shape).map(([k, s]) => (s.safeParse(undefined).success ? `${k}?` : k));
      return `- ${c.voice!.name}(${params.join(', ')}): ${c.description}`;
    })
    .join('\n');
}
