/**
 * The codex and gemini CLIs: found, answering `--version`, and starting headless the way a task
 * starts them, stopped at their first event (tasks/backends/agent-doctor.ts, headless-probe.ts).
 * Only the agents the settings use are checked (the default agent, one with a configured path, or
 * one a project names), so a claude-only setup gets no lines about them. Missing is an error for
 * the default agent, otherwise a warning. Claude has its own, deeper check (agent-check.ts).
 */
import { checkAgents } from '../tasks/backends/agent-doctor.js';
import type { Settings } from '../config/config.js';
import { error, ok, seconds, warning, type DoctorCheck, type DoctorFinding } from './types.js';

type Other = 'codex' | 'gemini';

function usedAgents(s: Settings): Set<Other> {
  const used = new Set<Other>();
  for (const a of ['codex', 'gemini'] as const) {
    const path = a === 'codex' ? s.codexPath : s.geminiPath;
    if (s.agent === a || path !== undefined || Object.values(s.projectAgents ?? {}).includes(a)) used.add(a);
  }
  return used;
}

export const otherAgentsCheck: DoctorCheck = {
  name: 'agents',
  applies: (ctx) => usedAgents(ctx.settings).size > 0,
  run: async (ctx): Promise<DoctorFinding[]> => {
    const s = ctx.settings;
    const defaultAgent = s.agent ?? (s.agentCommand ? 'command' : 'claude');
    const used = usedAgents(s);
    const checks = await checkAgents({
      claudePath: s.claudePath,
      codexPath: s.codexPath,
      geminiPath: s.geminiPath,
      defaultAgent,
      env: ctx.env,
      cwd: s.cwd,
      timeoutMs: ctx.timeoutMs,
      probe: used,
      envPolicy: s.agentEnv,
      probeTimeoutMs: ctx.headlessTimeoutMs ?? 2 * ctx.timeoutMs,
    });
    return checks
      .filter((c): c is typeof c & { agent: Other } => c.agent !== 'claude' && used.has(c.agent))
      .map((c) => {
        const name = `agent:${c.agent}`;
        if (!c.problem) {
          const started =
            c.headlessMs === undefined ? '' : `, starts headless (first event after ${seconds(c.headlessMs)})`;
          return ok(name, `${c.agent} ${c.version ?? ''} (${c.path ?? ''})${started}`.replace(/\s+/g, ' '));
        }
        // Found and answering, but it did not start headless.
        if (c.version !== undefined)
          return c.agent === defaultAgent
            ? error(name, `${c.problem} — it is the default agent, so tasks would fail`)
            : warning(name, `${c.problem} — ${c.agent} tasks would fail`);
        if (c.agent === defaultAgent)
          return error(
            name,
            `${c.problem} — it is the default agent; install it or set ${c.agent}Path / --${c.agent}-path`,
          );
        return warning(name, `${c.problem} — only needed for ${c.agent} tasks`);
      });
  },
};
