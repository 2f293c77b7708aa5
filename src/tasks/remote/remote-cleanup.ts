/**
 * Run folders on a host are removed once voice-orch has collected them: as soon as a run's output,
 * exit status and stderr are in the local log, its folder goes. Folders that could not be removed
 * then (the connection was down, voice-orch quit first) are swept once a session: any run folder
 * whose run ended more than {@link KEEP_ENDED_DAYS} days ago and that this machine's run index no
 * longer names. A run that is still going, or not yet collected, is never touched.
 */
import { SWEEP_SCRIPT } from './remote-scripts.js';
import { runSsh, type SshTarget } from './ssh-transport.js';

/** Days an ended, uncollected-by-us run folder is kept on the host before the sweep removes it. */
export const KEEP_ENDED_DAYS = 7;

/** Removes one collected run's folder (best effort: a leftover is swept later). */
export async function removeRunFolder(t: SshTarget, runDir: string): Promise<void> {
  await runSsh(t, ['rm', '-rf', '--', runDir]);
}

/** Removes run folders under `stateDir` that ended over `days` days ago, except the `keep` run ids. */
export async function sweepRunFolders(
  t: SshTarget,
  stateDir: string,
  keep: readonly string[],
  days = KEEP_ENDED_DAYS,
): Promise<boolean> {
  const r = await runSsh(t, ['sh', '-c', SWEEP_SCRIPT, 'voice-orch-sweep', stateDir, String(days), ...keep]);
  return r.exitCode === 0;
}
