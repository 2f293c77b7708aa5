/**
 * The doctor's check of the agent CLIs: for each of claude, codex and gemini, whether its
 * executable is found (on PATH or at the configured path) and what `--version` says. Only the
 * default agent missing is a problem; the others are reported as not installed. Starting a
 * headless run is not tried (it would call the agent's API).
 */
import { oneLine } from '../../shared/sanitize.js';
import { runShort } from '../spawn.js';
import type { BackendKind } from '../types.js';
import { agentEnv, findExecutable } from './agent-backend.js';

/** What the doctor found for one agent. */
export interface AgentCheck {
  agent: 'claude' | 'codex' | 'gemini';
  /** The executable's path, when found. */
  path?: string;
  /** The first line `--version` printed. */
  version?: string;
  /** Why it cannot be used, in a sentence. */
  problem?: string;
}

/** Inputs of {@link checkAgents}. */
export interface AgentDoctorOptions {
  claudePath?: string;
  codexPath?: string;
  geminiPath?: string;
  /** The agent of a task that names none. */
  defaultAgent: BackendKind;
  env: Record<string, string | undefined>;
  cwd: string;
  /** How long `--version` may take (Gemini CLI needs seconds). */
  timeoutMs?: number;
}

/** Checks every agent CLI (see this file's header). */
export async function checkAgents(o: AgentDoctorOptions): Promise<AgentCheck[]> {
  const env = agentEnv(o.env);
  const names = { claude: o.claudePath ?? 'claude', codex: o.codexPath ?? 'codex', gemini: o.geminiPath ?? 'gemini' };
  return Promise.all(
    (['claude', 'codex', 'gemini'] as const).map(async (agent): Promise<AgentCheck> => {
      const path = await findExecutable(names[agent], env, o.cwd);
      if (path === undefined) {
        return { agent, problem: `\`${oneLine(names[agent], 80)}\` was not found` };
      }
      const r = await runShort(path, ['--version'], env, o.timeoutMs ?? 20_000);
      const first = oneLine((r.stdout.trim() || r.stderr.trim()).split('\n')[0] ?? '', 80);
      if (r.error !== undefined || r.exitCode !== 0) {
        return {
          agent,
          path,
          problem: `\`${agent} --version\` failed: ${oneLine(r.error ?? first ?? `exit code ${r.exitCode}`, 120)}`,
        };
      }
      return { agent, path, version: first };
    }),
  );
}
