/**
 * What `voice-orch doctor` can say about a configured host: reachable, key accepted (host key
 * known), the agent CLI present with its version, node for the permission bridge, each root
 * present, the state folder writable.
 * One ssh command; nothing throws.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { HostSettings } from '../../config/hosts.js';
import { oneLine, sanitizeLine } from '../../shared/sanitize.js';
import { PROBE_SCRIPT } from './remote-scripts.js';
import { runSsh, type SshTarget } from './ssh-transport.js';

/** One finding of {@link checkHost}: what was checked, whether it passed, a sentence. */
export interface HostCheck {
  check: 'reachable' | 'agent' | 'node' | 'state' | 'root';
  ok: boolean;
  detail: string;
}

function connectionDetail(stderr: string): string {
  if (/host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/i.test(stderr)) {
    return 'the host key is not known or has changed (connect once with ssh to check and accept it)';
  }
  if (/permission denied/i.test(stderr)) return 'the host refused the key (permission denied)';
  const line = oneLine(stderr.trim().split('\n').at(-1) ?? '', 200);
  return line ? `cannot connect: ${line}` : 'cannot connect';
}

/**
 * Checks one host. `localDir` holds its connection socket (a private folder of voice-orch's state);
 * `configFile` overrides the ssh_config (tests).
 */
export async function checkHost(name: string, h: HostSettings, localDir: string): Promise<HostCheck[]> {
  const controlDir = join(localDir, 'ctl');
  try {
    mkdirSync(controlDir, { recursive: true, mode: 0o700 });
  } catch {
    // runSsh then connects without a shared connection
  }
  const target: SshTarget = {
    destination: h.ssh,
    controlDir,
    ...(h.port !== undefined ? { port: h.port } : {}),
    ...(h.identityFile !== undefined ? { identityFile: h.identityFile } : {}),
    ...(h.sshConfig !== undefined ? { configFile: h.sshConfig } : {}),
  };
  const agent = h.claudePath ?? 'claude';
  const stateDir = h.stateDir ?? '.local/state/voice-orch/runs';
  const r = await runSsh(
    target,
    ['sh', '-c', PROBE_SCRIPT, 'voice-orch-probe', stateDir, agent, ...(h.roots ?? [])],
    30_000,
  );
  if (r.connectionFailed) return [{ check: 'reachable', ok: false, detail: `${name}: ${connectionDetail(r.stderr)}` }];
  const out: HostCheck[] = [{ check: 'reachable', ok: true, detail: `${name}: reachable, key accepted` }];
  for (const line of r.stdout.split('\n')) {
    const [kind, ...rest] = line.split(' ');
    const text = sanitizeLine(rest.join(' '));
    if (kind === 'agent') {
      out.push(
        text === '-'
          ? { check: 'agent', ok: false, detail: `${name}: ${agent} was not found on the host` }
          : { check: 'agent', ok: true, detail: `${name}: agent ${text}` },
      );
    } else if (kind === 'node') {
      const major = Number(/ v(\d+)\./.exec(text)?.[1] ?? 0);
      out.push(
        major >= 20
          ? { check: 'node', ok: true, detail: `${name}: node ${text} (permission requests of its tasks)` }
          : {
              check: 'node',
              ok: false,
              detail: `${name}: no node 20 or later on the host; its tasks run without asking for permission`,
            },
      );
    } else if (kind === 'state') {
      out.push({
        check: 'state',
        ok: text === 'ok',
        detail: `${name}: state folder ${stateDir} ${text === 'ok' ? 'writable' : 'not writable'}`,
      });
    } else if (kind === 'root') {
      const ok = text.startsWith('ok ');
      out.push({ check: 'root', ok, detail: `${name}: root ${text.slice(ok ? 3 : 8)} ${ok ? 'present' : 'missing'}` });
    }
  }
  return out;
}
