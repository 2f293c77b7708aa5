/**
 * The `claude` backend: `claude --output-format stream-json --verbose --permission-mode <mode>
 * [--resume id] … -p -- <prompt>` (stream-json needs --verbose in print mode; stdin is closed by
 * the runner). `-p` is a boolean flag, so every option comes first and the prompt last, after
 * `--`: a prompt that starts with `-` (`--settings={"hooks":…}`) is then one literal prompt, never
 * an option, and options that take several values (`--mcp-config`, `--allowedTools`) cannot
 * swallow it. Its log is stream-json; the last `result` line decides the outcome.
 */
import { decideOutcome } from '../outcome.js';
import { parseStreamJsonLine } from '../stream-json.js';
import { agentEnv, locateAgent, type AgentBackend, type AgentRunArgs } from './agent-backend.js';

/** The argv (without the executable) of a Claude Code print-mode run: options, `-p`, `--`, the prompt. */
export function claudeArgs(o: AgentRunArgs): string[] {
  const args = ['--output-format', 'stream-json', '--verbose', '--permission-mode', o.permissionMode];
  if (o.resumeSessionId !== undefined) args.push('--resume', o.resumeSessionId);
  if (o.model !== undefined && o.model !== '') args.push('--model', o.model);
  if (o.maxTurns !== undefined) args.push('--max-turns', String(o.maxTurns));
  if (o.maxBudgetUsd !== undefined) args.push('--max-budget-usd', String(o.maxBudgetUsd));
  if (o.appendSystemPrompt !== undefined && o.appendSystemPrompt !== '') {
    args.push('--append-system-prompt', o.appendSystemPrompt);
  }
  if (o.allowedTools !== undefined && o.allowedTools.length > 0) args.push('--allowedTools', ...o.allowedTools);
  if (o.permissionPrompt !== undefined) {
    args.push('--mcp-config', o.permissionPrompt.mcpConfig, '--permission-prompt-tool', o.permissionPrompt.tool);
  }
  // Last: the print flag (boolean), the end of options, then the prompt as one literal argument.
  args.push('-p', '--', o.prompt);
  return args;
}

/** Claude Code in print mode with stream-json output. */
export const claudeBackend: AgentBackend = {
  kind: 'claude',
  refusal: () => undefined,
  async command({ run, config, env, cwd }) {
    const found = await locateAgent(
      config.claudePath,
      env,
      cwd,
      'Install Claude Code (npm i -g @anthropic-ai/claude-code) or set the claude path in the config',
    );
    if (!found.ok) return found;
    const file = found.value;
    return { ok: true, value: { file, args: claudeArgs(run) } };
  },
  // The other agents' keys are theirs alone.
  env: (base, policy) =>
    agentEnv(base, { ...policy, drop: ['CODEX_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_API_KEY', ...(policy.drop ?? [])] }),
  parseLine: parseStreamJsonLine,
  outcome: (end) => decideOutcome({ ...end, backend: 'claude' }),
};
