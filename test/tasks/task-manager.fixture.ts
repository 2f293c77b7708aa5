// Shared setup for the task engine tests: temp roots, a manager wired to the fixture agents, waits.
import { spawn, type ChildProcess } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { TaskManager, type TaskManagerOptions } from '../../src/tasks/task-manager.js';
import type { TaskManagerEvents, TaskOutputEntry, TaskRecord } from '../../src/tasks/types.js';

export const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures');
export const FAKE_AGENT = join(FIXTURES, 'fake-agent.mjs');
export const FAKE_CLAUDE = join(FIXTURES, 'fake-claude');
const REPO = resolve(FIXTURES, '../..');
const HOST = join(REPO, 'test/helpers/task-host.mjs');

/** A temp world: project roots with subdirectories, a state dir, an agent environment. */
export interface World {
  root: string;
  stateDir: string;
  /** Creates (if needed) and returns the absolute path of project `name` under the root. */
  dir(name: string): string;
  env: Record<string, string | undefined>;
  managers: TaskManager[];
  make(opts?: Partial<TaskManagerOptions>): TaskManager;
  cleanup(): Promise<void>;
}

export function makeWorld(extraEnv: Record<string, string> = {}): World {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'vo-tasks-')));
  const stateDir = join(root, '.state');
  const home = join(root, '.home');
  mkdirSync(home);
  const env: Record<string, string | undefined> = {
    ...process.env,
    HOME: home,
    CLAUDE_CONFIG_DIR: join(home, '.claude'),
    FAKE_CLAUDE_SPEED: '5',
    ...extraEnv,
  };
  const managers: TaskManager[] = [];
  const world: World = {
    root,
    stateDir,
    env,
    managers,
    dir(name) {
      const p = join(root, name);
      mkdirSync(p, { recursive: true });
      return p;
    },
    make(opts = {}) {
      const m = new TaskManager({
        stateDir,
        roots: [root],
        claudePath: FAKE_CLAUDE,
        env,
        cancelGraceMs: 300,
        tailPollMs: 50,
        watchIntervalMs: 50,
        descendantScanMs: 200,
        ...opts,
      });
      managers.push(m);
      return m;
    },
    async cleanup() {
      for (const m of managers) await m.shutdown('cancel');
      rmSync(root, { recursive: true, force: true });
    },
  };
  return world;
}

/** Polls `fn` until it returns a truthy value (or throws after `timeoutMs`). */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Resolves with the first `event` whose arguments pass `pred`. */
export function nextEvent<K extends keyof TaskManagerEvents>(
  m: TaskManager,
  event: K,
  pred: (...args: TaskManagerEvents[K]) => boolean = () => true,
  timeoutMs = 15_000,
): Promise<TaskManagerEvents[K]> {
  // The generic EventEmitter's conditional listener type does not narrow for a generic K.
  const em = m as unknown as EventEmitter;
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      em.off(event, listener);
      reject(new Error(`timed out waiting for "${String(event)}"`));
    }, timeoutMs);
    const listener = (...raw: unknown[]): void => {
      const args = raw as TaskManagerEvents[K];
      if (!pred(...args)) return;
      clearTimeout(timer);
      em.off(event, listener);
      resolvePromise(args);
    };
    em.on(event, listener);
  });
}

/** Waits for task `id` to finish and returns its record. */
export async function finished(m: TaskManager, id: number, timeoutMs = 15_000): Promise<TaskRecord> {
  const now = m.get(id);
  if (now && !['queued', 'running'].includes(now.status)) return now;
  const [t] = await nextEvent(m, 'finished', (t) => t.id === id, timeoutMs);
  return t;
}

/** Process state letter from /proc, or undefined when the pid does not exist. */
export function procState(pid: number): string | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

/** Parsed JSON lines of a task's logs (all runs) that have the given `subtype` (fixture agents' fact lines). */
export function factLines(m: TaskManager, id: number, subtype: string): Record<string, unknown>[] {
  // Every run's log, in run order (each run writes its own).
  const files = [...new Set((m.get(id)?.runs ?? []).map((r) => r.logFile ?? `${id}.ndjson`))];
  let text = '';
  for (const f of files) {
    try {
      text += readFileSync(join(m.stateDir, 'tasks', f), 'utf8');
    } catch {
      // not written yet
    }
  }
  const out: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes(`"subtype":"${subtype}"`)) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a partly written line: the caller polls again
    }
  }
  return out;
}

/** argv of the command backend running the fake agent with `args`. */
export function agentArgv(...args: string[]): string[] {
  return [process.execPath, FAKE_AGENT, ...args];
}

/** One JSON line of test/helpers/task-host.mjs. */
export interface HostEvent {
  event: string;
  id?: number;
  status?: string;
  session?: string | null;
  pid?: number | null;
}

/** Runs test/helpers/task-host.mjs (a TaskManager in its own process) on the world's state dir, spawning `spawns`. */
export function startTaskHost(
  w: World,
  spawns: { name: string; prompt: string; projectDir: string }[],
): {
  events: HostEvent[];
  proc: ChildProcess;
} {
  const cfg = join(w.root, 'host.json');
  writeFileSync(
    cfg,
    JSON.stringify({ stateDir: w.stateDir, roots: [w.root], env: w.env, claudePath: FAKE_CLAUDE, spawns }),
  );
  const proc = spawn(process.execPath, ['--import', 'tsx', HOST, cfg], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const events: HostEvent[] = [];
  createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (l) => {
    try {
      events.push(JSON.parse(l) as HostEvent);
    } catch {
      // not one of ours
    }
  });
  return { events, proc };
}

/** Every entry of a task's log, paged backwards from the newest page (for small test logs). */
export async function readWholeLog(m: TaskManager, id: number): Promise<TaskOutputEntry[]> {
  let page = await m.readLogPage(id);
  const pages = [page.entries];
  while (!page.atStart) {
    page = await m.readLogPage(id, { before: page.start });
    pages.unshift(page.entries);
  }
  return pages.flat();
}
