/**
 * The task manager's options and their defaults, in one place.
 */
import { mergedPrices, type AgentPrices } from './agent-prices.js';
import type { AgentEnvPolicy, BackendConfig } from './backends/agent-backend.js';
import type { IsolationMode } from '../shared/settings-values.js';
import type { PermissionPromptSpec } from '../permissions/channel.js';
import type { Runner } from './runner.js';
import type { HostPlacement } from './task-placement.js';
import type { BackendKind, PermissionMode } from './types.js';

/** Options of {@link TaskManager}. Durations in milliseconds. */
export interface TaskManagerOptions {
  /** Registry and logs; default `$XDG_STATE_HOME/voice-orch` (else `~/.local/state/voice-orch`). */
  stateDir?: string;
  /** Allowed project roots; spawns outside them are refused. */
  roots: string[];
  /** The claude executable: a name looked up on PATH (default `claude`) or a path. */
  claudePath?: string;
  /** Runs at the same time (default 4); the rest wait in the queue. */
  maxConcurrent?: number;
  /** A spawn into a directory with a live task: wait behind it (default) or refuse. */
  sameDirPolicy?: 'queue' | 'refuse';
  /** Where a spawn that names none works: `auto` (default), `in_place` or `worktree` (tasks/isolation.ts). */
  isolation?: IsolationMode;
  /** Between SIGTERM and SIGKILL when cancelling (default 5000). */
  cancelGraceMs?: number;
  /** No output for this long marks a task stalled (default 10 min); it does not kill. */
  stallTimeoutMs?: number;
  /** A process still alive this long after its `result` line is ended (default 10 s). */
  resultHangMs?: number;
  /** Output entries kept in memory per task (default 2000). */
  tailSize?: number;
  /** Longest line kept (bytes); longer lines are cut and marked truncated (default 1 MiB). */
  maxLineBytes?: number;
  /** Permission mode when a spawn names none (default acceptEdits). */
  defaultPermissionMode?: PermissionMode;
  /** Allow `bypassPermissions` (default false). */
  allowBypassPermissions?: boolean;
  /** Environment agents inherit from (default `process.env`), filtered by the backend (agent-backend.ts `agentEnv`). */
  env?: Record<string, string | undefined>;
  /** Inherited variables withheld from agents or passed to them after all (see {@link AgentEnvPolicy}). */
  agentEnv?: AgentEnvPolicy;
  /** What a task may spend (USD) when its spawn names no budget (default none). */
  defaultMaxBudgetUsd?: number;
  /** Backend when a spawn names none (default claude). */
  backend?: BackendKind;
  /** The codex executable: a name looked up on PATH (default `codex`) or a path. */
  codexPath?: string;
  /** The gemini executable: a name looked up on PATH (default `gemini`) or a path. */
  geminiPath?: string;
  /** Per agent: `ask` through voice-orch (an approval host) or stay in the `sandbox` (default; approval-launch.ts). */
  agentApprovals?: BackendConfig['agentApprovals'];
  /** The agent of a spawn that names none, per project folder name or absolute path (else `backend`). */
  projectAgents?: Record<string, BackendKind>;
  /** Token prices for codex/gemini cost estimates, over the built-in ones (src/tasks/agent-prices.ts). */
  agentPrices?: AgentPrices;
  /** The command backend's argv, `{prompt}` substituted, e.g. `['aider', '--message', '{prompt}']`. */
  commandArgv?: string[];
  /** Added: poll interval of the log tailers (default 150). */
  tailPollMs?: number;
  /** Added: how often /proc is checked for re-adopted processes' exits and stalls (default 250). */
  watchIntervalMs?: number;
  /** Added: how often descendants of running agents are recorded (default 1000). */
  descendantScanMs?: number;
  /** Added: output batching interval (default 50). */
  flushMs?: number;
  /** Where agent runs execute (default the local runner: detached processes on this machine). */
  runner?: Runner;
  /** Remote hosts a spawn may name (the runner must know them too: remote/placed-runner.ts). */
  hosts?: Record<string, HostPlacement>;
  /** The permission channel of a run (src/permissions/channel.ts); none: the agent cannot ask. */
  permissionPrompt?: (taskId: number, runNo: number) => PermissionPromptSpec | undefined;
  /** Whether a task waits for the user's decision (the stall watchdog does not count that time). */
  waitingForDecision?: (taskId: number) => boolean;
  /** Rules Claude runs allow without asking (`--allowedTools`, the CLI's rule syntax, e.g. `Bash(npm test:*)`). */
  allowedTools?: string[];
  /** More rules per project folder name or absolute path, added to `allowedTools` (tasks/project-rules.ts). */
  projectAllowedTools?: Record<string, string[]>;
}

/** The options with every default filled in (the environment, command template, default budget and runner stay optional). */
export type ResolvedOptions = Required<
  Omit<
    TaskManagerOptions,
    | 'stateDir'
    | 'env'
    | 'commandArgv'
    | 'claudePath'
    | 'agentEnv'
    | 'runner'
    | 'defaultMaxBudgetUsd'
    | 'hosts'
    | 'permissionPrompt'
    | 'waitingForDecision'
    | 'allowedTools'
    | 'projectAllowedTools'
    | 'codexPath'
    | 'geminiPath'
    | 'agentApprovals'
    | 'projectAgents'
    | 'agentPrices'
  >
> & {
  codexPath?: string;
  geminiPath?: string;
  agentApprovals?: BackendConfig['agentApprovals'];
  projectAgents?: Record<string, BackendKind>;
  agentPrices: AgentPrices;
  defaultMaxBudgetUsd?: number;
  hosts: Record<string, HostPlacement>;
  permissionPrompt?: TaskManagerOptions['permissionPrompt'];
  waitingForDecision?: TaskManagerOptions['waitingForDecision'];
  allowedTools?: string[];
  projectAllowedTools?: Record<string, string[]>;
  agentEnv: AgentEnvPolicy;
  claudePath: string;
  commandArgv?: string[];
  env: Record<string, string | undefined>;
};

/** Fills in the defaults documented on {@link TaskManagerOptions}. */
export function resolveOptions(opts: TaskManagerOptions): ResolvedOptions {
  return {
    roots: opts.roots,
    claudePath: opts.claudePath ?? 'claude',
    maxConcurrent: Math.max(1, Math.floor(opts.maxConcurrent ?? 4)),
    sameDirPolicy: opts.sameDirPolicy ?? 'queue',
    isolation: opts.isolation ?? 'auto',
    cancelGraceMs: opts.cancelGraceMs ?? 5000,
    stallTimeoutMs: opts.stallTimeoutMs ?? 600_000,
    resultHangMs: opts.resultHangMs ?? 10_000,
    tailSize: Math.max(1, Math.floor(opts.tailSize ?? 2000)),
    maxLineBytes: opts.maxLineBytes ?? 1024 * 1024,
    defaultPermissionMode: opts.defaultPermissionMode ?? 'acceptEdits',
    allowBypassPermissions: opts.allowBypassPermissions ?? false,
    env: opts.env ?? process.env,
    agentEnv: opts.agentEnv ?? {},
    defaultMaxBudgetUsd: opts.defaultMaxBudgetUsd,
    hosts: opts.hosts ?? {},
    backend: opts.backend ?? 'claude',
    commandArgv: opts.commandArgv,
    codexPath: opts.codexPath,
    geminiPath: opts.geminiPath,
    agentApprovals: opts.agentApprovals,
    projectAgents: opts.projectAgents,
    agentPrices: mergedPrices(opts.agentPrices),
    tailPollMs: opts.tailPollMs ?? 150,
    watchIntervalMs: opts.watchIntervalMs ?? 250,
    descendantScanMs: opts.descendantScanMs ?? 1000,
    flushMs: opts.flushMs ?? 50,
    permissionPrompt: opts.permissionPrompt,
    waitingForDecision: opts.waitingForDecision,
    allowedTools: opts.allowedTools,
    projectAllowedTools: opts.projectAllowedTools,
  };
}
