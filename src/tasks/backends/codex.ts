/**
 * The `codex` backend: `codex exec --json --skip-git-repo-check --sandbox <mode> -c … [--model=…]
 * -- <prompt>`, and for a follow-up `codex exec resume --json … -c sandbox_mode="<mode>" --
 * <thread id> <prompt>` (resume takes no `--sandbox`). Every option comes before `--`, so a prompt
 * that starts with `-` is one literal argument. stdin is closed by the runner (with an open pipe
 * Codex waits for its end and appends it to the prompt).
 *
 * The sandbox follows the task's permission mode: `plan` → read-only, `bypassPermissions` (only
 * when configured) → danger-full-access, anything else → workspace-write (edits inside the project
 * allowed). Codex never asks in `exec`; a change its sandbox refused leaves no item in the stream.
 * Startup network side effects that have a setting are turned off (analytics, the plugin
 * marketplace). Its log is `exec --json`; the last line decides (stream-agent-outcome.ts).
 */
import type { PermissionMode } from '../types.js';
import { agentEnv, locateAgent, type AgentBackend, type AgentRunArgs } from './agent-backend.js';
import { approvalHostCommand } from './approval-launch.js';
import { parseCodexLine } from './codex-stream.js';
import { streamAgentOutcome } from './stream-agent-outcome.js';

/** Keys of the other agents, never given to codex. */
const OTHER_AGENT_KEYS = ['ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_API_KEY'];

/** A thread or session id as the agents print them (hex, dashes): never an option, never a path. */
export const SESSION_ID = /^[0-9A-Za-z][0-9A-Za-z_-]{0,127}$/;

/** Reasoning efforts Codex accepts for `model_reasoning_effort`. */
export const CODEX_EFFORTS = ['minimal', 'low', 'medium', 'high', 'xhigh'] as const;

/** Codex's sandbox for a task's permission mode (see this file's header). */
export function codexSandbox(mode: PermissionMode): 'read-only' | 'workspace-write' | 'danger-full-access' {
  if (mode === 'plan') return 'read-only';
  if (mode === 'bypassPermissions') return 'danger-full-access';
  return 'workspace-write';
}

/** The argv of `codex app-server` under the approval host (the model and effort go in its requests). */
export const CODEX_SERVER_ARGS = ['-c', 'analytics.enabled=false', '-c', 'features.plugins=false', 'app-server'];

/** The argv (without the executable) of one `codex exec` run. */
export function codexArgs(o: AgentRunArgs): string[] {
  const sandbox = codexSandbox(o.permissionMode);
  const resume = o.resumeSessionId !== undefined && SESSION_ID.test(o.resumeSessionId);
  const args = resume ? ['exec', 'resume'] : ['exec'];
  args.push('--json', '--skip-git-repo-check');
  if (resume) args.push('-c', `sandbox_mode="${sandbox}"`);
  else args.push('--sandbox', sandbox);
  args.push('-c', 'analytics.enabled=false', '-c', 'features.plugins=false');
  if (o.model !== undefined && o.model !== '') args.push(`--model=${o.model}`);
  if (o.reasoningEffort !== undefined && (CODEX_EFFORTS as readonly string[]).includes(o.reasoningEffort)) {
    args.push('-c', `model_reasoning_effort="${o.reasoningEffort}"`);
  }
  args.push('--');
  if (resume) args.push(o.resumeSessionId as string);
  args.push(o.prompt);
  return args;
}

/** OpenAI Codex CLI, `codex exec --json`. */
export const codexBackend: AgentBackend = {
  kind: 'codex',
  refusal: () => undefined,
  async command({ run, config, env, cwd }) {
    const found = await locateAgent(
      config.codexPath ?? 'codex',
      env,
      cwd,
      'Install Codex (npm i -g @openai/codex) or set codexPath in the config',
    );
    if (!found.ok) return found;
    const file = found.value;
    if (run.resumeSessionId !== undefined && !SESSION_ID.test(run.resumeSessionId)) {
      return { ok: false, message: 'could not start: the task has no Codex thread id that can be resumed.' };
    }
    // With approvals asked through voice-orch, the approval host runs `codex app-server` instead.
    const host = approvalHostCommand({
      agent: 'codex',
      file,
      args: CODEX_SERVER_ARGS,
      run,
      config,
      resumeId: run.resumeSessionId,
      sandbox: codexSandbox(run.permissionMode),
    });
    return { ok: true, value: host ?? { file, args: codexArgs(run) } };
  },
  env: (base, policy) => agentEnv(base, { ...policy, drop: [...OTHER_AGENT_KEYS, ...(policy.drop ?? [])] }),
  parseLine: parseCodexLine,
  outcome: (end) => streamAgentOutcome(end, { name: 'codex', signalledExitCodes: [1] }),
};
