/** The agent backends by kind: adding an agent CLI is a file in this folder and a line here. */
import type { ActionResult, BackendKind } from '../types.js';
import type { AgentBackend, AgentCommand, AgentRunArgs } from './agent-backend.js';
import { claudeBackend } from './claude.js';
import { codexBackend } from './codex.js';
import { commandBackend } from './command.js';
import { geminiBackend } from './gemini.js';

/** Every backend voice-orch knows. */
export const BACKENDS: Readonly<Record<BackendKind, AgentBackend>> = {
  claude: claudeBackend,
  codex: codexBackend,
  gemini: geminiBackend,
  command: commandBackend,
};

/** The backend of a kind. */
export function backendFor(kind: BackendKind): AgentBackend {
  return BACKENDS[kind];
}

/** Inputs of {@link buildAgentCommand}. */
export interface BuildCommandInput {
  backend: BackendKind;
  run: AgentRunArgs;
  /** The `claude` executable: a name looked up on PATH or a path. */
  claudePath: string;
  /** The command backend's argv template (`{prompt}` substituted). */
  commandArgv?: readonly string[];
  env: Record<string, string>;
  cwd: string;
}

/**
 * Resolves the executable and builds the argv for one run. Refuses with a sentence a person
 * understands when the executable is missing ("could not start: `claude` was not found on PATH…").
 */
export function buildAgentCommand(input: BuildCommandInput): Promise<ActionResult<AgentCommand>> {
  const config = { claudePath: input.claudePath, commandArgv: input.commandArgv };
  return backendFor(input.backend).command({ run: input.run, config, env: input.env, cwd: input.cwd });
}
