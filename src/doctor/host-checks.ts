/**
 * `voice-orch doctor` for remote hosts: each configured host is checked over the user's own ssh
 * (tasks/remote/check-host.ts): reachable with the key accepted, the agent CLI and its version,
 * the state folder writable, each root present. A host that cannot run tasks is an error (tasks
 * placed on it would fail); a missing root is a warning (the other roots still work).
 */
import { join } from 'node:path';
import { checkHost, type HostCheck } from '../tasks/remote/check-host.js';
import { error, ok, warning, type DoctorCheck, type DoctorFinding } from './types.js';

function finding(host: string, destination: string, c: HostCheck): DoctorFinding {
  const name = `host:${host}`;
  if (c.ok) return ok(name, c.detail);
  if (c.check === 'root') return warning(name, `${c.detail}: create it on the host or remove it from the host's roots`);
  if (c.check === 'node') return warning(name, `${c.detail} (install node 20 or later there)`);
  if (c.check === 'reachable') {
    return error(name, `${c.detail}; tasks on it cannot run (try: ssh ${destination} true)`);
  }
  if (c.check === 'agent') return error(name, `${c.detail}: install it there or set the host's claudePath`);
  return error(name, `${c.detail}: set the host's stateDir to a folder the ssh user can write`);
}

/** One finding per host check, named `host:<name>`; skipped when no hosts are configured. */
export const hostsCheck: DoctorCheck = {
  name: 'hosts',
  applies: (ctx) => Object.keys(ctx.settings.hosts ?? {}).length > 0,
  run: async (ctx) => {
    const findings: DoctorFinding[] = [];
    for (const [name, h] of Object.entries(ctx.settings.hosts ?? {})) {
      ctx.progress(`Checking host ${name} over ssh…`);
      const checks = await checkHost(name, h, join(ctx.settings.stateDir, 'hosts', name));
      for (const c of checks) findings.push(finding(name, h.ssh, c));
    }
    return findings;
  },
};
