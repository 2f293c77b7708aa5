/**
 * Drives the built voice-orch binary in a private tmux server: send keys, read the screen.
 * Each session uses its own socket (`tmux -L`), so tests never touch the user's tmux.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export class TmuxSession {
  readonly socket = `vo-e2e-${process.pid}-${randomBytes(4).toString('hex')}`;
  private started = false;

  constructor(
    readonly cols = 120,
    readonly rows = 40,
  ) {}

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  }

  /**
   * Starts `command` (a shell command line) in a detached pane. CI=true makes Ink draw nothing
   * until exit, so it is removed for the app; the pane stays after exit to read the last screen.
   */
  start(command: string, env: Record<string, string> = {}, cwd?: string): void {
    const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    const cwdArgs = cwd ? ['-c', cwd] : [];
    this.tmux(
      'new-session',
      '-d',
      '-s',
      'app',
      '-x',
      String(this.cols),
      '-y',
      String(this.rows),
      ...cwdArgs,
      ...envArgs,
      `env -u CI -u CONTINUOUS_INTEGRATION ${command}; echo "[exited $?]"; sleep 3600`,
    );
    this.started = true;
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', 'app');
  }

  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', 'app', ...keys);
  }

  /** Pastes `text` as a terminal paste does (bracketed when the app asked for it). */
  paste(text: string): void {
    this.tmux('set-buffer', '--', text);
    this.tmux('paste-buffer', '-p', '-d', '-t', 'app');
  }

  /** Types `text` as is; `--` keeps text that starts with `-` from being read as a tmux option. */
  literal(text: string): void {
    this.tmux('send-keys', '-t', 'app', '-l', '--', text);
  }

  async waitFor(re: RegExp, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = this.screen();
      if (re.test(s)) return s;
      if (Date.now() > deadline) throw new Error(`timeout waiting for ${re}; screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  kill(): void {
    if (!this.started) return;
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
  }
}
