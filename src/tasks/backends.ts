/**
 * Agent backends: how a task's prompt becomes an argv, an environment and a parser choice.
 *
 * - `claude`: `claude --output-format stream-json --verbose --permission-mode <mode> [--resume id]
 *   … -p -- <prompt>` (stream-json needs --verbose in print mode; stdin is closed by the spawner).
 *   `-p` is a boolean flag, so every option comes first and the prompt last, after `--`: a prompt
 *   that starts with `-` (`--settings={"hooks":…}`) is then one literal prompt, never an option,
 *   and options that take several values (`--mcp-config`, `--allowedTools`) cannot swallow it.
 * - `command`: any argv with `{prompt}` substituted, for agents without stream-json and for tests.
 *   The prompt never becomes an option of its own: `{prompt}` as a whole word after a `--` word
 *   is substituted as is; anywhere else (a whole word before `--`, `--message {prompt}`, or inside
 *   a word, `x={prompt}`) a prompt that would make the word start with `-` when the template word
 *   did not is refused (the task fails with a sentence saying to put `--` before `{prompt}`).
 *   `{prompt}` in the executable word is refused outright.
 *
 * Never a shell: arguments are passed as an array, and with the rules above a prompt is always
 * one argument the agent reads as text.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { ActionResult, BackendKind, PermissionMode } from './types.js';

/** Environment variables the parent Claude Code session sets that would confuse a nested CLI. */
export const STRIPPED_ENV = ['CLAUDECODE', 'CLAUDE_CODE_ENTRYPOINT'] as const;

/** What one run of a claude task needs in its argv. */
export interface ClaudeRunArgs {
  prompt: string;
  permissionMode: PermissionMode;
  model?: string;
  maxTurns?: number;
  maxBudgetUsd?: number;
  appendSystemPrompt?: string;
  /** Session to continue (`--resume`), for follow-ups. */
  resumeSessionId?: string;
}

/** The argv (without the executable) of a Claude Code print-mode run: options, `-p`, `--`, the prompt. */
export function claudeArgs(o: ClaudeRunArgs): string[] {
  const args = ['--output-format', 'stream-json', '--verbose', '--permission-mode', o.permissionMode];
  if (o.resumeSessionId !== undefined) args.push('--resume', o.resumeSessionId);
  if (o.model !== undefined && o.model !== '') args.push('--model', o.model);
  if (o.maxTurns !== undefined) args.push('--max-turns', String(o.maxTurns));
  if (o.maxBudgetUsd !== undefined) args.push('--max-budget-usd', String(o.maxBudgetUsd));
  if (o.appendSystemPrompt !== undefined && o.appendSystemPrompt !== '') {
    args.push('--append-system-prompt', o.appendSystemPrompt);
  }
  // Last: the print flag (boolean), the end of options, then the prompt as one literal argument.
  args.push('-p', '--', o.prompt);
  return args;
}

const PROMPT_SLOT = '{prompt}';

/**
 * `argv` with every `{prompt}` replaced by the prompt (inside words too), or a refusal when the
 * prompt could be read as an option (rules in this file's header).
 */
export function commandArgv(argv: readonly string[], prompt: string): ActionResult<string[]> {
  if ((argv[0] ?? '').includes(PROMPT_SLOT)) {
    return { ok: false, message: 'could not start: the command backend puts {prompt} in the executable word.' };
  }
  const out: string[] = [];
  let afterEndOfOptions = false;
  for (const word of argv) {
    if (!word.includes(PROMPT_SLOT)) {
      out.push(word);
      if (word === '--') afterEndOfOptions = true;
      continue;
    }
    const substituted = word.split(PROMPT_SLOT).join(prompt);
    const literal = afterEndOfOptions && word === PROMPT_SLOT;
    if (!literal && substituted.startsWith('-') && !word.startsWith('-')) {
      return {
        ok: false,
        message:
          'could not start: the prompt begins with "-", and the command backend would pass it where the agent reads options. Put -- before {prompt} in the command.',
      };
    }
    out.push(substituted);
  }
  return { ok: true, value: out };
}

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

/** A ready-to-start agent command. */
export interface AgentCommand {
  /** Absolute path of the executable. */
  file: string;
  args: string[];
}

/** Inputs of {@link buildAgentCommand}. */
export interface BuildCommandInput {
  backend: BackendKind;
  run: ClaudeRunArgs;
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
export async function buildAgentCommand(input: BuildCommandInput): Promise<ActionResult<AgentCommand>> {
  if (input.backend === 'claude') {
    const file = await findExecutable(input.claudePath, input.env, input.cwd);
    if (file === undefined) {
      const where = input.claudePath.includes('/')
        ? `${input.claudePath} does not exist or is not executable`
        : `\`${input.claudePath}\` was not found on PATH`;
      return {
        ok: false,
        message: `could not start: ${where}. Install Claude Code (npm i -g @anthropic-ai/claude-code) or set the claude path in the config.`,
      };
    }
    return { ok: true, value: { file, args: claudeArgs(input.run) } };
  }
  const template = input.commandArgv;
  if (template === undefined || template.length === 0 || template[0] === '') {
    return { ok: false, message: 'could not start: the command backend has no command configured.' };
  }
  const built = commandArgv(template, input.run.prompt);
  if (!built.ok) return built;
  const argv = built.value;
  const exe = argv[0] as string;
  const file = await findExecutable(exe, input.env, input.cwd);
  if (file === undefined) {
    return { ok: false, message: `could not start: \`${exe}\` was not found or is not executable.` };
  }
  return { ok: true, value: { file, args: argv.slice(1) } };
}
