/**
 * The cascade engine's own overhead at each hand-off, against the loopback OpenAI-compatible fake
 * with fixed delays: 200 push-to-talk turns, each transcribed, answered in a streamed chat reply
 * and spoken sentence by sentence.
 *
 *   node --import tsx bench/cascade.bench.ts [turns]
 *
 * Request times are taken where the fake server receives them (same process, same clock), so the
 * figures include the `openai` client and the loopback hop. Prints one JSON object per metric.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CascadeEngine } from '../src/session/cascade/cascade-engine.js';
import type { CascadeStageTimes } from '../src/session/cascade/cascade-latency.js';
import { percentile } from '../src/session/latency-marks.js';
import { FakeOpenAiServer } from '../test/helpers/fake-openai-server.js';
import { FakeAudioOutput, FakeToolHost, pcm, until } from '../test/helpers/voice-doubles.js';

const TURNS = Number(process.argv[2] ?? 200);
/** Turns run first and not counted (module loading, JIT, the first connections). */
const WARMUP = 10;
const STT_DELAY_MS = 20;
const CHAT_FIRST_DELAY_MS = 30;
const SPEECH_DELAY_MS = 25;
const REPLY = 'The tests in the api project are still running right now. I will tell you when they finish.';

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cascade-bench-'));
  const latencyLogPath = join(dir, 'latency.jsonl');
  const server = new FakeOpenAiServer({ sttDelayMs: STT_DELAY_MS, speechDelayMs: SPEECH_DELAY_MS, speechBytes: 9_600 });
  const url = await server.start();
  const audio = new FakeAudioOutput(1_000);
  const engine = new CascadeEngine({
    stt: { url, model: 'stt', timeoutMs: 10_000 },
    llm: { url, model: 'llm', timeoutMs: 10_000 },
    tts: { url, model: 'tts', voice: 'v', timeoutMs: 10_000 },
    toolHost: new FakeToolHost(),
    audio,
    isTalkHeld: () => false,
    latencyLogPath,
    historyChars: 4_000,
  });
  let finished = 0;
  engine.on('latency', () => finished++);
  engine.on('info', (m) => console.error(`info: ${m}`));
  engine.start();

  const talkEnds: number[] = [];
  const chunk = pcm(20);
  for (let turn = 0; turn < WARMUP + TURNS; turn++) {
    server.transcripts.push('how are the tests doing');
    server.chat.push({ text: REPLY, firstDelayMs: CHAT_FIRST_DELAY_MS, fragmentChars: 8 });
    engine.talkStart();
    for (let i = 0; i < 15; i++) engine.appendAudio(chunk);
    talkEnds.push(performance.now());
    engine.talkEnd();
    await until(() => finished === turn + 1 && !audio.isPlaying(), `turn ${turn}`, 10_000);
  }
  await engine.close();
  await server.close();

  const lines = readFileSync(latencyLogPath, 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { stages: CascadeStageTimes }).stages);
  rmSync(dir, { recursive: true, force: true });
  const stt = server.to('/v1/audio/transcriptions');
  const chat = server.to('/v1/chat/completions');
  const speech = server.to('/v1/audio/speech');
  // Speech requests per turn: the first one of each turn follows the turn's chat request.
  const firstSpeech = chat.map((c, i) =>
    speech.find((s) => s.at >= c.at && (chat[i + 1] ? s.at < chat[i + 1]!.at : true)),
  );
  const metric = (name: string, values: number[], target: number): void => {
    const p99 = percentile(values, 99);
    console.log(
      JSON.stringify({
        bench: 'cascade',
        metric: name,
        unit: 'ms',
        turns: TURNS,
        warmup: WARMUP,
        n: values.length,
        p50: round(percentile(values, 50)),
        p99: round(p99),
        max: round(Math.max(...values)),
        target_p99: target,
        ok: p99 <= target,
      }),
    );
  };
  const each = (f: (i: number, s: CascadeStageTimes) => number | undefined): number[] =>
    lines
      .map((s, i) => f(i, s))
      .slice(WARMUP)
      .filter((v): v is number => v !== undefined && Number.isFinite(v));
  metric(
    'talk_end_to_stt_request_ms',
    each((i) => stt[i]!.at - talkEnds[i]!),
    5,
  );
  metric(
    'transcript_to_chat_request_ms',
    each((i, s) => chat[i]!.at - (talkEnds[i]! + s.transcript!)),
    5,
  );
  metric(
    'first_sentence_to_speech_request_ms',
    each((i, s) => (firstSpeech[i] ? firstSpeech[i].at - (talkEnds[i]! + s.firstSentence!) : undefined)),
    5,
  );
  metric(
    'first_speech_bytes_to_playback_ms',
    each((_i, s) => s.firstPlayback! - s.firstSpeechBytes!),
    10,
  );
  const delays = STT_DELAY_MS + CHAT_FIRST_DELAY_MS + SPEECH_DELAY_MS;
  metric(
    'first_audio_overhead_ms',
    each((_i, s) => s.firstPlayback! - delays),
    30,
  );
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
