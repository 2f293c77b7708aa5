/**
 * Agents run at a lower CPU priority than voice-orch. Twenty busy agents on a two-core machine
 * otherwise get the same share of the cores as the screen and the voice session each, and a key
 * press waits behind them; at a lower priority they still use every idle cycle, so on a quiet
 * machine they run as fast as before. Processes the agent starts inherit the priority.
 */
import { setPriority } from 'node:os';

/** The niceness agents start with (0 is normal, 19 the lowest priority). */
export const AGENT_NICENESS = 10;

/**
 * Lowers a just-started agent's priority to {@link AGENT_NICENESS}. Best effort: a process that
 * already ended, or a system that refuses, leaves the agent at normal priority.
 */
export function lowerAgentPriority(pid: number): void {
  try {
    setPriority(pid, AGENT_NICENESS);
  } catch {
    // The agent runs either way; priority is a courtesy to the screen, not a requirement.
  }
}
