/**
 * The `command` backend: any argv with `{prompt}` substituted, for agents without stream-json and
 * for tests. The prompt never becomes an option of its own: `{prompt}` as a whole word after a
 * `--` word is substituted as is; anywhere else (a whole word before `--`, `--message {prompt}`,
 * or inside a word, `x={prompt}`) a prompt that would make the word start with `-` when the
 * template word did not is refused (the task fails with a sentence saying to put `--` before
 * `{prompt}`). `{prompt}` in the executable word is refused outright. Its log is read like
 * stream-json (plain lines become text); only the exit status decides the outcome.
 */
import { decideOutcome } from '../outcome.js';
import { parseStreamJsonLine } from '../stream-json.js';
import type { ActionResult } from '../types.js';
import { agentEnv, findExecutable, type AgentBackend } from './agent-backend.js';

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

/** A configured command line (`agentCommand` in config.json, the manager's `commandArgv`). */
export const commandBackend: AgentBackend = {
  kind: 'command',
  refusal: (config) =>
    config.commandArgv === undefined || config.commandArgv.length === 0
      ? 'The command backend has no command configured.'
      : undefined,
  async command({ run, config, env, cwd }) {
    const template = config.commandArgv;
    if (template === undefined || template.length === 0 || template[0] === '') {
      return { ok: false, message: 'could not start: the command backend has no command configured.' };
    }
    const built = commandArgv(template, run.prompt);
    if (!built.ok) return built;
    const argv = built.value;
    const exe = argv[0] as string;
    const file = await findExecutable(exe, env, cwd);
    if (file === undefined) {
      return { ok: false, message: `could not start: \`${exe}\` was not found or is not executable.` };
    }
    return { ok: true, value: { file, args: argv.slice(1) } };
  },
  env: agentEnv,
  parseLine: parseStreamJsonLine,
  outcome: (end) => decideOutcome({ ...end, backend: 'command' }),
};
