/**
 * The `gemini` backend: `gemini --output-format stream-json --skip-trust --approval-mode <mode>
 * [--model=…] [--resume=<session id>] --prompt=<prompt>`. The prompt travels inside the one word
 * `--prompt=…`, so whatever it starts with it is the option's value, never an option of its own;
 * the other values are fixed words or checked ids. stdin is closed by the runner (Gemini would put
 * piped text before the prompt).
 *
 * The approval mode follows the task's permission mode: `plan` → plan, `default`/`manual` →
 * default (no edits, no shell in headless runs), `bypassPermissions` (only when configured) →
 * yolo, anything else → auto_edit (edits allowed, shell commands not). `--skip-trust` because the
 * project folder is under a root the user allowed. `GEMINI_CLI_NO_RELAUNCH=true` keeps it one
 * process, so a SIGTERM to it is not ignored by a relaunching parent (the process group is killed
 * after the grace period anyway). Its log is stream-json; the `result` line decides.
 */
import type { PermissionMode } from '../types.js';
import { agentEnv, locateAgent, type AgentBackend, type AgentRunArgs } from './agent-backend.js';
import { approvalHostCommand } from './approval-launch.js';
import { SESSION_ID } from './codex.js';
import { parseGeminiLine } from './gemini-stream.js';
import { streamAgentOutcome } from './stream-agent-outcome.js';

/** Keys of the other agents, never given to gemini. */
const OTHER_AGENT_KEYS = ['ANTHROPIC_API_KEY', 'CODEX_API_KEY'];

/** Gemini's approval mode for a task's permission mode (see this file's header). */
export function geminiApprovalMode(mode: PermissionMode): 'default' | 'auto_edit' | 'yolo' | 'plan' {
  if (mode === 'plan') return 'plan';
  if (mode === 'default' || mode === 'manual') return 'default';
  if (mode === 'bypassPermissions') return 'yolo';
  return 'auto_edit';
}

/** The argv (without the executable) of one `gemini -p` run. */
export function geminiArgs(o: AgentRunArgs): string[] {
  const args = [
    '--output-format',
    'stream-json',
    '--skip-trust',
    '--approval-mode',
    geminiApprovalMode(o.permissionMode),
  ];
  if (o.model !== undefined && o.model !== '') args.push(`--model=${o.model}`);
  if (o.resumeSessionId !== undefined && SESSION_ID.test(o.resumeSessionId)) args.push(`--resume=${o.resumeSessionId}`);
  args.push(`--prompt=${o.prompt}`);
  return args;
}

/** The argv of `gemini --acp` under the approval host (same approval mode and model; the prompt goes in its requests). */
export function geminiServerArgs(o: AgentRunArgs): string[] {
  const args = ['--acp', '--skip-trust', '--approval-mode', geminiApprovalMode(o.permissionMode)];
  if (o.model !== undefined && o.model !== '') args.push(`--model=${o.model}`);
  return args;
}

/** Exit codes Gemini CLI documents (its fatal errors), in words. */
function geminiExitMeaning(code: number): string | undefined {
  switch (code) {
    case 41:
      return 'its authentication is not set up';
    case 42:
      return 'bad input (for a follow-up: the session was not found)';
    case 44:
      return 'its sandbox failed';
    case 52:
      return 'its configuration is invalid';
    case 53:
      return 'it reached its turn limit';
    case 54:
      return 'a tool failed';
    case 55:
      return 'the folder is not trusted';
    default:
      return undefined;
  }
}

/** Google Gemini CLI, `gemini -p --output-format stream-json`. */
export const geminiBackend: AgentBackend = {
  kind: 'gemini',
  refusal: () => undefined,
  async command({ run, config, env, cwd }) {
    const found = await locateAgent(
      config.geminiPath ?? 'gemini',
      env,
      cwd,
      'Install Gemini CLI (npm i -g @google/gemini-cli) or set geminiPath in the config',
    );
    if (!found.ok) return found;
    const file = found.value;
    if (run.resumeSessionId !== undefined && !SESSION_ID.test(run.resumeSessionId)) {
      return { ok: false, message: 'could not start: the task has no Gemini session id that can be resumed.' };
    }
    // With approvals asked through voice-orch, the approval host runs `gemini --acp` instead.
    const host = approvalHostCommand({
      agent: 'gemini',
      file,
      args: geminiServerArgs(run),
      run,
      config,
      resumeId: run.resumeSessionId,
    });
    return { ok: true, value: host ?? { file, args: geminiArgs(run) } };
  },
  env: (base, policy) => ({
    ...agentEnv(base, { ...policy, drop: [...OTHER_AGENT_KEYS, ...(policy.drop ?? [])] }),
    GEMINI_CLI_NO_RELAUNCH: 'true',
  }),
  parseLine: parseGeminiLine,
  outcome: (end) =>
    streamAgentOutcome(end, { name: 'gemini', signalledExitCodes: [0], exitMeaning: geminiExitMeaning }),
};
