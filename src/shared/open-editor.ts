/**
 * `o`: open a folder in the user's editor, `$VISUAL` else `$EDITOR`. A terminal editor needs
 * the terminal, so the screen is handed over while it runs (the caller unmounts the UI and draws
 * it again afterwards); a windowed editor returns at once. The editor setting is the user's own
 * command line, split on blanks and run as an argv, no shell; the folder is an absolute path, so
 * it can never be read as an option.
 */
import { isAbsolute } from 'node:path';
import { execa } from 'execa';

/** Opens a folder in the user's editor; `opened: false` when none is set (the message names the folder). */
export interface OpenFolderPort {
  open(dir: string): Promise<{ ok: boolean; opened: boolean; message: string }>;
}

/** Runs `run` while the UI has given up the terminal, and draws the UI again after. */
export type TerminalHandover = <T>(run: () => Promise<T>) => Promise<T>;

/** The editor's argv from the environment: `$VISUAL`, else `$EDITOR`, split on blanks; undefined when neither is set. */
export function editorArgv(env: Readonly<Record<string, string | undefined>>): string[] | undefined {
  for (const name of ['VISUAL', 'EDITOR']) {
    const words = (env[name] ?? '').trim().split(/\s+/).filter(Boolean);
    if (words.length > 0) return words;
  }
  return undefined;
}

/** The port the app uses: the editor from `env`, the terminal handed over with `handOver`. */
export function createEditorOpener(
  env: Readonly<Record<string, string | undefined>>,
  handOver: TerminalHandover,
): OpenFolderPort {
  return {
    async open(dir) {
      const argv = editorArgv(env);
      if (!argv) return { ok: true, opened: false, message: `No $VISUAL or $EDITOR is set. The folder is ${dir}` };
      if (!isAbsolute(dir)) return { ok: false, opened: false, message: `Not an absolute folder: ${dir}` };
      const [file, ...args] = argv as [string, ...string[]];
      const r = await handOver(() => execa(file, [...args, dir], { cwd: dir, stdio: 'inherit', reject: false }));
      if (r.failed && r.exitCode === undefined)
        return { ok: false, opened: false, message: `Could not start ${file}: ${r.shortMessage}` };
      if (r.exitCode !== 0) return { ok: false, opened: true, message: `${file} ended with exit code ${r.exitCode}` };
      return { ok: true, opened: true, message: `Opened ${dir} in ${file}` };
    },
  };
}
