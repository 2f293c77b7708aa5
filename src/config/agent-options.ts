/**
 * The task engine's agent options from the settings: the default agent (a configured `agent`
 * wins over a configured agent command), per-project agents, the codex/gemini executables and
 * their token prices.
 */
import type { TaskManagerOptions } from '../tasks/task-manager-options.js';
import type { Settings } from './config.js';

/** The agent part of the task manager's options (see this file's header). */
export function agentTaskOptions(
  settings: Pick<Settings, 'agent' | 'projectAgents' | 'codexPath' | 'geminiPath' | 'agentPrices' | 'agentApprovals'>,
): Partial<TaskManagerOptions> {
  const o: Partial<TaskManagerOptions> = {};
  if (settings.agent !== undefined) o.backend = settings.agent;
  if (settings.projectAgents !== undefined) o.projectAgents = settings.projectAgents;
  if (settings.codexPath !== undefined) o.codexPath = settings.codexPath;
  if (settings.geminiPath !== undefined) o.geminiPath = settings.geminiPath;
  if (settings.agentPrices !== undefined) o.agentPrices = settings.agentPrices;
  if (settings.agentApprovals !== undefined) o.agentApprovals = settings.agentApprovals;
  return o;
}
