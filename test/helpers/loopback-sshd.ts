/**
 * A real OpenSSH server on the loopback interface for the remote-host tests: its own host key,
 * one authorized user key, a known_hosts that names it, and an ssh_config file with a host alias
 * (`Host voh-test`) so the client is used exactly as a person's ~/.ssh/config would use it
 * (host keys checked, BatchMode, no agent forwarding). Nothing of the user's own ssh setup is read.
 *
 * The server logs in as the current user (the tests' "remote" machine is this one).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** The alias that the generated ssh_config names. */
export const TEST_HOST_ALIAS = 'voh-test';

/** A running loopback sshd and the client files that reach it. */
export interface LoopbackSshd {
  port: number;
  dir: string;
  /** ssh_config with `Host voh-test` (HostName 127.0.0.1, the port, the key, the known_hosts). */
  sshConfigFile: string;
  /** `-F <config>`: pass before the destination. */
  clientArgs: string[];
  /** Kills every live connection (the listener stays): what a dropped network looks like. */
  dropConnections(): void;
  /** Stops the listener and every connection (the host is down). */
  stop(): Promise<void>;
  /** Starts the listener again on the same port (the host is back). */
  restart(): Promise<void>;
  /** Stops it and removes its files. */
  close(): Promise<void>;
}

function sshdPath(): string {
  for (const p of ['/usr/sbin/sshd', '/usr/bin/sshd', '/sbin/sshd']) {
    try {
      execFileSync(p, ['-V'], { stdio: 'ignore' });
      return p;
    } catch (e) {
      // `sshd -V` exits non-zero on older releases but exists: ENOENT is the only "missing".
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return p;
    }
  }
  throw new Error('sshd not found (install openssh-server)');
}

/** True when this machine has both the OpenSSH server and client. */
export function sshAvailable(): boolean {
  try {
    sshdPath();
    execFileSync('ssh', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function keygen(path: string, comment: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], { stdio: 'ignore' });
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // exited while listing
    }
  }
  return out;
}

/** Starts sshd on a free loopback port; resolves once a client logs in through it. */
export async function startLoopbackSshd(): Promise<LoopbackSshd> {
  const sshd = sshdPath();
  const dir = mkdtempSync(join(tmpdir(), 'vo-sshd-'));
  chmodSync(dir, 0o700);
  const hostKey = join(dir, 'host_key');
  const userKey = join(dir, 'user_key');
  keygen(hostKey, 'voice-orch test host');
  keygen(userKey, 'voice-orch test user');
  const authorized = join(dir, 'authorized_keys');
  writeFileSync(authorized, readFileSync(`${userKey}.pub`), { mode: 0o600 });
  const port = await freePort();
  const serverConfig = join(dir, 'sshd_config');
  writeFileSync(
    serverConfig,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${authorized}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'UsePAM no',
      'StrictModes no',
      'AllowAgentForwarding no',
      'AllowTcpForwarding yes',
      'AllowStreamLocalForwarding yes',
      'PermitRootLogin prohibit-password',
      'MaxSessions 50',
      'MaxStartups 50',
      'ClientAliveInterval 0',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const hostPub = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostPub}\n`);
  const sshConfigFile = join(dir, 'ssh_config');
  writeFileSync(
    sshConfigFile,
    [
      `Host ${TEST_HOST_ALIAS}`,
      '  HostName 127.0.0.1',
      `  Port ${port}`,
      `  User ${userInfo().username}`,
      `  IdentityFile ${userKey}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${knownHosts}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
      '  ForwardAgent no',
      '  ConnectTimeout 5',
      '  ServerAliveInterval 2',
      '  ServerAliveCountMax 2',
      '',
    ].join('\n'),
  );
  const clientArgs = ['-F', sshConfigFile];

  let proc: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    proc = spawn(sshd, ['-D', '-e', '-f', serverConfig], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    for (let i = 0; i < 100; i++) {
      try {
        execFileSync('ssh', [...clientArgs, TEST_HOST_ALIAS, 'true'], { stdio: 'ignore', timeout: 5000 });
        return;
      } catch {
        if (proc.exitCode !== null) throw new Error(`sshd exited: ${err}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`sshd did not accept a login: ${err}`);
  };
  const stopListener = async (): Promise<void> => {
    const p = proc;
    proc = undefined;
    if (!p || p.exitCode !== null || p.pid === undefined) return;
    for (const c of childrenOf(p.pid)) {
      try {
        process.kill(c, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await gone;
  };
  await launch();
  return {
    port,
    dir,
    sshConfigFile,
    clientArgs,
    dropConnections() {
      const pid = proc?.pid;
      if (pid === undefined) return;
      for (const c of childrenOf(pid)) {
        try {
          process.kill(c, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
    stop: stopListener,
    restart: launch,
    async close() {
      await stopListener();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
