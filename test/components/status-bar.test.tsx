import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { StatusBar, type StatusBarProps } from '../../src/components/StatusBar.js';
import { levelMeter } from '../../src/components/format.js';
import { T0 } from '../commands/fakes.js';

const base: StatusBarProps = {
  connection: { kind: 'ready', sessionId: 's', expiresAt: T0 + 3_600_000 },
  model: 'gpt-realtime',
  ptt: { kind: 'hold', key: 'Right Ctrl' },
  talking: false,
  level: null,
  mic: { kind: 'ready', device: 'default' },
  speaker: { kind: 'ready', device: 'default' },
  speaking: false,
  cost: { sessionUsd: 0.4567, lastTurnUsd: 0.01 },
  latency: { talkEndToCommitMs: 40, commitToFirstAudioMs: 600, firstAudioToPlaybackMs: 80 },
  noticeMode: 'speak',
  now: T0,
  width: 100,
};

const show = (over: Partial<StatusBarProps>) => {
  const r = render(<StatusBar {...base} {...over} />);
  const f = r.lastFrame() ?? '';
  r.unmount();
  return f;
};

describe('StatusBar', () => {
  it('ready: connection, cost, last-turn latency, model, hold key, notice mode', () => {
    const f = show({});
    expect(f).toContain('voice-orch ● ready · session $0.46 · reply 720 ms · gpt-realtime');
    expect(f).toContain('hold Right Ctrl to talk · notices: speak');
  });

  it('reconnecting shows a countdown and the last error', () => {
    const f = show({
      connection: { kind: 'reconnecting', attempt: 3, retryAt: T0 + 7_000, lastError: 'socket closed' },
    });
    expect(f).toContain('reconnecting in 7 s (attempt 3) — socket closed');
    expect(show({ connection: { kind: 'reconnecting', attempt: 3, retryAt: T0 - 1 } })).toContain(
      'reconnecting in 0 s',
    );
  });

  it('voice disabled, failed and connecting', () => {
    const off = show({ connection: { kind: 'disabled', reason: 'no OPENAI_API_KEY' } });
    expect(off).toContain('voice off: no OPENAI_API_KEY');
    expect(off).toContain('keyboard only');
    expect(off).not.toContain('to talk');
    expect(show({ connection: { kind: 'failed', message: '401 invalid key' } })).toContain(
      '✗ voice failed: 401 invalid key',
    );
    expect(show({ connection: { kind: 'connecting', attempt: 1 } })).toContain('connecting…');
  });

  it('talking shows a live level meter; toggle mode names the tap key and why', () => {
    const loud = show({ talking: true, level: { peakDb: -3, rmsDb: -6 } });
    const quiet = show({ talking: true, level: { peakDb: -50, rmsDb: -55 } });
    expect(loud).toContain(`● talking ${levelMeter({ peakDb: -3, rmsDb: -6 })}`);
    expect(levelMeter({ peakDb: -3, rmsDb: -6 })).not.toBe(levelMeter({ peakDb: -50, rmsDb: -55 }));
    expect(loud).toContain('● talking █████');
    expect(loud).toContain('— release Right Ctrl to send');
    expect(quiet).toMatch(/● talking [▁-▄]▁▁▁▁▁/);
    expect(show({ ptt: { kind: 'toggle', key: 'Space', reason: 'no display' } })).toContain(
      'Space: tap to talk (no display)',
    );
    expect(show({ ptt: { kind: 'none', key: '', reason: 'no terminal' } })).toContain('no push-to-talk: no terminal');
  });

  it('mic and speaker problems, assistant speaking', () => {
    const f = show({ mic: { kind: 'unavailable', reason: 'no audio device' }, speaking: true });
    expect(f).toContain('no microphone: no audio device — type with :');
    expect(
      show({
        mic: { kind: 'unavailable', reason: 'no audio device' },
        talking: true,
        ptt: { kind: 'toggle', key: 'Space' },
      }),
    ).toContain('● no microphone, nothing is heard: no audio device');
    expect(f).toContain('♪ assistant speaking');
  });

  it('at 80 columns the connection state survives and lines stay inside', () => {
    const f = show({
      width: 80,
      connection: {
        kind: 'reconnecting',
        attempt: 2,
        retryAt: T0 + 4_000,
        lastError: 'a very long error message from the server that goes on',
      },
    });
    for (const l of f.split('\n')) expect(l.length).toBeLessThanOrEqual(80);
    expect(f).toContain('reconnecting in 4 s (attempt 2)');
  });
});
