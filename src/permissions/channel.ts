/**
 * What a Claude run needs to ask through voice-orch: the `--mcp-config` JSON that starts the
 * permission bridge with the same Node as voice-orch, the prompt tool's name, and the agent's
 * `MCP_TOOL_TIMEOUT`, set past the decision timeout so the CLI never cuts a waiting request first
 * (its own per-call limit would end the call with an error instead of our readable deny).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BRIDGE_ENV, MCP_SERVER_NAME, PROMPT_TOOL, socketPath } from './protocol.js';

/** The prompt channel of one run (see this file's header). */
export interface PermissionPromptSpec {
  /** The `--mcp-config` value (JSON). */
  mcpConfig: string;
  /** The `--permission-prompt-tool` value. */
  tool: string;
  /** Added to the agent's environment. */
  agentEnv: Record<string, string>;
  /** The bridge's settings, for an approval host that talks to the socket itself (codex, gemini). */
  bridge?: { socket: string; token: string; task: number; run: number; timeoutMs: number };
}

/** Margin of the CLI's tool timeout over ours: our deny must reach the agent first. */
const TOOL_TIMEOUT_MARGIN_MS = 5 * 60_000;

/**
 * The bridge script: beside the bundle (dist/cli.js → dist/permission-bridge.js), or built from a
 * source checkout (the tests run from src/ after `npm run build`). Undefined when not built.
 */
export function bridgeScript(): string | undefined {
  for (const rel of ['./permission-bridge.js', '../permission-bridge.js', '../../dist/permission-bridge.js']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Inputs of {@link permissionPrompt}. */
export interface PromptSpecInput {
  stateDir: string;
  task: number;
  run: number;
  token: string;
  timeoutMs: number;
  /** The bridge's executable and script (default: this Node and {@link bridgeScript}). */
  node?: string;
  script?: string;
}

/** The spec of one run, or undefined when the bridge is not built. */
export function permissionPrompt(i: PromptSpecInput): PermissionPromptSpec | undefined {
  const script = i.script ?? bridgeScript();
  if (script === undefined) return undefined;
  const server = {
    command: i.node ?? process.execPath,
    args: [script],
    env: {
      [BRIDGE_ENV.socket]: socketPath(i.stateDir),
      [BRIDGE_ENV.token]: i.token,
      [BRIDGE_ENV.task]: String(i.task),
      [BRIDGE_ENV.run]: String(i.run),
      [BRIDGE_ENV.timeoutMs]: String(i.timeoutMs),
    },
  };
  return {
    mcpConfig: JSON.stringify({ mcpServers: { [MCP_SERVER_NAME]: server } }),
    tool: PROMPT_TOOL,
    agentEnv: { MCP_TOOL_TIMEOUT: String(i.timeoutMs + TOOL_TIMEOUT_MARGIN_MS) },
    bridge: { socket: socketPath(i.stateDir), token: i.token, task: i.task, run: i.run, timeoutMs: i.timeoutMs },
  };
}
