// Global hold key through the real hotkey helper (uiohook) under Xvfb, keys injected with xte.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PushToTalk } from '../../src/input/push-to-talk.js';
import { GlobalHoldSource } from '../../src/input/global-hold-source.js';
import { AudioService } from '../../src/audio/audio-service.js';
import type { PttMode, PushToTalkEvents } from '../../src/input/types.js';
import { fileBackendEnv, sleep, startXvfb, xte, type Xvfb } from '../audio/real-audio.js';

let x: Xvfb;
beforeAll(async () => {
  x = await startXvfb();
});
afterAll(async () => {
  await x?.stop();
});

function next<K extends keyof PushToTalkEvents>(
  src: PushToTalk,
  event: K,
  timeoutMs = 5000,
): Promise<PushToTalkEvents[K]> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    const once = src.once.bind(src) as unknown as (e: K, l: (...a: PushToTalkEvents[K]) => void) => void;
    once(event, (...a) => {
      clearTimeout(t);
      resolve(a);
    });
  });
}

describe('global hold key under Xvfb', () => {
  it('holding Right Ctrl starts and stops capture (press/release through the real helper)', async () => {
    const ptt = new PushToTalk({ env: { ...process.env, DISPLAY: x.display } });
    const audio = new AudioService({ env: fileBackendEnv('/dev/zero', '/dev/null') });
    const modes: PttMode[] = [];
    ptt.on('mode', (m) => modes.push(m));
    let chunks = 0;
    audio.input.on('chunk', () => chunks++);
    ptt.on('press', () => audio.input.start());
    ptt.on('release', () => audio.input.stop());
    try {
      await audio.ready();
      expect(await ptt.started()).toEqual({ kind: 'hold', key: 'Right Ctrl' });
      expect(modes).toEqual([{ kind: 'hold', key: 'Right Ctrl' }]);
      expect(ptt.key('space')).toBe(false); // the terminal key is free for the UI in hold mode
      const pressed = next(ptt, 'press');
      xte(x.display, 'keydown Control_R');
      const [pressAt] = await pressed;
      expect(Math.abs(performance.now() - pressAt)).toBeLessThan(1000);
      expect(ptt.isTalking()).toBe(true);
      expect(audio.input.isCapturing()).toBe(true);
      await sleep(400);
      const released = next(ptt, 'release');
      xte(x.display, 'keyup Control_R');
      const [, heldMs] = await released;
      expect(heldMs).toBeGreaterThanOrEqual(395);
      expect(heldMs).toBeLessThan(600);
      expect(audio.input.isCapturing()).toBe(false);
      expect(ptt.isTalking()).toBe(false);
      expect(chunks).toBeGreaterThan(0);
      const after = chunks;
      await sleep(200);
      expect(chunks).toBe(after);
    } finally {
      await Promise.all([ptt.close(), audio.close()]);
    }
  });

  it('a configured key (F12) ignores X auto-repeat: one press, one release; other keys do nothing', async () => {
    const ptt = new PushToTalk({ key: 'F12', env: { ...process.env, DISPLAY: x.display } });
    const log: string[] = [];
    ptt.on('press', () => log.push('press'));
    ptt.on('release', (_a, held) => log.push(`release ${held >= 1100 && held < 1400 ? 'ok' : held}`));
    try {
      expect(await ptt.started()).toEqual({ kind: 'hold', key: 'F12' });
      xte(x.display, 'keydown Control_R');
      xte(x.display, 'keyup Control_R');
      const released = next(ptt, 'release');
      xte(x.display, 'keydown F12');
      await sleep(1200); // X auto-repeats F12 (repeated keydowns) after ~660 ms
      xte(x.display, 'keyup F12');
      await released;
      expect(log).toEqual(['press', 'release ok']);
    } finally {
      await ptt.close();
    }
  });

  it('falls back to tap-to-toggle with the reason when the X server goes away mid-hold', async () => {
    const x2 = await startXvfb();
    const ptt = new PushToTalk({ key: 'ScrollLock', env: { ...process.env, DISPLAY: x2.display } });
    try {
      expect((await ptt.started()).kind).toBe('hold');
      const pressed = next(ptt, 'press');
      xte(x2.display, 'keydown Scroll_Lock');
      await pressed;
      const discarded = next(ptt, 'discard');
      const mode = next(ptt, 'mode');
      await x2.stop();
      const [reason] = await discarded;
      expect(reason).toMatch(/^global key lost: hotkey helper exited/);
      const [m] = await mode;
      expect(m).toMatchObject({
        kind: 'toggle',
        key: 'Space',
        reason: expect.stringMatching(/^global key unavailable: hotkey helper exited/),
      });
      expect(ptt.isTalking()).toBe(false);
      expect(ptt.key('space', 1)).toBe(true); // tap-to-toggle now works
      expect(ptt.isTalking()).toBe(true);
    } finally {
      await ptt.close();
      await x2.stop();
    }
  });
});

describe('without a usable display', () => {
  // uiohook on a dead display usually aborts (SIGABRT, "XOpenDisplay failure!"), and sometimes hangs
  // in start() instead (seen about 1 run in 5): both must end in the fallback, the second by the ready timeout.
  const deadHelper =
    /^global key unavailable: hotkey helper (exited \(SIGABRT\): xrecord_start \[\d+\]: XOpenDisplay failure!|did not become ready within 2\.0 s)$/;

  it('the helper dies (SIGABRT) or hangs on a dead display, this process survives, and tap-to-toggle is active with the reason', async () => {
    const env = { ...process.env, DISPLAY: ':4711' };
    const hold = new GlobalHoldSource({ env, readyTimeoutMs: 2000 });
    expect(await hold.start()).toBe(false);
    expect(hold.mode()).toEqual({ kind: 'none', key: 'Right Ctrl', reason: expect.stringMatching(deadHelper) });
    const ptt = new PushToTalk({ env, readyTimeoutMs: 2000 });
    const mode = await ptt.started();
    expect(mode).toEqual({ kind: 'toggle', key: 'Space', reason: expect.stringMatching(deadHelper) });
    expect(ptt.key('space')).toBe(true);
    await ptt.close();
    await hold.close();
  });

  it('with DISPLAY unset the helper refuses to start uiohook and exits; the selector never spawns it', async () => {
    const env = { ...process.env };
    delete env.DISPLAY;
    const helper = fileURLToPath(new URL('../../src/input/hotkey-helper.cjs', import.meta.url));
    const child = fork(helper, ['3613'], { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced' });
    const msgs: unknown[] = [];
    child.on('message', (m) => msgs.push(m));
    const [code] = await new Promise<[number | null]>((r) => child.on('exit', (c) => r([c])));
    expect(code).toBe(3);
    expect(msgs).toEqual([{ t: 'fatal', reason: 'no display' }]);
    const ptt = new PushToTalk({ env });
    expect(ptt.hold?.unavailableReason() ?? null).toBeNull(); // not started at all
    expect((await ptt.started()).reason).toBe('global key unavailable: no display');
    await ptt.close();
  });
});
