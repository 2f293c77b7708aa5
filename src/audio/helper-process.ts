import { fork, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

/** How a helper process ended. */
export interface HelperExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Last line the helper wrote to stderr or stdout (PortAudio/ALSA chatter), for the reason text. */
  lastLine: string;
}

/** Options of {@link spawnHelper}. */
export interface SpawnHelperOptions {
  env?: NodeJS.ProcessEnv;
  onMessage(m: unknown): void;
  onExit(exit: HelperExit): void;
  /** Keeps the last lines of the helper's stdout/stderr here (diagnostics). */
  log?: string[];
}

/** Path of a helper script next to this module (works from src under tsx/vitest and from dist). */
export function helperScript(name: string): string {
  return fileURLToPath(new URL(`./${name}`, import.meta.url));
}

/**
 * Forks a helper script with stdout/stderr piped (never the app's terminal) and IPC with advanced
 * serialization (Buffers arrive as Uint8Array). The cwd is the temp dir because naudiodon's
 * segfault handler writes crash.log into the cwd.
 */
export function spawnHelper(script: string, opts: SpawnHelperOptions): ChildProcess {
  const log = opts.log ?? [];
  const child = fork(script, [], {
    cwd: tmpdir(),
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
    execArgv: [],
  });
  const collect = (stream: 'out' | 'err') => (d: Buffer) => {
    for (const line of d.toString().split('\n')) {
      if (!line.trim()) continue;
      log.push(`${stream}: ${line}`);
      if (log.length > 200) log.shift();
    }
  };
  child.stdout?.on('data', collect('out'));
  child.stderr?.on('data', collect('err'));
  child.on('message', (m) => {
    try {
      opts.onMessage(m);
    } catch (err) {
      log.push(`app: message handler failed: ${(err as Error).message}`);
    }
  });
  let exited = false;
  const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
    if (exited) return;
    exited = true;
    // stdout/stderr may still hold the last words; give them a moment
    setImmediate(() => {
      const errLines = log.filter((l) => l.startsWith('err: '));
      const last = (errLines[errLines.length - 1] ?? log[log.length - 1] ?? '').replace(/^(out|err): /, '');
      try {
        opts.onExit({ code, signal, lastLine: last.trim().slice(0, 200) });
      } catch (err) {
        // runs from setImmediate: a throw here would be an uncaught exception in the app
        log.push(`app: exit handler failed: ${(err as Error).message}`);
      }
    });
  };
  child.on('exit', onExit);
  child.on('error', (err) => {
    log.push(`app: helper error: ${err.message}`);
    if (child.exitCode === null && child.pid === undefined) onExit(null, null);
  });
  return child;
}

/** "SIGSEGV" or "code 3". */
export function describeExit(e: HelperExit): string {
  return `${e.signal ?? `code ${e.code}`}${e.lastLine ? `: ${e.lastLine}` : ''}`;
}
