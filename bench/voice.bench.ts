/**
 * Voice loop latency against the loopback fake Realtime server: 200 push-to-talk turns, each
 * answered with speech plus one tool call and a spoken follow-up.
 *
 *   node --import tsx bench/voice.bench.ts [turns]
 *
 * Prints one JSON object per metric (p50/p99 in ms, with the target for p99).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeRealtimeServer } from '../test/helpers/fake-realtime-server.js';
import { FakeAudioOutput, FakeToolHost, pcm, until } from '../test/helpers/voice-doubles.js';
import { RealtimeEngine } from '../src/session/realtime/realtime-engine.js';
import { percentile, type LatencyStage } from '../src/session/latency-marks.js';

const TURNS = Number(process.argv[2] ?? 200);

const METRICS: { stage: LatencyStage; metric: string; targetP99Ms: number }[] = [
  { stage: 'talkEndToCommitMs', metric: 'talk_end_to_commit_and_response_create_sent', targetP99Ms: 5 },
  { stage: 'firstAudioToPlaybackMs', metric: 'first_audio_delta_to_pcm_handed_to_output', targetP99Ms: 10 },
  { stage: 'toolCallToOutputMs', metric: 'function_call_received_to_output_sent', targetP99Ms: 10 },
];

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'voice-bench-'));
  const latencyLogPath = join(dir, 'latency.jsonl');
  const server = await FakeRealtimeServer.start({
    committedDelayMs: 2,
    transcriptionDelayMs: 5,
    deltaIntervalMs: 1,
    rateLimitDelayMs: 1,
    pingIntervalMs: 0,
    tokensPerMinute: 1e12,
    replyFor: (ctx) =>
      ctx.lastToolOutputs.length > 0
        ? { text: 'Nothing is running right now.', audioMs: 300 }
        : { text: 'Let me check.', audioMs: 200, functionCalls: [{ name: 'list_tasks', arguments: {} }] },
  });
  const audio = new FakeAudioOutput(100);
  const toolHost = new FakeToolHost();
  const session = new RealtimeEngine({
    apiKey: 'test-key',
    baseUrl: server.url,
    toolHost,
    audio,
    latencyLogPath,
  });
  session.start();
  await until(() => session.state().kind === 'ready', 'session ready');

  const chunk = pcm(20);
  for (let turn = 0; turn < TURNS; turn++) {
    session.talkStart();
    for (let i = 0; i < 15; i++) session.appendAudio(chunk);
    session.talkEnd();
    await until(() => session.isIdle() && toolHost.calls.length === turn + 1, `turn ${turn}`, 10_000);
  }
  await session.close();
  const errors = server.allErrors();
  await server.close();

  const lines = readFileSync(latencyLogPath, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { stage: LatencyStage; ms: number });
  rmSync(dir, { recursive: true, force: true });
  for (const m of METRICS) {
    const values = lines.filter((l) => l.stage === m.stage).map((l) => l.ms);
    const p99 = percentile(values, 99);
    console.log(
      JSON.stringify({
        bench: 'voice',
        metric: m.metric,
        unit: 'ms',
        turns: TURNS,
        n: values.length,
        p50: round(percentile(values, 50)),
        p99: round(p99),
        max: round(Math.max(...values)),
        target_p99: m.targetP99Ms,
        ok: p99 <= m.targetP99Ms,
      }),
    );
  }
  console.log(
    JSON.stringify({ bench: 'voice', metric: 'protocol_errors', value: errors.length, ok: errors.length === 0 }),
  );
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
