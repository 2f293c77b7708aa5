/**
 * Permission requests from runs on a host. The agent there starts the same permission bridge as a
 * local run (dist/permission-bridge.js), with the host's `node`: the bundled bridge is copied into
 * the host's state folder (`.bridge/permission-bridge-<hash>.mjs`, checked by its SHA-256, sent
 * only when missing or different). The bridge talks to a Unix socket in the host's private
 * `.sock/` folder, which the host's shared SSH connection forwards to voice-orch's own socket
 * (OpenSSH stream-local forwarding, `ssh -O forward -R`). Each task proves itself with its own
 * token, as locally. The forward lives as long as the connection: every new shared connection
 * (after a drop) forwards it again, and the bridge, which retries every second, reconnects and
 * sends its open requests again, so a request survives a dropped connection. A run's index entry
 * keeps its local socket, so a restarted voice-orch that re-adopts the run forwards it again too.
 *
 * A host without `node` (20 or later) has no channel: its runs start without the prompt tool and
 * the task's output says so.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { bridgeScript } from '../../permissions/channel.js';
import { BRIDGE_ENV, MCP_SERVER_NAME } from '../../permissions/protocol.js';
import { oneLine } from '../../shared/sanitize.js';
import type { ActionResult } from '../types.js';
import { PREPARE_SCRIPT, UPLOAD_SCRIPT } from './remote-scripts.js';
import { forwardSocket, masterId, onNewMaster, runSsh, type SshTarget } from './ssh-transport.js';

/** Where a host's runs find the bridge and the socket. */
export interface RemoteBridge {
  /** The host's node. */
  node: string;
  /** The bridge script on the host. */
  script: string;
  /** The forwarded socket on the host. */
  socket: string;
}

/** What a remote run gets instead of the local prompt channel. */
export interface RemoteRunArgs {
  args: string[];
  /** Variables of the run's environment that must reach the host too. */
  passEnv: string[];
  /** Why the run has no prompt channel, for the task's output. */
  note?: string;
  /** The local socket the host's socket is forwarded to (kept so a restarted voice-orch forwards it again). */
  socket?: string;
}

const MIN_NODE_MAJOR = 20;

/** The position of `--mcp-config` among the options (before `--`), or -1. */
function optionIndex(args: readonly string[], name: string): number {
  const end = args.indexOf('--');
  const i = args.indexOf(name);
  return i >= 0 && (end < 0 || i < end) && i + 1 < args.length ? i : -1;
}

/** The local socket the run's MCP config names (undefined: the run has no prompt channel). */
export function localSocketOf(args: readonly string[]): string | undefined {
  const i = optionIndex(args, '--mcp-config');
  if (i < 0) return undefined;
  try {
    const cfg = JSON.parse(args[i + 1] as string) as { mcpServers?: Record<string, { env?: Record<string, string> }> };
    const s = cfg.mcpServers?.[MCP_SERVER_NAME]?.env?.[BRIDGE_ENV.socket];
    return typeof s === 'string' ? s : undefined;
  } catch {
    return undefined;
  }
}

/** The run's argv with its bridge started on the host: the host's node, script and socket. */
export function withRemoteBridge(args: readonly string[], b: RemoteBridge): string[] {
  const i = optionIndex(args, '--mcp-config');
  const out = [...args];
  if (i < 0) return out;
  const cfg = JSON.parse(args[i + 1] as string) as {
    mcpServers: Record<string, { command: string; args: string[]; env: Record<string, string> }>;
  };
  const server = cfg.mcpServers[MCP_SERVER_NAME];
  if (!server) return out;
  cfg.mcpServers[MCP_SERVER_NAME] = {
    ...server,
    command: b.node,
    args: [b.script],
    env: { ...server.env, [BRIDGE_ENV.socket]: b.socket },
  };
  out[i + 1] = JSON.stringify(cfg);
  return out;
}

/** The run's argv without the prompt channel (`--mcp-config`, `--permission-prompt-tool`). */
export function withoutPromptTool(args: readonly string[]): string[] {
  const out = [...args];
  for (const name of ['--mcp-config', '--permission-prompt-tool']) {
    const i = optionIndex(out, name);
    if (i >= 0) out.splice(i, 2);
  }
  return out;
}

/** The channel of one host (see this file's header). */
export class RemotePermissions {
  private bridge: RemoteBridge | undefined;
  private forwardedOn: number | undefined;
  private forwarding: Promise<string | undefined> | undefined;
  private local: string | undefined;
  private unhook: (() => void) | undefined;

  constructor(
    private readonly name: string,
    private readonly target: SshTarget,
    private readonly stateDir: string,
    private readonly script: string | undefined = bridgeScript(),
  ) {}

  /** Stops forwarding again on new connections. */
  close(): void {
    this.unhook?.();
  }

  /**
   * The argv of a run on the host: its bridge moved there when the run has a prompt channel and
   * the host can run it; else without the channel, and a note saying why.
   */
  async runArgs(args: readonly string[]): Promise<RemoteRunArgs> {
    const local = localSocketOf(args);
    if (local === undefined) return { args: [...args], passEnv: [] };
    const b = await this.prepare(local);
    if (!b.ok) {
      return {
        args: withoutPromptTool(args),
        passEnv: [],
        note: `voice-orch: permission requests of this run cannot reach voice-orch (${b.message}); it runs without asking.`,
      };
    }
    return { args: withRemoteBridge(args, b.value), passEnv: ['MCP_TOOL_TIMEOUT'], socket: local };
  }

  /** The bridge on the host and the forward to `local`, made when missing. */
  async prepare(local: string): Promise<ActionResult<RemoteBridge>> {
    if (this.script === undefined) return { ok: false, message: 'the permission bridge is not built' };
    let b = this.bridge;
    if (b === undefined) {
      const made = await this.install(this.script, local);
      if (!made.ok) return made;
      b = made.value;
      this.bridge = b;
      this.local = local;
      this.unhook = onNewMaster(this.target, () => void this.forward());
    }
    const failed = await this.forward();
    return failed === undefined ? { ok: true, value: b } : { ok: false, message: failed };
  }

  /** Forwards the host's socket on the shared connection now up, unless already done on it. */
  forward(): Promise<string | undefined> {
    const b = this.bridge;
    const local = this.local;
    if (!b || local === undefined) return Promise.resolve('the bridge is not installed');
    const id = masterId(this.target);
    if (id === undefined) return Promise.resolve(`no shared connection to ${this.name} to forward through`);
    if (id === this.forwardedOn) return this.forwarding ?? Promise.resolve(undefined);
    this.forwardedOn = id;
    this.forwarding = (async () => {
      // A shared connection that outlived an earlier voice-orch may still hold this forward: ssh
      // would take a second one as done, so it is cancelled first (nothing when there is none).
      // Then a socket left by an earlier connection would make the host refuse to listen there.
      await forwardSocket(this.target, b.socket, local, 'cancel');
      const rm = await runSsh(this.target, ['rm', '-f', '--', b.socket]);
      const r = rm.exitCode === 0 ? await forwardSocket(this.target, b.socket, local) : rm;
      if (r.exitCode === 0) return undefined;
      if (this.forwardedOn === id) this.forwardedOn = undefined;
      const why = oneLine(r.stderr.trim().split('\n')[0] ?? '', 200) || `exit ${r.exitCode}`;
      return `the socket could not be forwarded: ${why}`;
    })();
    return this.forwarding;
  }

  private async install(script: string, local: string): Promise<ActionResult<RemoteBridge>> {
    let body: Buffer;
    try {
      body = readFileSync(script);
    } catch {
      return { ok: false, message: 'the permission bridge is not built' };
    }
    const hash = createHash('sha256').update(body).digest('hex');
    const file = `permission-bridge-${hash.slice(0, 16)}.mjs`;
    const r = await runSsh(this.target, ['sh', '-c', PREPARE_SCRIPT, 'voice-orch-prepare', this.stateDir, file, hash]);
    const line = (key: string): string | undefined =>
      r.stdout
        .split('\n')
        .find((l) => l.startsWith(`${key} `))
        ?.slice(key.length + 1);
    const dir = line('dir');
    if (r.exitCode !== 0 || dir === undefined) {
      const why = oneLine(r.stderr.trim().split('\n')[0] ?? '', 200) || `exit ${r.exitCode}`;
      return { ok: false, message: r.connectionFailed ? `${this.name} is unreachable` : why };
    }
    const node = /^(\/\S+) v(\d+)\./.exec(line('node') ?? '');
    if (!node || Number(node[2]) < MIN_NODE_MAJOR) {
      return { ok: false, message: `${this.name} has no node ${MIN_NODE_MAJOR} or later on its PATH` };
    }
    const path = `${dir}/.bridge/${file}`;
    if (line('bridge') !== 'ok') {
      const up = await runSsh(this.target, ['sh', '-c', UPLOAD_SCRIPT, 'voice-orch-upload', path, hash], 120_000, body);
      if (up.exitCode !== 0) {
        const why = oneLine(up.stderr.trim().split('\n')[0] ?? '', 200) || `exit ${up.exitCode}`;
        return { ok: false, message: `the bridge could not be copied to ${this.name}: ${why}` };
      }
    }
    const key = createHash('sha256').update(local).digest('hex').slice(0, 12);
    return { ok: true, value: { node: node[1] as string, script: path, socket: `${dir}/.sock/p-${key}` } };
  }
}
