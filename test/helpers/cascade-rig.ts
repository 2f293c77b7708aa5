/**
 * A cascade engine wired to the loopback OpenAI-compatible fake for all three endpoints, with a
 * fake audio output and tool host, recording transcript entries and info lines.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CascadeEngine } from '../../src/session/cascade/cascade-engine.js';
import type { CascadeEngineOptions } from '../../src/session/cascade/options.js';
import type { TranscriptEntry } from '../../src/session/types.js';
import { FakeOpenAiServer, type FakeOpenAiOptions } from './fake-openai-server.js';
import { FakeAudioOutput, FakeToolHost } from './voice-doubles.js';

/** One engine and its doubles. */
export interface CascadeRig {
  server: FakeOpenAiServer;
  engine: CascadeEngine;
  audio: FakeAudioOutput;
  host: FakeToolHost;
  entries: TranscriptEntry[];
  infos: string[];
  latencyLog: string;
  url: string;
}

const rigs: CascadeRig[] = [];

/** Starts a fake server and an engine pointed at it for all three endpoints. */
export async function cascadeRig(
  fake: FakeOpenAiOptions = {},
  opts: { speed?: number; timeoutMs?: number; override?: Partial<CascadeEngineOptions> } = {},
): Promise<CascadeRig> {
  const server = new FakeOpenAiServer(fake);
  const url = await server.start();
  const audio = new FakeAudioOutput(opts.speed ?? 50);
  const host = new FakeToolHost();
  const latencyLog = join(mkdtempSync(join(tmpdir(), 'cascade-')), 'latency.jsonl');
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const engine = new CascadeEngine({
    stt: { url, model: 'gpt-4o-mini-transcribe', apiKey: 'test-key', timeoutMs },
    llm: { url, model: 'gpt-4.1-mini', apiKey: 'test-key', timeoutMs },
    tts: { url, model: 'gpt-4o-mini-tts', voice: 'marin', apiKey: 'test-key', timeoutMs },
    toolHost: host,
    audio,
    isTalkHeld: () => false,
    latencyLogPath: latencyLog,
    ...opts.override,
  });
  const entries: TranscriptEntry[] = [];
  const infos: string[] = [];
  engine.on('transcript', (e) => entries.push(e));
  engine.on('info', (m) => infos.push(m));
  engine.start();
  const rig = { server, engine, audio, host, entries, infos, latencyLog, url };
  rigs.push(rig);
  return rig;
}

/** The final text of the last transcript entry of a role. */
export function lastFinal(rig: CascadeRig, role: TranscriptEntry['role']): string | undefined {
  return rig.entries.filter((e) => e.role === role && e.final).at(-1)?.text;
}

type Msg = { role: string; content: unknown; tool_calls?: unknown[]; tool_call_id?: string };
/** Messages of the n-th chat request. */
export function chatMessages(rig: CascadeRig, n: number): Msg[] {
  return (rig.server.to('/v1/chat/completions')[n]?.body.messages ?? []) as Msg[];
}

/** Closes every rig started since the last call (an afterEach hook). */
export async function closeCascadeRigs(): Promise<void> {
  for (const r of rigs.splice(0)) {
    await r.engine.close();
    await r.audio.close();
    await r.server.close();
  }
}
