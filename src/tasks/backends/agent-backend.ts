/**
 * The AgentBackend interface: everything that differs between agent CLIs — the argv of one run,
 * the environment, the parser of its stdout log and the rules that turn an exit into an outcome.
 * A new agent CLI is one new file beside claude.ts and command.ts plus a line in registry.ts.
 *
 * Never a shell: an argv is an array, options come before `--`, and a prompt is always one
 * argument the agent reads as text (each backend's file says how).
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { OutcomeInput, Outcome } from '../outcome.js';
import type { ActionResult, AgentEvent, BackendKind, PermissionMode } from '../types.js';

/** What one run needs in its argv (each backend takes what it understands). */
export interface AgentRunArgs {
  prompt: string;
  permissionMode: PermissionMode;
  model?: string;
  maxTurns?: number;
  maxBudgetUsd?: number;
  appendSystemPrompt?: string;
  /** Session to continue (`--resume`), for follow-ups. */
  resumeSessionId?: string;
  /** Where the agent asks for permission (`--mcp-config` JSON and `--permission-prompt-tool`). */
  permissionPrompt?: { mcpConfig: string; tool: string; bridge?: ApprovalBridge };
  /** Rules the CLI allows without asking (`--allowedTools`, in its own rule syntax). */
  allowedTools?: readonly string[];
  /** Reasoning effort, for agents that take one (codex). */
  reasoningEffort?: string;
}

/** Where an approval host sends a run's requests (the permission socket, the task's token; see approval-host.ts). */
export interface ApprovalBridge {
  socket: string;
  token: string;
  task: number;
  run: number;
  timeoutMs: number;
}

/** Whether codex/gemini ask through voice-orch (`ask`, an approval host) or stay in their sandbox (`sandbox`). */
export type AgentApprovals = 'ask' | 'sandbox';

/** How voice-orch is configured for the backends. */
export interface BackendConfig {
  /** The `claude` executable: a name looked up on PATH or a path. */
  claudePath: string;
  /** The command backend's argv template (`{prompt}` substituted). */
  commandArgv?: readonly string[];
  /** The `codex` executable: a name looked up on PATH (default `codex`) or a path. */
  codexPath?: string;
  /** The `gemini` executable: a name looked up on PATH (default `gemini`) or a path. */
  geminiPath?: string;
  /** Per agent: ask through voice-orch or stay in the sandbox (default `sandbox`; approval-launch.ts). */
  agentApprovals?: Partial<Record<'codex' | 'gemini', AgentApprovals>>;
}

/** A ready-to-start agent command. */
export interface AgentCommand {
  /** Absolute path of the executable. */
  file: string;
  args: string[];
}

/** Inputs of {@link AgentBackend.command}. */
export interface CommandInput {
  run: AgentRunArgs;
  config: BackendConfig;
  /** The agent's environment (its PATH finds the executable). */
  env: Record<string, string>;
  /** Where a relative executable path is resolved. */
  cwd: string;
}

/** What decides a run's outcome, without the backend (the backend applies its own rules). */
export type RunEnd = Omit<OutcomeInput, 'backend'>;

/** One agent CLI (see this file's header). Every method is pure or returns a value; none throws. */
export interface AgentBackend {
  readonly kind: BackendKind;
  /** Why a task cannot use this backend with this configuration (a sentence), or undefined. */
  refusal(config: BackendConfig): string | undefined;
  /** The executable and argv of one run, or a refusal a person understands. */
  command(input: CommandInput): Promise<ActionResult<AgentCommand>>;
  /** The run's environment from the inherited one (see agent-env.ts). */
  env(base: Record<string, string | undefined>, policy: AgentEnvPolicy): Record<string, string>;
  /** The events of one line of the run's stdout log. */
  parseLine(text: string, truncated: boolean, cwd: string | undefined): AgentEvent[];
  /** The final status of a run whose process has gone. */
  outcome(end: RunEnd): Outcome;
}

/** Environment variables the parent Claude Code session sets that would confuse a nested CLI. */
export const STRIPPED_ENV = ['CLAUDECODE', 'CLAUDE_CODE_ENTRYPOINT'] as const;

/**
 * Which inherited variables agents get besides the built-in rule. Entries are variable names, or a
 * prefix ending in `*` (`AWS_*`).
 */
export interface AgentEnvPolicy {
  /** Also withheld from agents (e.g. the variable holding an endpoint's key). */
  drop?: readonly string[];
  /** Given to agents even though they would be withheld (by the built-in rule or `drop`). */
  pass?: readonly string[];
}

/**
 * voice-orch's own secrets and settings, never given to agents unless passed explicitly: the
 * Realtime key (an agent could print it into its log, the registry and the transcript) and every
 * `VOICE_ORCH_*` setting.
 */
export const WITHHELD_ENV = ['OPENAI_API_KEY', 'VOICE_ORCH_*'] as const;

function matchesAny(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p));
}

/**
 * The agent's environment: the inherited one (ours or the given one) without undefined values,
 * {@link STRIPPED_ENV}, {@link WITHHELD_ENV} and `policy.drop`, except what `policy.pass` names.
 * Pure: variables voice-orch itself sets for agents are added by the caller afterwards.
 */
export function agentEnv(
  base: NodeJS.ProcessEnv | Record<string, string | undefined>,
  policy: AgentEnvPolicy = {},
): Record<string, string> {
  const withheld = [...STRIPPED_ENV, ...WITHHELD_ENV, ...(policy.drop ?? [])];
  const pass = policy.pass ?? [];
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) {
    if (v === undefined) continue;
    if (matchesAny(k, withheld) && !matchesAny(k, pass)) continue;
    env[k] = v;
  }
  return env;
}

async function isExecutableFile(p: string): Promise<boolean> {
  try {
    const s = await stat(p);
    if (!s.isFile()) return false;
    await access(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds an executable the way a shell would: a name with a slash is taken as a path (relative to
 * `cwd`), anything else is looked up in the PATH of `env`. Undefined when not found or not executable.
 */
export async function findExecutable(
  name: string,
  env: Record<string, string | undefined>,
  cwd = process.cwd(),
): Promise<string | undefined> {
  if (name === '') return undefined;
  if (name.includes('/')) {
    const p = isAbsolute(name) ? name : resolve(cwd, name);
    return (await isExecutableFile(p)) ? p : undefined;
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const p = join(dir, name);
    if (await isExecutableFile(p)) return p;
  }
  return undefined;
}

/**
 * The executable of an agent for a run, or the sentence that says why it cannot start
 * (`install` says how to get it, e.g. "Install Codex (npm i -g @openai/codex) or set codexPath in the config").
 */
export async function locateAgent(
  name: string,
  env: Record<string, string | undefined>,
  cwd: string,
  install: string,
): Promise<ActionResult<string>> {
  const file = await findExecutable(name, env, cwd);
  if (file !== undefined) return { ok: true, value: file };
  const where = name.includes('/')
    ? `${name} does not exist or is not executable`
    : `\`${name}\` was not found on PATH`;
  return { ok: false, message: `could not start: ${where}. ${install}.` };
}
