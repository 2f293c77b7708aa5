/**
 * Agent backends: how a task's prompt becomes an argv, an environment and a parser choice.
 *
 * - `claude`: `claude -p <prompt> --output-format stream-json --verbose --permission-mode <mode> …`
 *   (stream-json needs --verbose in print mode; stdin is closed by the spawner).
 * - `command`: any argv with `{prompt}` substituted, for agents without stream-json and for tests.
 *
 * Never a shell: arguments are passed as an array, so a prompt cannot inject anything.
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

/** The argv (without the executable) of a Claude Code print-mode run. */
export function claudeArgs(o: ClaudeRunArgs): string[] {
  const args = ['-p', o.prompt, '--output-format', 'stream-json', '--verbose', '--permission-mode', o.permissionMode];
  if (o.resumeSessionId !== undefined) args.push('--resume', o.resumeSessionId);
  if (o.model !== undefined && o.model !== '') args.push('--model', o.model);
  if (o.maxTurns !== undefined) args.push('--max-turns', String(o.maxTurns));
  if (o.maxBudgetUsd !== undefined) args.push('--max-budget-usd', String(o.maxBudgetUsd));
  if (o.appendSystemPrompt !== undefined && o.appendSystemPrompt !== '') {
    args.push('--append-system-prompt', o.appendSystemPrompt);
  }
  return args;
}

/** `argv` with every `{prompt}` replaced by the prompt (inside words too). */
export function commandArgv(argv: readonly string[], prompt: string): string[] {
  return argv.map((a) => a.split('{prompt}').join(prompt));
}

/** The agent's environment: ours (or the given one) minus {@link STRIPPED_ENV}, without undefined values. */
export function agentEnv(base: NodeJS.ProcessEnv | Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) {
    if (v === undefined) continue;
    if ((STRIPPED_ENV as readonly string[]).includes(k)) continue;
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
  const argv = commandArgv(template, input.run.prompt);
  const exe = argv[0] as string;
  const file = await findExecutable(exe, input.env, input.cwd);
  if (file === undefined) {
    return { ok: false, message: `could not start: \`${exe}\` was not found or is not executable.` };
  }
  return { ok: true, value: { file, args: argv.slice(1) } };
}
