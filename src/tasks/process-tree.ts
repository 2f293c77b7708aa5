/**
 * Linux process facts from /proc: liveness with pid-reuse detection (start time, field 22 of
 * /proc/<pid>/stat), descendants by ppid, and signals that never throw.
 *
 * Agents outlive voice-orch, so after a restart they are no longer our children: we cannot wait
 * for them and must poll /proc instead. Bash-tool children of the Claude CLI run in their own
 * process group, so a group kill misses them; we find them by ppid while the agent runs.
 */
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

/** The fields of /proc/<pid>/stat the task engine uses. */
export interface ProcStat {
  pid: number;
  /** Single-letter state: R, S, D, T, Z (zombie), X (dead)… */
  state: string;
  ppid: number;
  pgrp: number;
  sid: number;
  /** Clock ticks since boot when the process started (field 22); identifies it across pid reuse. */
  startTime: number;
}

/** A process we may signal later, identified by pid and start time so a reused pid is never hit. */
export interface ProcRef {
  pid: number;
  startTime: number;
}

/**
 * Parses the text of /proc/<pid>/stat. The command name (field 2) may contain spaces and
 * parentheses, so fields are counted from the last `)`.
 */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  // rest[0] is field 3 (state); field n is rest[n - 3].
  const rest = text.slice(close + 2).split(' ');
  const state = rest[0];
  const ppid = Number(rest[1]);
  const pgrp = Number(rest[2]);
  const sid = Number(rest[3]);
  const startTime = Number(rest[19]);
  if (!Number.isInteger(pid) || state === undefined || !Number.isFinite(startTime)) return undefined;
  return { pid, state, ppid, pgrp, sid, startTime };
}

/** /proc/<pid>/stat, or undefined when the process does not exist. */
export async function readProcStat(pid: number): Promise<ProcStat | undefined> {
  try {
    return parseProcStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Synchronous {@link readProcStat}, for the moment right after spawning (the record must carry it). */
export function readProcStatSync(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** A process that still runs: present, not a zombie, and (when given) with the same start time. */
export function isRunningStat(stat: ProcStat | undefined, startTime?: number): stat is ProcStat {
  if (stat === undefined) return false;
  if (stat.state === 'Z' || stat.state === 'X' || stat.state === 'x') return false;
  return startTime === undefined || stat.startTime === startTime;
}

/** True while `pid` runs and is the same process (start time) we recorded. */
export async function isProcessRunning(pid: number, startTime?: number): Promise<boolean> {
  return isRunningStat(await readProcStat(pid), startTime);
}

/** Every process visible in /proc (a snapshot; processes may vanish while it is taken). */
export async function listProcesses(): Promise<ProcStat[]> {
  let names: string[];
  try {
    names = await readdir('/proc');
  } catch {
    return [];
  }
  const pids = names.filter((n) => n.charCodeAt(0) >= 48 && n.charCodeAt(0) <= 57).map(Number);
  const out: ProcStat[] = [];
  // Bounded parallelism: fast, without opening hundreds of files at once.
  const width = 32;
  for (let i = 0; i < pids.length; i += width) {
    const stats = await Promise.all(pids.slice(i, i + width).map((p) => readProcStat(p)));
    for (const s of stats) if (s !== undefined) out.push(s);
  }
  return out;
}

/**
 * Descendants of `roots` in a snapshot (children by ppid, recursively), not including the roots.
 * Zombies are included: they still hold a pid until reaped, but signalling them is harmless.
 */
export function descendantsOf(roots: readonly number[], procs: readonly ProcStat[]): ProcStat[] {
  const byParent = new Map<number, ProcStat[]>();
  for (const p of procs) {
    const list = byParent.get(p.ppid);
    if (list) list.push(p);
    else byParent.set(p.ppid, [p]);
  }
  const out: ProcStat[] = [];
  const seen = new Set<number>(roots);
  const stack = [...roots];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    for (const child of byParent.get(pid) ?? []) {
      if (seen.has(child.pid)) continue;
      seen.add(child.pid);
      out.push(child);
      stack.push(child.pid);
    }
  }
  return out;
}

/** Sends a signal to one process; false when it does not exist (or we may not signal it). */
export function signalProcess(pid: number, signal: NodeJS.Signals): boolean {
  if (!Number.isInteger(pid) || pid <= 1) return false;
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Sends a signal to a whole process group; false when the group is gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Sends `signal` to each recorded process that is still the same process (start time checked
 * just before, so a pid reused by an unrelated program is left alone). Returns how many were signalled.
 */
export function signalRefs(refs: Iterable<ProcRef>, signal: NodeJS.Signals): number {
  let n = 0;
  for (const r of refs) {
    const stat = readProcStatSync(r.pid);
    if (!isRunningStat(stat, r.startTime)) continue;
    if (signalProcess(r.pid, signal)) n++;
  }
  return n;
}

/** A process that carries a variable in its environment, with that variable's value. */
export interface MarkedProcess extends ProcStat {
  value: string;
}

/**
 * Processes whose environment (/proc/<pid>/environ, readable only for the user's own processes)
 * holds `name`. A snapshot: the environment is the one the process started with.
 */
export async function processesWithEnv(name: string): Promise<MarkedProcess[]> {
  const prefix = Buffer.from(`${name}=`);
  const out: MarkedProcess[] = [];
  const procs = await listProcesses();
  const width = 32;
  for (let i = 0; i < procs.length; i += width) {
    const found = await Promise.all(
      procs.slice(i, i + width).map(async (p): Promise<MarkedProcess | undefined> => {
        let env: Buffer;
        try {
          env = await readFile(`/proc/${p.pid}/environ`);
        } catch {
          return undefined;
        }
        for (let at = 0; at < env.length;) {
          let end = env.indexOf(0, at);
          if (end < 0) end = env.length;
          if (env.subarray(at, at + prefix.length).equals(prefix)) {
            return { ...p, value: env.toString('utf8', at + prefix.length, end) };
          }
          at = end + 1;
        }
        return undefined;
      }),
    );
    for (const f of found) if (f !== undefined && isRunningStat(f)) out.push(f);
  }
  return out;
}
