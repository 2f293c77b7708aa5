/**
 * Voice endpoint checks. Realtime: a WebSocket handshake to the configured URL with the key, made
 * by the same client the app uses, waiting for `session.created` (or the server's error). Cascade:
 * each endpoint's model list through the `openai` client (reachable, key accepted, model listed).
 * Keys are never printed: only the name of the variable they came from.
 */
import OpenAI from 'openai';
import { RealtimeClient, type ServerEvent } from '../session/realtime-client.js';
import { describeEndpointFailure, type EndpointKind } from '../session/cascade/endpoint-errors.js';
import type { CascadeEndpointSettings } from '../config/voice-engine-settings.js';
import { oneLine } from '../shared/sanitize.js';
import { findExecutable } from '../tasks/backends/agent-backend.js';
import { error, ok, warning, type DoctorCheck, type DoctorContext, type DoctorFinding } from './types.js';

type HandshakeResult =
  { kind: 'session' } | { kind: 'error'; code: string; message: string } | { kind: 'closed'; text: string };

function handshake(ctx: DoctorContext, apiKey: string): Promise<HandshakeResult> {
  const { settings, timeoutMs } = ctx;
  return new Promise((resolve) => {
    const client = new RealtimeClient({
      apiKey,
      baseUrl: settings.realtimeUrl,
      model: settings.model,
      handshakeTimeoutMs: timeoutMs,
      keepAliveMs: 0,
    });
    let warned = '';
    let done = false;
    const finish = (r: HandshakeResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      client.removeAllListeners();
      client.on('close', () => {});
      client.close();
      resolve(r);
    };
    const timer = setTimeout(
      () => finish({ kind: 'closed', text: `no answer within ${Math.round(timeoutMs / 1000)} s` }),
      timeoutMs + 1000,
    );
    client.on('event', (ev: ServerEvent) => {
      if (ev.type === 'session.created') finish({ kind: 'session' });
      else if (ev.type === 'error') {
        const e = (ev as { error?: { code?: unknown; message?: unknown } }).error ?? {};
        finish({
          kind: 'error',
          code: typeof e.code === 'string' ? e.code : '',
          message: typeof e.message === 'string' ? e.message : '',
        });
      }
    });
    client.on('warning', (w) => {
      warned = w;
    });
    client.on('close', (info) => {
      const status = info.httpStatus !== undefined ? `HTTP ${info.httpStatus}` : '';
      finish({
        kind: 'closed',
        text: [status, warned || info.reason].filter(Boolean).join(': ') || `closed (${info.code})`,
      });
    });
    client.connect();
  });
}

async function checkRealtime(ctx: DoctorContext): Promise<DoctorFinding[]> {
  const { settings } = ctx;
  const url = settings.realtimeUrl;
  if (!settings.apiKey) {
    return [warning('voice-key', 'OPENAI_API_KEY is not set: voice-orch runs keyboard-only. Set it to talk.')];
  }
  const r = await handshake(ctx, settings.apiKey);
  if (r.kind === 'session') {
    return [
      ok('voice-key', 'OPENAI_API_KEY is set'),
      ok('endpoint:realtime', `${url} accepted the key and model ${settings.model}`),
    ];
  }
  if (r.kind === 'error' && r.code === 'invalid_api_key') {
    return [error('voice-key', `${url} rejected the key in OPENAI_API_KEY (invalid_api_key). Set a valid key.`)];
  }
  if (r.kind === 'error') {
    return [
      ok('voice-key', 'OPENAI_API_KEY is set'),
      error(
        'endpoint:realtime',
        `${url} refused the session: ${oneLine(r.code || r.message, 120)}. Check --model and --realtime-url.`,
      ),
    ];
  }
  if (/\b401\b/.test(r.text)) {
    return [error('voice-key', `${url} rejected the key in OPENAI_API_KEY (HTTP 401). Set a valid key.`)];
  }
  return [
    ok('voice-key', 'OPENAI_API_KEY is set'),
    error('endpoint:realtime', `${url} is unreachable (${oneLine(r.text, 100)}). Check the network or --realtime-url.`),
  ];
}

/** The endpoints a cascade run calls, by kind. */
function cascadeEndpoints(ctx: DoctorContext): [EndpointKind, CascadeEndpointSettings][] {
  const v = ctx.settings.voiceEngine;
  const list: [EndpointKind, CascadeEndpointSettings][] = [
    ['speech-to-text', v.stt],
    ['chat', v.llm],
  ];
  // Speech is requested only with audio output; an espeak-ng voice has no endpoint.
  if (ctx.settings.audio && v.tts.engine === 'http') list.push(['speech', v.tts]);
  return list;
}

async function checkCascadeEndpoint(
  kind: EndpointKind,
  e: CascadeEndpointSettings,
  ctx: DoctorContext,
): Promise<DoctorFinding> {
  const name = `endpoint:${kind}`;
  const client = new OpenAI({ baseURL: e.url, apiKey: e.apiKey || 'none', maxRetries: 0, timeout: ctx.timeoutMs });
  const keyNote = e.apiKey ? `key from ${e.keyEnv}` : `no key (${e.keyEnv} unset)`;
  try {
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    if (!ids.includes(e.model)) {
      const flag = kind === 'speech-to-text' ? 'stt' : kind === 'chat' ? 'llm' : 'tts';
      const some = ids
        .slice(0, 5)
        .map((id) => oneLine(id, 40))
        .join(', ');
      return error(
        name,
        `${e.url} does not list model "${oneLine(e.model, 60)}"; choose one with --${flag}-model${some ? ` (listed: ${some}${ids.length > 5 ? ', …' : ''})` : ''}.`,
      );
    }
    return ok(name, `${e.url} answers (${keyNote}) and lists ${e.model}`);
  } catch (err) {
    const line = describeEndpointFailure({ kind, url: e.url, model: e.model, timeoutMs: ctx.timeoutMs }, err);
    const keyHint = e.keyEnv !== 'OPENAI_API_KEY' ? line.replace("this endpoint's key variable", e.keyEnv) : line;
    return error(name, keyHint);
  }
}

async function checkEspeak(ctx: DoctorContext): Promise<DoctorFinding> {
  const file = await findExecutable('espeak-ng', ctx.env, ctx.settings.cwd);
  return file
    ? ok('speech:espeak-ng', `${file} speaks with voice ${ctx.settings.voiceEngine.tts.voice}`)
    : error(
        'speech:espeak-ng',
        'espeak-ng was not found on PATH; install the espeak-ng package or use --tts-engine http.',
      );
}

async function checkCascade(ctx: DoctorContext): Promise<DoctorFinding[]> {
  const found = await Promise.all(cascadeEndpoints(ctx).map(([kind, e]) => checkCascadeEndpoint(kind, e, ctx)));
  if (ctx.settings.audio && ctx.settings.voiceEngine.tts.engine === 'espeak-ng') found.push(await checkEspeak(ctx));
  return found;
}

/** The configured voice engine's endpoints and key. */
export const voiceEndpointCheck: DoctorCheck = {
  name: 'voice-endpoints',
  run: (ctx) => (ctx.settings.voiceEngine.engine === 'cascade' ? checkCascade(ctx) : checkRealtime(ctx)),
};
