#!/usr/bin/env node
/**
 * The composition root: flags + config → services → bind to the store → render <App/>.
 * It also owns shutdown: mic off, session closed, helpers ended, tasks kept or cancelled, terminal
 * restored, also after an error.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import React from 'react';
import { render, type Instance } from 'ink';
import { HELP_TEXT, loadSettings, type Settings } from './config/config.js';
import { TaskManager } from './tasks/task-manager.js';
import type { ShutdownPolicy } from './tasks/types.js';
import { VoiceSession } from './session/voice-session.js';
import type { ModelPricing } from './session/cost-meter.js';
import { AudioService } from './audio/audio-service.js';
import { createNullAudio } from './audio/null-audio.js';
import { listAudioDevices, formatDevices } from './audio/devices.js';
import { formatDoctorReport, runDoctor } from './audio/doctor.js';
import type { AudioInputPort, AudioOutputPort } from './audio/types.js';
import { PushToTalk } from './input/push-to-talk.js';
import { createDispatcher, createToolHost } from './commands/index.js';
import type { CommandContext } from './commands/types.js';
import { taskNotice } from './commands/task-notices.js';
import {
  bindAudio,
  bindNoticeExpiry,
  bindPushToTalk,
  bindTaskManager,
  bindVoiceSession,
  createAppStore,
} from './state/index.js';
import { App } from './components/App.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

function fail(message: string, code = 2): never {
  process.stderr.write(`voice-orch: ${message}\n`);
  process.exit(code);
}

function pricingFrom(settings: Settings): Record<string, ModelPricing> | undefined {
  if (!settings.pricing) return undefined;
  return Object.fromEntries(
    Object.entries(settings.pricing).map(([model, p]) => [model, { ...p, imageIn: 5, imageCached: 0.5 }]),
  );
}

async function runApp(settings: Settings): Promise<void> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    fail('needs an interactive terminal (run it in a terminal or a tmux pane). Try `voice-orch --help`.');
  }

  const tasks = new TaskManager({
    stateDir: settings.stateDir,
    roots: settings.roots,
    claudePath: settings.claudePath,
    maxConcurrent: settings.maxConcurrent,
    sameDirPolicy: settings.sameDirPolicy,
    defaultPermissionMode: settings.permissionMode,
    allowBypassPermissions: settings.allowBypassPermissions,
    stallTimeoutMs: settings.stallTimeoutMs,
  });
  await tasks.start();

  const audio: { input: AudioInputPort; output: AudioOutputPort; close(): Promise<void> } = settings.audio
    ? new AudioService({ inputDevice: settings.inputDevice, outputDevice: settings.outputDevice })
    : createNullAudio({ kind: 'disabled', reason: 'audio off (--no-audio)' });

  const ptt = new PushToTalk({ key: settings.pttKey });
  const store = createAppStore({ model: settings.model, pttMode: ptt.mode() });

  let quitting: Promise<void> | null = null;
  let ink: Instance | null = null;
  const ctx: CommandContext = {
    tasks,
    store,
    ptt: ptt,
    quit: (policy) => {
      void shutdown(policy, 0);
    },
  };
  const toolHost = createToolHost(ctx);
  const voice = new VoiceSession({
    apiKey: settings.apiKey,
    baseUrl: settings.realtimeUrl,
    model: settings.model,
    voice: settings.voice,
    toolHost,
    audio: audio.output,
    stateDir: settings.stateDir,
    latencyLogPath: join(settings.stateDir, 'latency.jsonl'),
    isTalkHeld: () => ptt.isTalking(),
    noticeMode: settings.notices,
    pricing: pricingFrom(settings),
  });
  ctx.voice = voice;
  const commands = createDispatcher(ctx);

  // Push-to-talk drives the microphone and the turn; audio only flows between press and release.
  ptt.on('press', () => {
    audio.input.start();
    voice.talkStart();
  });
  ptt.on('release', () => {
    audio.input.stop();
    voice.talkEnd();
  });
  ptt.on('discard', () => {
    audio.input.stop();
    voice.talkDiscard();
  });
  audio.input.on('chunk', (pcm) => voice.appendAudio(pcm));

  tasks.on('finished', (task) => {
    const notice = taskNotice(task, 'finished', Date.now());
    if (notice) voice.notify(notice);
  });
  tasks.on('stalled', (task) => {
    const notice = taskNotice(task, 'stalled', Date.now());
    if (notice) voice.notify(notice);
  });

  const unbinds = [
    bindTaskManager(store, tasks),
    bindVoiceSession(store, voice),
    bindPushToTalk(store, ptt),
    bindAudio(store, audio.input, audio.output),
    bindNoticeExpiry(store),
  ];

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
      const steps: Promise<unknown>[] = [
        Promise.resolve().then(() => audio.input.stop()),
        ptt.close(),
        voice.close(),
        audio.close(),
        tasks.shutdown(policy),
      ];
      // Each service gets its chance even when another one fails.
      await Promise.allSettled(steps);
      for (const unbind of unbinds) unbind();
      const live = tasks.list().filter((t) => t.status === 'running' || t.status === 'queued').length;
      if (policy === 'keep' && live > 0) {
        process.stdout.write(`voice-orch: ${live} task${live === 1 ? '' : 's'} left running; start voice-orch again to follow them.\n`);
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

  if (!settings.apiKey) {
    store.dispatch({
      type: 'notice/add',
      text: 'Keyboard-only: set OPENAI_API_KEY to talk to the assistant. Press ? for keys.',
      level: 'info',
      at: Date.now(),
      ttlMs: 15_000,
    });
  }
  voice.start();
  ink = render(<App store={store} commands={commands} />, { exitOnCtrlC: false });
  await ink.waitUntilExit();
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
        fail(`cannot list audio devices: ${(err as Error).message}`, 1);
      }
      return;
    }
    case 'doctor': {
      const report = await runDoctor({
        inputDevice: settings.inputDevice,
        outputDevice: settings.outputDevice,
        pttKey: settings.pttKey,
        noAudio: !settings.audio,
        onProgress: (line) => process.stdout.write(`${line}\n`),
      });
      process.stdout.write(`${formatDoctorReport(report)}\n`);
      process.exitCode = report.problems.length ? 1 : 0;
      return;
    }
    case 'run':
      await runApp(settings);
  }
}

void main();
