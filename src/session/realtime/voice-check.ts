/**
 * voice-check's turn through the Realtime engine (src/session/voice-check.ts): the engine itself,
 * with no tools and a counting speaker, on a transport that stamps the turn's events as they pass
 * — commit sent, the speech transcript, the first response audio, the response done. The turn
 * starts once the session is ready, so the stages measure the turn, not the connection.
 */
import { performance } from 'node:perf_hooks';
import type { Settings } from '../../config/config.js';
import { BYTES_PER_MS } from '../../audio/types.js';
import { errorText } from '../../shared/errors.js';
import type { ServerEvent } from '../realtime-client.js';
import type { ConnectionState } from '../types.js';
import { after, NO_TOOLS, stageLine, type CountingOutput, type VoiceCheckReport } from '../voice-check-parts.js';
import { RealtimeEngine } from './realtime-engine.js';
import { wsTransport, type TransportFactory } from './transport.js';

/** The stages of a Realtime turn, in order, as the report names them. */
export const REALTIME_CHECK_STAGES = {
  audioSent: 'audio sent (committed)',
  transcript: 'speech transcript',
  firstAudio: 'first response audio',
  responseDone: 'response done',
} as const;

type Stage = keyof typeof REALTIME_CHECK_STAGES;

/** Microphone-sized pieces: each is one `input_audio_buffer.append`, as while talking. */
const CHUNK_MS = 100;
/** Waiting for the session (the engine's own connect timeout is 15 s) and for the answer. */
const CONNECT_WAIT_MS = 20_000;
const TURN_WAIT_MS = 60_000;
/** A transcript may come after the answer; this long is waited for it. */
const TRANSCRIPT_GRACE_MS = 10_000;

/** A transport that reports what it sends and receives (`at` is performance.now()). */
function stamping(
  inner: TransportFactory,
  sent: (type: string, at: number) => void,
  received: (ev: ServerEvent, at: number) => void,
  warning: (message: string) => void,
): TransportFactory {
  return (opts) => {
    const t = inner(opts);
    t.on('event', (ev, at) => received(ev, at));
    t.on('warning', warning);
    return {
      connect: () => t.connect(),
      isOpen: () => t.isOpen(),
      send: (ev) => {
        const ok = t.send(ev);
        if (ok) sent(ev.type, performance.now());
        return ok;
      },
      close: (code, reason) => t.close(code, reason),
      on: (event, listener) => t.on(event, listener),
      once: (event, listener) => t.once(event, listener),
    };
  };
}

/** `error.message` of a failed transcription or response, if the event carries one. */
function errorMessage(v: unknown): string {
  const err = (v as { error?: { message?: unknown } } | undefined)?.error;
  return typeof err?.message === 'string' ? err.message : '';
}

/** Runs the turn `pcm` (PCM16 mono 24 kHz) through the Realtime endpoint of `settings` into `report`. */
export async function runRealtimeCheck(
  settings: Settings,
  pcm: Buffer,
  report: VoiceCheckReport,
  audio: CountingOutput,
): Promise<void> {
  if (!settings.apiKey) {
    report.problems.push('No OpenAI API key: set OPENAI_API_KEY (or choose --voice-engine cascade).');
    return;
  }
  let talkEndAt: number | null = null;
  const stamps: Partial<Record<Stage, number>> = {};
  const mark = (stage: Stage, at: number): void => {
    if (talkEndAt !== null && stamps[stage] === undefined) stamps[stage] = Math.round((at - talkEndAt) * 10) / 10;
  };
  let settle: () => void = () => {};
  const finished = new Promise<void>((resolve) => (settle = resolve));
  let transcriptSeen = false;
  let responseSeen = false;
  let transcriptGrace: ReturnType<typeof after<boolean>> | null = null;
  /** The socket's own words for a failed connect ("connect ECONNREFUSED …"), clearer than a close code. */
  let lastWarning = '';
  const progress = (): void => {
    if (transcriptSeen && responseSeen) settle();
    else if (responseSeen && !transcriptGrace) {
      transcriptGrace = after(TRANSCRIPT_GRACE_MS, true);
      void transcriptGrace.promise.then(() => {
        report.problems.push(`No transcript of the speech came within ${TRANSCRIPT_GRACE_MS / 1000} s of the answer.`);
        settle();
      });
    }
  };
  const transport = stamping(
    wsTransport,
    (type, at) => {
      if (type === 'input_audio_buffer.commit') mark('audioSent', at);
    },
    (ev, at) => {
      if (talkEndAt === null) return;
      if (ev.type === 'conversation.item.input_audio_transcription.completed') {
        mark('transcript', at);
        transcriptSeen = true;
      } else if (ev.type === 'conversation.item.input_audio_transcription.failed') {
        mark('transcript', at);
        transcriptSeen = true;
        report.problems.push(`The speech was not transcribed: ${errorMessage(ev) || 'transcription failed'}`);
      } else if (ev.type === 'response.output_audio.delta' || ev.type === 'response.audio.delta') {
        mark('firstAudio', at);
      } else if (ev.type === 'response.done') {
        mark('responseDone', at);
        responseSeen = true;
        const response = (ev as { response?: { status?: unknown; status_details?: unknown } }).response;
        if (response?.status !== 'completed')
          report.problems.push(
            `The response ended ${String(response?.status)}${errorMessage(response?.status_details) ? `: ${errorMessage(response?.status_details)}` : ''}.`,
          );
      } else return;
      progress();
    },
    (message) => (lastWarning = message),
  );
  const engine = new RealtimeEngine({
    apiKey: settings.apiKey,
    baseUrl: settings.realtimeUrl,
    model: settings.model,
    voice: settings.voice,
    toolHost: NO_TOOLS,
    audio,
    noticeMode: 'off',
    isTalkHeld: () => false,
    transport,
  });
  const answers = new Map<string, string>();
  engine.on('transcript', (e) => {
    if (e.role === 'user' && e.final) report.transcript = e.text;
    if (e.role === 'assistant') answers.set(e.id, e.text);
  });
  const problem = (line: string): void => {
    if (!report.problems.some((p) => p.includes(line) || line.includes(p))) report.problems.push(line);
  };
  engine.on('info', problem);
  engine.on('error', (err) => problem(errorText(err)));
  // Ready, or why not: a refused key fails at once; an unreachable endpoint would be retried
  // forever by the app, so the first retry ends the check.
  const connectStart = performance.now();
  const ready = new Promise<ConnectionState>((resolve) => {
    engine.on('state', (s) => {
      if (s.kind === 'ready' || s.kind === 'failed' || s.kind === 'reconnecting' || s.kind === 'disabled') resolve(s);
      if ((s.kind === 'failed' || s.kind === 'reconnecting') && talkEndAt !== null) {
        problem(
          connectProblem(s, settings.realtimeUrl, lastWarning).replace(
            'Could not connect to',
            'Lost the connection to',
          ),
        );
        settle();
      }
    });
  });
  engine.start();
  const connectGuard = after<ConnectionState | null>(CONNECT_WAIT_MS, null);
  const state = await Promise.race([ready, connectGuard.promise]);
  connectGuard.cancel();
  if (state?.kind === 'ready') {
    report.connectMs = Math.round(performance.now() - connectStart);
    engine.talkStart();
    const chunk = CHUNK_MS * BYTES_PER_MS;
    for (let at = 0; at < pcm.length; at += chunk) engine.appendAudio(pcm.subarray(at, at + chunk));
    talkEndAt = performance.now();
    engine.talkEnd();
    const turnGuard = after(TURN_WAIT_MS, true);
    const gaveUp = await Promise.race([finished.then(() => false), turnGuard.promise]);
    turnGuard.cancel();
    if (gaveUp) report.problems.push(`The turn did not end within ${TURN_WAIT_MS / 1000} s.`);
  } else {
    // The engine's own line ("Voice unavailable: …") says the same without the URL.
    if (state?.kind === 'failed') report.problems = report.problems.filter((p) => !p.includes(state.message));
    report.problems.push(connectProblem(state, settings.realtimeUrl, lastWarning));
  }
  (transcriptGrace as ReturnType<typeof after<boolean>> | null)?.cancel();
  await engine.close();
  report.stages = stamps;
  if (stamps.firstAudio !== undefined) report.firstAudioMs = Math.round(stamps.firstAudio);
  report.answer = [...answers.values()].join(' ').trim();
}

/** Why the session did not become ready, naming the endpoint. */
function connectProblem(state: ConnectionState | null, url: string, warning: string): string {
  switch (state?.kind) {
    case 'failed':
      return `Realtime endpoint ${url}: ${state.message}`;
    case 'reconnecting':
      return `Could not connect to the Realtime endpoint ${url} (${warning || state.lastError || 'no answer'}); check --realtime-url and that the server is running.`;
    case 'disabled':
      return state.reason;
    default:
      return `The Realtime endpoint ${url} did not become ready within ${CONNECT_WAIT_MS / 1000} s.`;
  }
}

/** The Realtime endpoint and its stage lines. */
export function realtimeCheckLines(r: VoiceCheckReport, settings: Settings): string[] {
  return [
    `  realtime        ${settings.realtimeUrl}  ${settings.model}, voice ${settings.voice}`,
    `  connected in    ${r.connectMs === undefined ? '—' : `${r.connectMs} ms`} (before the turn)`,
    'stages (ms after the end of the spoken turn):',
    ...Object.entries(REALTIME_CHECK_STAGES).map(([stage, name]) => stageLine(name, r.stages[stage])),
  ];
}
