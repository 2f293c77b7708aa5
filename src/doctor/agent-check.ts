/**
 * The agent CLI check: the executable is found the way tasks find it, answers `--version`, its
 * `--help` lists the flags voice-orch passes (src/tasks/backends/claude.ts builds that argv), and
 * it starts headless with that argv, stopped at its first event before any model request
 * (src/tasks/backends/headless-probe.ts). A configured `agentCommand` replaces claude: only its
 * program is looked up (an arbitrary command has no first event to wait for).
 */
import { execa } from 'execa';
import { agentEnv, findExecutable } from '../tasks/backends/agent-backend.js';
import { probeHeadless } from '../tasks/backends/headless-probe.js';
import { errorText } from '../shared/errors.js';
import { oneLine } from '../shared/sanitize.js';
import { error, ok, seconds, warning, type DoctorCheck, type DoctorContext, type DoctorFinding } from './types.js';

/** Flags of the claude argv that `claude --help` must list (`--max-turns` is accepted but unlisted). */
export const CLAUDE_FLAGS_USED = [
  '--output-format',
  '--verbose',
  '--permission-mode',
  '--resume',
  '--model',
  '--max-budget-usd',
  '--append-system-prompt',
  '--print',
] as const;

const INSTALL_HINT =
  'Install Claude Code (npm i -g @anthropic-ai/claude-code) or set claudePath in config.json / --claude-path.';

async function runQuiet(file: string, args: string[], ctx: DoctorContext): Promise<{ out: string; failed?: string }> {
  try {
    const r = await execa(file, args, {
      env: agentEnv(ctx.env),
      extendEnv: false,
      timeout: ctx.timeoutMs,
      reject: false,
      stdin: 'ignore',
      cwd: ctx.settings.cwd,
    });
    if (r.timedOut) return { out: '', failed: `did not answer within ${Math.round(ctx.timeoutMs / 1000)} s` };
    if (r.exitCode !== 0)
      return {
        out: String(r.stdout),
        failed: `exited with ${r.exitCode ?? r.signal ?? '?'}: ${oneLine(String(r.stderr), 120)}`,
      };
    return { out: `${String(r.stdout)}\n${String(r.stderr)}` };
  } catch (err) {
    return { out: '', failed: errorText(err) };
  }
}

async function checkClaude(ctx: DoctorContext): Promise<DoctorFinding[]> {
  const name = ctx.settings.claudePath ?? 'claude';
  const file = await findExecutable(name, ctx.env, ctx.settings.cwd);
  if (file === undefined) {
    const where = name.includes('/')
      ? `${name} does not exist or is not executable`
      : `\`${name}\` was not found on PATH`;
    return [error('agent-cli', `${where}: no task can start. ${INSTALL_HINT}`)];
  }
  const version = await runQuiet(file, ['--version'], ctx);
  if (version.failed) {
    return [
      error('agent-cli', `${file} --version ${version.failed}. Check that it is Claude Code and runs in a shell.`),
    ];
  }
  const help = await runQuiet(file, ['--help'], ctx);
  const shown = oneLine(version.out.trim().split('\n')[0] ?? '', 60);
  if (help.failed)
    return [warning('agent-cli', `${file} (${shown}); --help ${help.failed}, so its flags were not checked.`)];
  const missing = CLAUDE_FLAGS_USED.filter((flag) => !new RegExp(`(^|[\\s,])${flag}([\\s,=<[]|$)`, 'm').test(help.out));
  if (missing.length) {
    return [
      error(
        'agent-cli',
        `${file} (${shown}) does not list ${missing.join(', ')} in --help; tasks would fail. Update it: npm i -g @anthropic-ai/claude-code.`,
      ),
    ];
  }
  const probe = await probeHeadless({
    agent: 'claude',
    claudePath: file,
    env: ctx.env,
    envPolicy: ctx.settings.agentEnv,
    cwd: ctx.settings.cwd,
    timeoutMs: ctx.headlessTimeoutMs ?? 2 * ctx.timeoutMs,
  });
  if (!probe.ok) {
    return [
      error(
        'agent-cli',
        `${file} (${shown}) supports the flags voice-orch uses but ${probe.problem}; tasks would fail.`,
      ),
    ];
  }
  return [
    ok(
      'agent-cli',
      `${file} (${shown}) supports the flags voice-orch uses and starts headless (first event after ${seconds(probe.ms)})`,
    ),
  ];
}

async function checkCommand(argv: string[], ctx: DoctorContext): Promise<DoctorFinding[]> {
  const program = argv[0] ?? '';
  const file = await findExecutable(program, ctx.env, ctx.settings.cwd);
  if (file === undefined) {
    return [
      error(
        'agent-cli',
        `agentCommand's program \`${program}\` was not found: no task can start. Install it or fix agentCommand in config.json.`,
      ),
    ];
  }
  return [ok('agent-cli', `agentCommand runs ${file}`)];
}

/** A problem with claude is a warning when tasks get another agent by default (other-agents-check.ts). */
function softenUnlessDefault(findings: DoctorFinding[], ctx: DoctorContext): DoctorFinding[] {
  const agent = ctx.settings.agent;
  if (agent === undefined || agent === 'claude') return findings;
  return findings.map((f) =>
    f.severity === 'error' ? { ...f, severity: 'warning', detail: `${f.detail} (only claude tasks need it)` } : f,
  );
}

/** Is the agent CLI there and new enough? An error when not: no task could start. */
export const agentCliCheck: DoctorCheck = {
  name: 'agent-cli',
  run: async (ctx) =>
    ctx.settings.agentCommand && ctx.settings.agent === undefined
      ? checkCommand(ctx.settings.agentCommand, ctx)
      : softenUnlessDefault(await checkClaude(ctx), ctx),
};
