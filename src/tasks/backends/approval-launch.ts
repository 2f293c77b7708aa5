/**
 * How a codex or gemini run asks for approval: with `approvals: "ask"` for that agent (config
 * `agentApprovals`), a local run whose permission channel is up and the approval host built, the
 * run's command is the host (`node dist/approval-host.js --spec=<json>`, approval-host.ts), which
 * starts the agent in its server mode and sends its approval requests to voice-orch. Otherwise —
 * the default `sandbox`, a remote run, no channel, no host — the agent runs headless as before and
 * never asks: its sandbox or approval mode decides (codex.ts, gemini.ts).
 *
 * The spec travels as one argv word after the script, never a shell word; the prompt inside it is
 * JSON text the host reads, never an option of the agent (it reaches the agent as a JSON-RPC
 * value). The task's token is in it, as it is in a Claude run's `--mcp-config`.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { AgentApprovals, AgentCommand, AgentRunArgs, BackendConfig } from './agent-backend.js';
import type { HostSpec } from './approval-host.js';

/** config.json `agentApprovals`: `{"codex": "ask", "gemini": "sandbox"}`. */
export const agentApprovalsSchema = z
  .object({ codex: z.enum(['ask', 'sandbox']).optional(), gemini: z.enum(['ask', 'sandbox']).optional() })
  .strict();

/** The default: the agent stays in its sandbox (see this file's header). */
export const DEFAULT_AGENT_APPROVALS: AgentApprovals = 'sandbox';

/**
 * The host script: beside the bundle (dist/cli.js → dist/approval-host.js), or built from a source
 * checkout (tests run from src/ after `npm run build`). Undefined when not built.
 */
export function hostScript(): string | undefined {
  for (const rel of ['./approval-host.js', '../../approval-host.js', '../../../dist/approval-host.js']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Whether runs of `agent` ask through voice-orch. */
export function approvalsOf(agent: 'codex' | 'gemini', config: BackendConfig): AgentApprovals {
  return config.agentApprovals?.[agent] ?? DEFAULT_AGENT_APPROVALS;
}

/** Inputs of {@link approvalHostCommand}. */
export interface HostCommandInput {
  agent: 'codex' | 'gemini';
  /** The agent's executable (found on PATH or configured). */
  file: string;
  /** The agent's server-mode argv. */
  args: string[];
  run: AgentRunArgs;
  config: BackendConfig;
  /** A checked thread/session id of a follow-up. */
  resumeId?: string;
  sandbox?: string;
  /** The host's Node and script (default: this Node and {@link hostScript}). */
  node?: string;
  script?: string;
}

/** The host's command for a run, or undefined when the run does not ask (see this file's header). */
export function approvalHostCommand(i: HostCommandInput): AgentCommand | undefined {
  const bridge = i.run.permissionPrompt?.bridge;
  if (approvalsOf(i.agent, i.config) !== 'ask' || bridge === undefined) return undefined;
  const script = i.script ?? hostScript();
  if (script === undefined) return undefined;
  const spec: HostSpec = { agent: i.agent, file: i.file, args: i.args, prompt: i.run.prompt, bridge };
  if (i.resumeId !== undefined) spec.resumeId = i.resumeId;
  if (i.run.model !== undefined && i.run.model !== '') spec.model = i.run.model;
  if (i.run.reasoningEffort !== undefined) spec.effort = i.run.reasoningEffort;
  if (i.sandbox !== undefined) spec.sandbox = i.sandbox;
  return { file: i.node ?? process.execPath, args: [script, `--spec=${JSON.stringify(spec)}`] };
}
