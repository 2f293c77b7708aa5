/**
 * The runner the task manager gets when hosts are configured: runs go to this machine or to the
 * host their spec names, and every later call about a process goes to the runner that owns it
 * (each SSH runner knows its runs by pid and start time; anything else is local).
 */
import { join } from 'node:path';
import type { HostSettings } from '../../config/hosts.js';
import { LocalRunner } from '../local-runner.js';
import type {
  MarkedRunProcess,
  ProcessSnapshot,
  RunProcess,
  Runner,
  RunSpec,
  SeenProcess,
  StartedRun,
} from '../runner.js';
import type { HostPlacement } from '../task-placement.js';
import type { ActionResult } from '../types.js';
import { SshRunner, type HostConnection } from './ssh-runner.js';

/** See this file's header. */
export class PlacedRunner implements Runner {
  readonly hosts: ReadonlyMap<string, SshRunner>;

  constructor(
    hosts: Iterable<SshRunner>,
    private readonly local: Runner = new LocalRunner(),
  ) {
    this.hosts = new Map([...hosts].map((h) => [h.name, h]));
  }

  private of(proc: RunProcess): Runner {
    for (const h of this.hosts.values()) if (h.owns(proc)) return h;
    return this.local;
  }

  /** Each host's connection now (for the table and the status line). */
  connections(): Record<string, HostConnection> {
    return Object.fromEntries([...this.hosts].map(([n, h]) => [n, h.connection]));
  }

  /** The host of a run's process, undefined when it runs on this machine. */
  hostOf(proc: RunProcess): string | undefined {
    const r = this.of(proc);
    return r instanceof SshRunner ? r.name : undefined;
  }

  /** Stops following remote runs (they go on on their hosts). */
  close(): void {
    for (const h of this.hosts.values()) h.close();
  }

  start(spec: RunSpec): Promise<ActionResult<StartedRun>> {
    if (spec.host === undefined) return this.local.start(spec);
    const h = this.hosts.get(spec.host);
    if (!h) return Promise.resolve({ ok: false, message: `there is no host ${spec.host} in the config` });
    return h.start(spec);
  }

  isAlive(proc: RunProcess): Promise<boolean> {
    return this.of(proc).isAlive(proc);
  }

  isSameProcess(proc: RunProcess): boolean {
    return this.of(proc).isSameProcess(proc);
  }

  terminate(proc: RunProcess): void {
    this.of(proc).terminate(proc);
  }

  interrupt(proc: RunProcess): boolean {
    return this.of(proc).interrupt?.(proc) ?? false;
  }

  kill(proc: RunProcess): void {
    this.of(proc).kill(proc);
  }

  killDescendants(procs: Iterable<SeenProcess>): number {
    // Descendants are recorded only from the local snapshot (remote runs have none here).
    return this.local.killDescendants(procs);
  }

  async snapshot(): Promise<ProcessSnapshot | undefined> {
    const snap = await this.local.snapshot();
    if (!snap) return undefined;
    // A remote run's pid names a process on its host: never read this machine's tree for it.
    return {
      startTimeOf: (pid) => snap.startTimeOf(pid),
      descendantsOf: (pid) => (this.hostOf({ pid }) === undefined ? snap.descendantsOf(pid) : []),
    };
  }

  async findMarked(variable: string): Promise<MarkedRunProcess[]> {
    const all = await Promise.all([this.local, ...this.hosts.values()].map((r) => r.findMarked(variable)));
    return all.flat();
  }
}

/** What placement needs of the configured hosts. */
export function hostPlacements(hosts: Readonly<Record<string, HostSettings>>): Record<string, HostPlacement> {
  return Object.fromEntries(
    Object.entries(hosts).map(([n, h]) => [
      n,
      { roots: h.roots ?? [], ...(h.maxConcurrent !== undefined ? { maxConcurrent: h.maxConcurrent } : {}) },
    ]),
  );
}

/** One SSH runner per configured host, local state under `<stateDir>/hosts/<name>`. */
export function createPlacedRunner(hosts: Readonly<Record<string, HostSettings>>, stateDir: string): PlacedRunner {
  const runners = Object.entries(hosts).map(
    ([name, h]) =>
      new SshRunner({
        name,
        target: {
          destination: h.ssh,
          ...(h.port !== undefined ? { port: h.port } : {}),
          ...(h.identityFile !== undefined ? { identityFile: h.identityFile } : {}),
          ...(h.sshConfig !== undefined ? { configFile: h.sshConfig } : {}),
        },
        localDir: join(stateDir, 'hosts', name),
        agentPath: h.claudePath ?? 'claude',
        ...(h.stateDir !== undefined ? { remoteStateDir: h.stateDir } : {}),
        ...(h.passEnv !== undefined ? { passEnv: h.passEnv } : {}),
      }),
  );
  return new PlacedRunner(runners);
}
