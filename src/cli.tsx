#!/usr/bin/env node
/**
 * The composition root: flags + config → services → bind to the store → render <App/>.
 * It also owns shutdown: mic off, session closed, helpers ended, tasks kept or cancelled, terminal
 * restored, also after an error.
 */
import { errorText } from './shared/errors.js';
import { readFileSync, statSync } from 'node:fs';
import React from 'react';
import { render, type Instance } from 'ink';
import { HELP_TEXT, loadSettings, type Settings } from './config/config.js';
import type { ShutdownPolicy } from './tasks/types.js';
import { listAudioDevices, formatDevices } from './audio/devices.js';
import { doctorExitCode, formatFindings, formatFindingsJson, runDoctorChecks } from './doctor/run-doctor.js';
import { composeApp } from './compose.js';
import { prepareStateDir } from './config/state-dir.js';
import { acquireStateLock } from './config/state-lock.js';
import { App } from './components/App.js';
import { SCREEN_MAX_FPS } from './components/render-options.js';
import { createEditorOpener } from './shared/open-editor.js';
import { formatVoiceCheck, formatVoiceCheckJson, runVoiceCheck } from './session/voice-check.js';
import { releaseTerminal } from './shared/terminal-input.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

function fail(message: string, code = 2): never {
  process.stderr.write(`voice-orch: ${message}\n`);
  process.exit(code);
}

/** The first root (other than the start folder) that is not a folder, in a sentence; undefined when all are. */
function missingRoot(settings: Settings): string | undefined {
  for (const root of settings.roots) {
    if (root === settings.cwd) continue;
    let isDir = false;
    try {
      isDir = statSync(root).isDirectory();
    } catch {
      // missing or unreadable: reported below
    }
    if (!isDir)
      return `the root ${root} (from --root, VOICE_ORCH_ROOTS or config.json) does not exist or is not a folder`;
  }
  return undefined;
}

async function runApp(settings: Settings): Promise<void> {
  const rootProblem = missingRoot(settings);
  if (rootProblem) fail(`${rootProblem}. Fix or remove it.`);
  const stateProblem = prepareStateDir(settings.stateDir);
  if (stateProblem) fail(`${stateProblem}. Choose another with --state-dir or VOICE_ORCH_STATE_DIR.`);
  // Before anything reads the registry: a second instance on the same directory would hand out
  // the same ids and share logs. Checked before the terminal so it is what a second start says.
  const locked = acquireStateLock(settings.stateDir);
  if (!locked.ok) fail(locked.message, 1);
  process.on('exit', () => locked.lock.release());
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    fail('needs an interactive terminal (run it in a terminal or a tmux pane). Try `voice-orch --help`.');
  }

  let quitting: Promise<void> | null = null;
  let ink: Instance | null = null;
  const app = await composeApp(settings, (policy) => void shutdown(policy, 0));

  async function shutdown(policy: ShutdownPolicy, code: number): Promise<void> {
    if (quitting) return quitting;
    quitting = (async () => {
      // A service that hangs must not keep the process alive: the cancel grace is 5 s.
      setTimeout(() => process.exit(code), 10_000).unref();
      try {
        ink?.unmount();
      } catch {
        // the terminal may already be gone
      }
      await app.shutdown(policy);
      const live = app.tasks.list().filter((t) => t.status === 'running' || t.status === 'queued').length;
      if (policy === 'keep' && live > 0) {
        process.stdout.write(
          `voice-orch: ${live} task${live === 1 ? '' : 's'} left running; start voice-orch again to follow them.\n`,
        );
      }
      process.exit(code);
    })();
    return quitting;
  }

  // The terminal can vanish (tmux pane killed, SSH dropped): writes then fail with EIO. Such
  // errors must end the app quietly, never feed back into the error handler.
  const ignoreStreamError = (): void => {};
  process.stdout.on('error', ignoreStreamError);
  process.stderr.on('error', ignoreStreamError);
  let fatalSeen = false;
  const onFatal = (err: unknown): void => {
    if (fatalSeen) return;
    fatalSeen = true;
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    const terminalGone = code === 'EIO' || code === 'EPIPE' || code === 'ENXIO';
    try {
      ink?.unmount();
    } catch {
      // the terminal may already be gone
    }
    if (!terminalGone) {
      try {
        process.stderr.write(`voice-orch: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
      } catch {
        // nowhere left to report it
      }
    }
    void shutdown('keep', terminalGone ? 0 : 1);
  };
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);
  // A closed terminal or a kill: keep tasks running (they outlive the UI and are re-adopted).
  process.on('SIGTERM', () => void shutdown('keep', 0));
  process.on('SIGHUP', () => void shutdown('keep', 0));
  process.stdin.on('end', () => void shutdown('keep', 0));

  const mount = (): Instance =>
    render(<App store={app.store} commands={app.commands} bracketedPaste />, {
      exitOnCtrlC: false,
      maxFps: SCREEN_MAX_FPS,
    });
  // `o` hands the terminal to the user's editor: the UI unmounts, and is drawn again after.
  let handingOver: Promise<void> | null = null;
  app.commands.ctx.openFolder = createEditorOpener(process.env, async (run) => {
    let done = (): void => {};
    handingOver = new Promise<void>((r) => (done = r));
    // Keys typed from now on are the editor's: voice-orch stops reading the terminal.
    await releaseTerminal(process.stdin, () => ink?.unmount());
    try {
      return await run();
    } finally {
      if (!quitting) ink = mount();
      done();
    }
  });
  ink = mount();
  for (;;) {
    await ink.waitUntilExit();
    const pending: Promise<void> | null = handingOver;
    if (!pending) break;
    await pending;
    if (handingOver === pending) handingOver = null;
  }
}

async function main(): Promise<void> {
  const res = loadSettings(process.argv.slice(2), process.env);
  if (!res.ok) fail(res.message);
  const settings = res.settings;
  switch (settings.command) {
    case 'help':
      process.stdout.write(HELP_TEXT);
      return;
    case 'version':
      process.stdout.write(`${pkg.version}\n`);
      return;
    case 'devices': {
      try {
        const devices = await listAudioDevices({});
        process.stdout.write(`${formatDevices(devices)}\n`);
      } catch (err) {
        fail(`cannot list audio devices: ${errorText(err)}`, 1);
      }
      return;
    }
    case 'doctor': {
      // With --json, stdout carries only the findings; progress lines go to stderr.
      const progress = (line: string): boolean => (settings.json ? process.stderr : process.stdout).write(`${line}\n`);
      const findings = await runDoctorChecks(settings, { progress });
      process.stdout.write(settings.json ? formatFindingsJson(findings) : formatFindings(findings));
      process.exitCode = doctorExitCode(findings);
      return;
    }
    case 'voice-check': {
      if (!settings.wav) fail('voice-check needs --wav FILE (a 16-bit PCM WAV file holding the spoken turn).');
      const report = await runVoiceCheck(settings, settings.wav);
      process.stdout.write(settings.json ? formatVoiceCheckJson(report) : formatVoiceCheck(report, settings));
      process.exitCode = report.ok ? 0 : 1;
      return;
    }
    case 'run':
      await runApp(settings);
  }
}

main().catch((err: unknown) => fail(`could not start: ${(err as Error)?.message ?? String(err)}`, 1));
