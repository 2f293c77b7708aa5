/* @jsxRuntime automatic */
/* @jsxImportSource react */
import { Box, Text } from 'ink';
import type { AudioLevel, AudioStatus } from '../audio/types.js';
import type { PttMode } from '../input/types.js';
import type { ConnectionState, CostSnapshot, LatencySnapshot, NoticeMode } from '../session/types.js';
import { cut, levelMeter, money } from './format.js';
import { talkLine } from './talk-status.js';

/** Everything the status bar shows. */
export interface StatusBarProps {
  connection: ConnectionState;
  model: string;
  ptt: PttMode;
  talking: boolean;
  level: AudioLevel | null;
  mic: AudioStatus;
  speaker: AudioStatus;
  speaking: boolean;
  cost: CostSnapshot;
  latency: LatencySnapshot;
  noticeMode: NoticeMode;
  now: number;
  width: number;
  /** Tasks waiting for a decision. */
  needsYou?: number;
}

function connectionText(c: ConnectionState, now: number): { text: string; color: string } {
  switch (c.kind) {
    case 'disabled':
      return { text: `voice off: ${c.reason}`, color: 'gray' };
    case 'connecting':
      return { text: c.attempt > 1 ? `connecting (attempt ${c.attempt})…` : 'connecting…', color: 'yellow' };
    case 'ready':
      return { text: '● ready', color: 'green' };
    case 'reconnecting': {
      const s = Math.max(0, Math.ceil((c.retryAt - now) / 1000));
      return {
        text: `reconnecting in ${s} s (attempt ${c.attempt})${c.lastError ? ` — ${c.lastError}` : ''}`,
        color: 'yellow',
      };
    }
    case 'failed':
      return { text: `✗ voice failed: ${c.message}`, color: 'red' };
    case 'closed':
      return { text: '○ closed', color: 'gray' };
  }
}

function audioProblem(label: string, s: AudioStatus): string | undefined {
  if (s.kind === 'unavailable' || s.kind === 'disabled') return `${label}: ${s.reason}`;
  return undefined;
}

/** Sum of the measured stages of the last turn (talk end → audible reply). */
export function replyLatency(l: LatencySnapshot): number | undefined {
  const parts = [l.talkEndToCommitMs, l.commitToFirstAudioMs, l.firstAudioToPlaybackMs].filter(
    (x): x is number => typeof x === 'number',
  );
  return parts.length ? parts.reduce((a, b) => a + b, 0) : undefined;
}

/**
 * Two lines: connection, model, cost and latency; then push-to-talk, the mic (with a live
 * level meter while talking), the assistant speaking and the notice mode.
 */
export function StatusBar(p: StatusBarProps) {
  const conn = connectionText(p.connection, p.now);
  const lat = replyLatency(p.latency);
  const facts = [
    `session ${money(p.cost.sessionUsd)}`,
    ...(lat !== undefined ? [`reply ${Math.round(lat)} ms`] : []),
    p.model,
  ]
    .filter(Boolean)
    .join(' · ');
  const talk = talkLine(p.ptt, p.talking, p.mic, p.connection, p.talking ? levelMeter(p.level) : '');
  // The talk status says "no microphone" itself when that is why talking would hear nothing.
  const mic = talk.micShown ? undefined : audioProblem('mic', p.mic);
  const speaker = audioProblem('speaker', p.speaker);
  const w = Math.max(20, p.width);
  // The connection state matters most: the facts (cost, latency, model) get at most a third of the line.
  const connW = w - 11 - 3 - Math.min(facts.length, Math.floor((w - 11) / 3));
  return (
    <Box flexDirection="column" width={w}>
      <Text wrap="truncate-end">
        <Text bold>voice-orch</Text>
        <Text> </Text>
        <Text color={conn.color}>{cut(conn.text, connW)}</Text>
        <Text dimColor>{` · ${facts}`}</Text>
      </Text>
      <Text wrap="truncate-end">
        <Text color={talk.color} bold={talk.bold}>
          {talk.text}
        </Text>
        {p.needsYou ? (
          <Text color="magenta" bold>{` · ${p.needsYou} task${p.needsYou === 1 ? ' needs' : 's need'} you`}</Text>
        ) : null}
        {mic ? <Text color="red">{` · ${mic}`}</Text> : null}
        {speaker ? <Text color="red">{` · ${speaker}`}</Text> : null}
        {p.speaking ? <Text color="magenta">{' · ♪ assistant speaking'}</Text> : null}
        <Text dimColor>{` · notices: ${p.noticeMode}`}</Text>
      </Text>
    </Box>
  );
}
