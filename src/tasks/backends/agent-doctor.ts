/**
 * The doctor's check of the agent CLIs: for each of claude, codex and gemini, whether its
 * executable is found (on PATH or at the configured path), what `--version` says, and — for the
 * agents asked for — whether it starts headless the way a task starts it (headless-probe.ts: it
 * is stopped at its first event, before any model request). Only the default agent missing is a
 * problem; the others are reported as not installed.
 */
import { oneLine } from '../../shared/sanitize.js';
import { runShort } from '../spawn.js';
import type { BackendKind } from '../types.js';
import { agentEnv, findExecutable, type AgentEnvPolicy } from './agent-backend.js';
import { probeHeadless } from './headless-probe.js';

/** Which agent CLI an agent name is (each unset one is looked up on PATH by its own name). */
export interface AgentPathConfig {
  claudePath?: string;
  codexPath?: string;
  geminiPath?: string;
}

/** What the doctor found for one agent. */
export interface AgentCheck {
  agent: 'claude' | 'codex' | 'gemini';
  /** The executable's path, when found. */
  path?: string;
  /** The first line `--version` printed. */
  version?: string;
  /** Milliseconds to its first event when started headless (only when probed and it started). */
  headlessMs?: number;
  /** Why it cannot be used, in a sentence. */
  problem?: string;
}

/** Inputs of {@link checkAgents}. */
export interface AgentDoctorOptions extends AgentPathConfig {
  /** The agent of a task that names none. */
  defaultAgent: BackendKind;
  env: Record<string, string | undefined>;
  cwd: string;
  /** How long `--version` may take (Gemini CLI needs seconds). */
  timeoutMs?: number;
  /** Agents to start headless once `--version` answers (none by default). */
  probe?: ReadonlySet<'claude' | 'codex' | 'gemini'>;
  /** How long a headless start may take to print its first event (default twice `timeoutMs`). */
  probeTimeoutMs?: number;
  /** The configured `agentEnv`, applied to the headless start as to tasks. */
  envPolicy?: AgentEnvPolicy;
}

/** Checks every agent CLI (see this file's header). */
export async function checkAgents(o: AgentDoctorOptions): Promise<AgentCheck[]> {
  const env = agentEnv(o.env);
  const names = { claude: o.claudePath ?? 'claude', codex: o.codexPath ?? 'codex', gemini: o.geminiPath ?? 'gemini' };
  const timeoutMs = o.timeoutMs ?? 20_000;
  return Promise.all(
    (['claude', 'codex', 'gemini'] as const).map(async (agent): Promise<AgentCheck> => {
      const path = await findExecutable(names[agent], env, o.cwd);
      if (path === undefined) {
        return { agent, problem: `\`${oneLine(names[agent], 80)}\` was not found` };
      }
      const r = await runShort(path, ['--version'], env, timeoutMs);
      const first = oneLine((r.stdout.trim() || r.stderr.trim()).split('\n')[0] ?? '', 80);
      if (r.error !== undefined || r.exitCode !== 0) {
        return {
          agent,
          path,
          problem: `\`${agent} --version\` failed: ${oneLine(r.error ?? first ?? `exit code ${r.exitCode}`, 120)}`,
        };
      }
      if (!o.probe?.has(agent)) return { agent, path, version: first };
      const probe = await probeHeadless({
        agent,
        claudePath: o.claudePath,
        codexPath: o.codexPath,
        geminiPath: o.geminiPath,
        env: o.env,
        envPolicy: o.envPolicy,
        cwd: o.cwd,
        timeoutMs: o.probeTimeoutMs ?? timeoutMs * 2,
      });
      if (!probe.ok) return { agent, path, version: first, problem: `${path} (${first}) ${probe.problem}` };
      return { agent, path, version: first, headlessMs: probe.ms };
    }),
  );
}
