// The cascade's latency line: every stage reached, and firstAudioMs, the time to first audio.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CascadeLatencyLog, TurnMarks } from '../../src/session/cascade/cascade-latency.js';

describe('cascade latency log', () => {
  it('writes firstAudioMs beside the stages, and leaves it out for a silent turn', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'vo-lat-')), 'latency.jsonl');
    const log = new CascadeLatencyLog(path);
    const spoken = new TurnMarks(1000, () => 0);
    spoken.mark('sttRequest', 1002);
    spoken.mark('chatRequest', 1300);
    spoken.mark('firstPlayback', 1750.5);
    log.append(1, 'audio', spoken);
    const silent = new TurnMarks(2000, () => 0);
    silent.mark('chatRequest', 2001);
    log.append(2, 'text', silent);
    await log.close();
    const [a, b] = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(a).toMatchObject({ engine: 'cascade', turn: 1, kind: 'audio', firstAudioMs: 750.5 });
    expect(a!.stages).toEqual({ sttRequest: 2, chatRequest: 300, firstPlayback: 750.5 });
    expect(b).not.toHaveProperty('firstAudioMs');
  });
});
