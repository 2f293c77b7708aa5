/**
 * Checks that need no network: the Node version, the config file, the roots and the state
 * directory (created if missing, writable, private, not locked by a running instance).
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { prepareStateDir } from '../config/state-dir.js';
import { acquireStateLock } from '../config/state-lock.js';
import { error, ok, warning, type DoctorCheck, type DoctorFinding } from './types.js';

/** Oldest Node major version voice-orch runs on (package.json `engines`). */
export const MIN_NODE_MAJOR = 20;

/** Node is new enough. */
export const nodeCheck: DoctorCheck = {
  name: 'node',
  run: async () => {
    const major = Number(process.versions.node.split('.')[0]);
    return [
      major >= MIN_NODE_MAJOR
        ? ok('node', `Node ${process.versions.node}`)
        : error('node', `Node ${process.versions.node} is too old; install Node ${MIN_NODE_MAJOR} or newer.`),
    ];
  },
};

/** The config file was read (it parsed, or the doctor would not have started) or is absent. */
export const configCheck: DoctorCheck = {
  name: 'config',
  run: async ({ settings }) => [
    ok(
      'config',
      existsSync(settings.configPath)
        ? `${settings.configPath} is valid`
        : `no config file at ${settings.configPath} (defaults apply)`,
    ),
  ],
};

/** Every root exists and is a readable folder. */
export const rootsCheck: DoctorCheck = {
  name: 'roots',
  run: async ({ settings }) => {
    const found: DoctorFinding[] = [];
    for (const root of settings.roots) {
      let problem: string | undefined;
      try {
        if (!statSync(root).isDirectory()) problem = 'is not a folder';
        else accessSync(root, constants.R_OK | constants.X_OK);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        problem = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'error'})`;
      }
      found.push(
        problem
          ? error('roots', `root ${root} ${problem}. Fix or remove it (--root, VOICE_ORCH_ROOTS or config.json).`)
          : ok('roots', `root ${root} is readable`),
      );
    }
    return found;
  },
};

/** The state directory can be written, is private, and no running instance holds it. */
export const stateDirCheck: DoctorCheck = {
  name: 'state-dir',
  run: async ({ settings }) => {
    const dir = settings.stateDir;
    const problem = prepareStateDir(dir);
    if (problem) return [error('state-dir', `${problem}. Choose another with --state-dir or VOICE_ORCH_STATE_DIR.`)];
    const lock = acquireStateLock(dir);
    if (!lock.ok) return [error('state-dir', lock.message)];
    lock.lock.release();
    const mode = statSync(dir).mode & 0o777;
    if (mode & 0o077) {
      return [
        warning(
          'state-dir',
          `${dir} is readable by others (mode ${mode.toString(8)}); its logs hold task output. Run: chmod 700 ${dir}`,
        ),
      ];
    }
    return [ok('state-dir', `${dir} is writable and private`)];
  },
};
