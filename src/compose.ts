/**
 * The wiring half of the composition root: settings → services → bindings. `cli.tsx` calls it and
 * renders `<App/>`; the app rig in the tests calls it with test doubles for audio and
 * push-to-talk. No rendering here.
 */
import { bindHostConnections } from './state/bind-hosts.js';
import { createPlacedRunner, hostPlacements } from './tasks/remote/placed-runner.js';
import { join } from 'node:path';
import type { Settings } from './config/config.js';
import { TaskManager } from './tasks/task-manager.js';
import { configureAgentPricing } from './tasks/run-estimate.js';
import { startPermissions, type Permissions } from './permissions/permissions.js';
import type { PendingRequest } from './permissions/broker.js';
import { bindPermissions } from './state/bind-permissions.js';
import { bindFollowUps } from './state/bind-follow-ups.js';
import { FollowUpQueue } from './tasks/follow-up-queue.js';
import { requestNotice } from './commands/wording/request-notices.js';
import { agentTaskOptions } from './config/agent-options.js';
import type { ShutdownPolicy } from './tasks/types.js';
import { readEarlierTranscript } from './session/transcript-history.js';
import { bindStartEarcon } from './audio/task-start-earcon.js';
import { RealtimeEngine } from './session/realtime/realtime-engine.js';
import type { VoiceEngine } from './session/voice-engine.js';
import type { ToolHost } from './session/types.js';
import type { ModelPricing } from './session/cost-meter.js';
import { AudioService } from './audio/audio-service.js';
import { createNullAudio } from './audio/null-audio.js';
import type { AudioInputPort, AudioOutputPort } from './audio/types.js';
import { PushToTalk } from './input/push-to-talk.js';
import type { PushToTalkPort } from './input/types.js';
import { createDispatcher, createToolHost, type Dispatcher } from './commands/index.js';
import type { CommandContext, PttKeySink } from './commands/types.js';
import { createTerminalClipboard } from './shared/clipboard.js';
import { taskNotice } from './commands/wording/task-notices.js';
import {
  bindAudio,
  bindNoticeExpiry,
  bindPushToTalk,
  bindTaskManager,
  bindVoiceSession,
  createAppStore,
  type AppStore,
} from './state/index.js';

/** Microphone and speaker with one close(). */
export interface AudioPair {
  input: AudioInputPort;
  output: AudioOutputPort;
  close(): Promise<void>;
}

/** Replacements for the parts that touch hardware (tests, benchmarks). */
export interface ComposeOverrides {
  audio?: AudioPair;
  ptt?: PushToTalkPort & PttKeySink;
  /** Extra TaskManager options (e.g. short grace periods in tests). */
  taskOptions?: Partial<ConstructorParameters<typeof TaskManager>[0]>;
  /** Store notifications synchronously (tests). */
  syncStore?: boolean;
  /** Builds the voice engine instead of the Realtime one (a second engine, a test double). */
  voiceEngine?: VoiceEngineFactory;
}

/** What a voice engine is built from: the settings and the parts the composition owns. */
export interface VoiceEngineDeps {
  settings: Settings;
  toolHost: ToolHost;
  audio: AudioOutputPort;
  /** Whether the push-to-talk key is physically held. */
  isTalkHeld: () => boolean;
}

/** Makes the app's voice engine. */
export type VoiceEngineFactory = (deps: VoiceEngineDeps) => VoiceEngine;

/** The default engine: OpenAI Realtime. */
export const realtimeEngine: VoiceEngineFactory = ({ settings, toolHost, audio, isTalkHeld }) =>
  new RealtimeEngine({
    apiKey: settings.apiKey,
    baseUrl: settings.realtimeUrl,
    model: settings.model,
    voice: settings.voice,
    toolHost,
    audio,
    stateDir: settings.stateDir,
    latencyLogPath: join(settings.stateDir, 'latency.jsonl'),
    isTalkHeld,
    noticeMode: settings.notices,
    earconBeforeNotice: settings.earconBeforeNotice,
    pricing: pricingFrom(settings),
  });

/** Everything the UI needs, and the one way to stop it all. */
export interface ComposedApp {
  tasks: TaskManager;
  /** The permission channel (requests from agents). */
  permissions: Permissions;
  voice: VoiceEngine;
  audio: AudioPair;
  ptt: PushToTalkPort & PttKeySink;
  store: AppStore;
  commands: Dispatcher;
  ctx: CommandContext;
  /** Closes the session, helpers and bindings; keeps or cancels live tasks. Never rejects. */
  shutdown(policy: ShutdownPolicy): Promise<void>;
}

function pricingFrom(settings: Settings): Record<string, ModelPricing> | undefined {
  if (!settings.pricing) return undefined;
  // Images are not part of a voice turn; the published image prices fill the rows.
  return Object.fromEntries(
    Object.entries(settings.pricing).map(([model, p]) => [model, { ...p, imageIn: 5, imageCached: 0.5 }]),
  );
}

/**
 * Builds the services from settings and binds them to a new store. `onQuit` is what the quit
 * command calls (the caller unmounts the UI and calls `shutdown`).
 */
export async function composeApp(
  settings: Settings,
  onQuit: (policy: ShutdownPolicy) => void,
  overrides: ComposeOverrides = {},
): Promise<ComposedApp> {
  const placed = settings.hosts ? createPlacedRunner(settings.hosts, settings.stateDir) : undefined;
  const permissions = await startPermissions({
    stateDir: settings.stateDir,
    timeoutMs: settings.decisionTimeoutMs,
    highRisk: settings.highRiskCommands,
    ...(settings.projectHighRiskCommands ? { projectHighRisk: settings.projectHighRiskCommands } : {}),
  });
  configureAgentPricing(settings.agentPricing);
  const tasks = new TaskManager({
    permissionPrompt: permissions.prompt,
    waitingForDecision: (id) => permissions.desk.forTask(id) !== undefined,
    allowedTools: settings.allowedTools,
    ...(settings.projectAllowedTools ? { projectAllowedTools: settings.projectAllowedTools } : {}),
    stateDir: settings.stateDir,
    roots: settings.roots,
    claudePath: settings.claudePath,
    maxConcurrent: settings.maxConcurrent,
    sameDirPolicy: settings.sameDirPolicy,
    isolation: settings.isolation,
    defaultPermissionMode: settings.permissionMode,
    allowBypassPermissions: settings.allowBypassPermissions,
    stallTimeoutMs: settings.stallTimeoutMs,
    agentEnv: settings.agentEnv,
    defaultMaxBudgetUsd: settings.maxBudgetUsd,
    ...(settings.agentCommand ? { backend: 'command' as const, commandArgv: settings.agentCommand } : {}),
    ...(placed && settings.hosts ? { runner: placed, hosts: hostPlacements(settings.hosts) } : {}),
    ...agentTaskOptions(settings),
    ...overrides.taskOptions,
  });
  await tasks.start();

  const audio: AudioPair =
    overrides.audio ??
    (settings.audio
      ? new AudioService({
          inputDevice: settings.inputDevice,
          outputDevice: settings.outputDevice,
          inputStream: settings.micStream,
        })
      : createNullAudio({ kind: 'disabled', reason: 'audio off (--no-audio)' }));
  const ptt: PushToTalkPort & PttKeySink = overrides.ptt ?? new PushToTalk({ key: settings.pttKey });
  const store = createAppStore({
    // The status bar names the model that answers: the chat model when the cascade runs.
    model: settings.voiceEngine.engine === 'cascade' ? settings.voiceEngine.llm.model : settings.model,
    pttMode: ptt.mode(),
    ...(overrides.syncStore ? { sync: true } : {}),
  });

  permissions.desk.projectDirOf = (id) => tasks.get(id)?.projectDir;
  const ctx: CommandContext = {
    tasks,
    store,
    ptt,
    quit: onQuit,
    requests: permissions.desk,
    followUps: new FollowUpQueue(tasks),
    clipboard: createTerminalClipboard((d) => process.stdout.write(d)),
    startDir: process.cwd(),
    ...(settings.hosts ? { hosts: hostPlacements(settings.hosts) } : {}),
  };
  // The cascade engine (and the HTTP client it brings) loads only when chosen: most starts use
  // Realtime, and evaluating it cost about a tenth of a second of cold start.
  const chosen =
    settings.voiceEngine.engine === 'cascade'
      ? (await import('./session/cascade/cascade-factory.js')).cascadeEngine
      : realtimeEngine;
  const voice = (overrides.voiceEngine ?? chosen)({
    settings,
    toolHost: createToolHost(ctx),
    audio: audio.output,
    isTalkHeld: () => ptt.isTalking(),
  });
  ctx.voice = voice;
  const commands = createDispatcher(ctx);

  // Push-to-talk drives the microphone and the turn; audio only flows between press and release.
  const onPress = (): void => {
    audio.input.start();
    voice.talkStart();
  };
  const onRelease = (): void => {
    audio.input.stop();
    voice.talkEnd();
  };
  const onDiscard = (): void => {
    audio.input.stop();
    voice.talkDiscard();
  };
  const onChunk = (pcm: Buffer): void => voice.appendAudio(pcm);
  ptt.on('press', onPress);
  ptt.on('release', onRelease);
  ptt.on('discard', onDiscard);
  audio.input.on('chunk', onChunk);

  const onFinished = (task: Parameters<typeof taskNotice>[0]): void => {
    const notice = taskNotice(task, 'finished', Date.now());
    if (notice) voice.notify(notice);
  };
  const onStalled = (task: Parameters<typeof taskNotice>[0]): void => {
    const notice = taskNotice(task, 'stalled', Date.now());
    if (notice) voice.notify(notice);
  };
  tasks.on('finished', onFinished);
  tasks.on('stalled', onStalled);
  const onRequest = (req: PendingRequest): void => voice.notify(requestNotice(req, tasks.get(req.task), Date.now()));
  permissions.broker.on('request', onRequest);

  // Earlier runs' conversation goes on screen before anything of this run can arrive.
  for (const entry of await readEarlierTranscript(join(settings.stateDir, 'transcript.jsonl'))) {
    store.dispatch({ type: 'transcript/upsert', entry });
  }
  const unbinds = [
    bindTaskManager(store, tasks),
    bindVoiceSession(store, voice),
    bindPushToTalk(store, ptt),
    bindAudio(store, audio.input, audio.output),
    bindNoticeExpiry(store),
    ...(placed ? [bindHostConnections(store, placed, Date.now, tasks), () => placed.close()] : []),
    bindPermissions(store, permissions.broker),
    bindStartEarcon(tasks, audio.output, () => voice.noticeMode() !== 'off'),
    ...(ctx.followUps ? [bindFollowUps(store, ctx.followUps)] : []),
  ];

  // The cascade can run on local endpoints that need no key; its failures say what to set.
  if (!settings.apiKey && settings.voiceEngine.engine !== 'cascade') {
    store.dispatch({
      type: 'notice/add',
      text: 'Keyboard-only: set OPENAI_API_KEY to talk to the assistant. Press ? for keys.',
      level: 'info',
      at: Date.now(),
      ttlMs: 15_000,
    });
  }
  voice.start();
  // What start() found before anything was bound to it: registry problems and tasks that ended
  // while voice-orch was not running. Now the screen and the voice session hear them.
  tasks.emitStartupEvents();

  let closing: Promise<void> | null = null;
  return {
    tasks,
    permissions,
    voice,
    audio,
    ptt,
    store,
    commands,
    ctx,
    shutdown(policy) {
      closing ??= (async () => {
        ptt.off('press', onPress);
        ptt.off('release', onRelease);
        ptt.off('discard', onDiscard);
        audio.input.off('chunk', onChunk);
        tasks.off('finished', onFinished);
        tasks.off('stalled', onStalled);
        permissions.broker.off('request', onRequest);
        // Each service gets its chance even when another one fails.
        await Promise.allSettled([
          Promise.resolve().then(() => audio.input.stop()),
          ptt.close(),
          voice.close(),
          audio.close(),
          tasks.shutdown(policy),
          permissions.close(),
        ]);
        for (const unbind of unbinds) unbind();
      })();
      return closing;
    },
  };
}
