// Pure push-to-talk logic: key names, tap-to-toggle state machine, auto-repeat, maximum hold.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyLabel, keyName, resolveKey } from '../../src/input/key-names.js';
import { TapToggleSource } from '../../src/input/tap-toggle-source.js';
import { GlobalHoldSource, resolvePttKey } from '../../src/input/global-hold-source.js';
import { PushToTalk } from '../../src/input/push-to-talk.js';

function record(src: { on: (e: never, l: never) => unknown }) {
  const log: string[] = [];
  const on = (src.on as unknown as (e: string, l: (...a: unknown[]) => void) => void).bind(src);
  on('press', (at) => log.push(`press@${at}`));
  on('release', (at, held) => log.push(`release@${at}:${held}`));
  on('discard', (r) => log.push(`discard:${r}`));
  on('mode', (m) => log.push(`mode:${JSON.stringify(m)}`));
  return log;
}

describe('key names', () => {
  it('resolves names, aliases and keycodes from the recipe table', () => {
    expect(resolveKey('RightCtrl')).toEqual({ keycode: 3613, name: 'CtrlRight', label: 'Right Ctrl' });
    expect(resolveKey('Right Ctrl')?.keycode).toBe(3613);
    expect(resolveKey('Control_R')?.keycode).toBe(3613);
    expect(resolveKey('ctrl-right')?.keycode).toBe(3613);
    expect(resolveKey('ScrollLock')).toEqual({ keycode: 70, name: 'ScrollLock', label: 'Scroll Lock' });
    expect(resolveKey('scroll_lock')?.keycode).toBe(70);
    expect(resolveKey('F12')).toEqual({ keycode: 88, name: 'F12', label: 'F12' });
    expect(resolveKey('f12')?.keycode).toBe(88);
    expect(resolveKey('Pause')?.keycode).toBe(3653);
    expect(resolveKey('RightAlt')?.keycode).toBe(3640);
    expect(resolveKey('RightShift')?.keycode).toBe(54);
    expect(resolveKey('Super_R')?.keycode).toBe(3676);
    expect(resolveKey('space')?.keycode).toBe(57);
    expect(resolveKey('a')?.keycode).toBe(30);
    expect(resolveKey(3613)?.name).toBe('CtrlRight');
    expect(resolveKey('70')?.label).toBe('Scroll Lock');
    expect(resolveKey(4242)).toEqual({ keycode: 4242, name: 'keycode 4242', label: 'key 4242' });
    expect(resolveKey('Hyper')).toBeNull();
    expect(resolveKey(0)).toBeNull();
    expect(keyName(88)).toBe('F12');
    expect(keyLabel('CtrlRight')).toBe('Right Ctrl');
    expect(() => resolvePttKey('Hyper')).toThrow(/unknown push-to-talk key "Hyper"/);
    expect(resolvePttKey(undefined).label).toBe('Right Ctrl');
  });
});

describe('tap-to-toggle', () => {
  it('tap starts, tap sends, Esc discards; other keys are not consumed', () => {
    const src = new TapToggleSource({ reason: 'global key unavailable: no display' });
    const log = record(src);
    expect(src.mode()).toEqual({ kind: 'toggle', key: 'Space', reason: 'global key unavailable: no display' });
    expect(src.key('escape', 5)).toBe(false); // nothing to cancel
    expect(src.key('space', 10)).toBe(true);
    expect(src.isTalking()).toBe(true);
    expect(src.key('x', 11)).toBe(false);
    expect(src.key('space', 1510)).toBe(true);
    expect(src.isTalking()).toBe(false);
    src.key('space', 2000);
    expect(src.key('escape', 2100)).toBe(true);
    expect(src.isTalking()).toBe(false);
    expect(log).toEqual(['press@10', 'release@1510:1500', 'press@2000', 'discard:cancelled']);
  });

  it('accepts other keys', () => {
    const src = new TapToggleSource({ toggleKey: 'Tab', cancelKey: 'q' });
    const log = record(src);
    expect(src.mode().key).toBe('Tab');
    src.key('tab', 0);
    src.key('q', 1);
    expect(log).toEqual(['press@0', 'discard:cancelled']);
  });
});

describe('maximum hold', () => {
  afterEach(() => vi.useRealTimers());

  it('discards a forgotten toggle after maxHoldMs; the next tap starts a new turn', () => {
    vi.useFakeTimers();
    const src = new TapToggleSource({ maxHoldMs: 120_000 });
    const log = record(src);
    src.key('space', 0);
    vi.advanceTimersByTime(119_999);
    expect(src.isTalking()).toBe(true);
    vi.advanceTimersByTime(1);
    expect(src.isTalking()).toBe(false);
    src.key('space', 130_000);
    expect(log).toEqual(['press@0', 'discard:maximum hold of 120 s exceeded', 'press@130000']);
  });

  it('a discard listener that throws at the maximum hold is reported as an error, not thrown from the timer', () => {
    vi.useFakeTimers();
    const src = new TapToggleSource({ maxHoldMs: 1_000 });
    const errors: string[] = [];
    src.on('discard', () => {
      throw new Error('listener bug');
    });
    src.on('error', (e) => errors.push(e.message));
    src.key('space', 0);
    expect(() => vi.advanceTimersByTime(1_000)).not.toThrow();
    expect(errors).toEqual(['a "discard" listener threw: listener bug']);
    expect(src.isTalking()).toBe(false);
  });

  it('global hold: auto-repeat keydowns are ignored, a lost release is discarded, and that release later sends nothing', () => {
    vi.useFakeTimers();
    const src = new GlobalHoldSource({ key: 'F12', maxHoldMs: 2_000 });
    const log: string[] = [];
    src.on('press', () => log.push('press'));
    src.on('release', (_at, held) => log.push(`release:${held}`));
    src.on('discard', (r) => log.push(`discard:${r}`));
    src.onKey({ t: 'down', keycode: 88, time: 1000 });
    src.onKey({ t: 'down', keycode: 88, time: 1500 }); // auto-repeat
    src.onKey({ t: 'down', keycode: 30, time: 1510 }); // another key
    src.onKey({ t: 'up', keycode: 88, time: 1800 });
    expect(log).toEqual(['press', 'release:800']);
    src.onKey({ t: 'down', keycode: 88, time: 5000 });
    vi.advanceTimersByTime(2_000);
    expect(src.isTalking()).toBe(false);
    src.onKey({ t: 'down', keycode: 88, time: 7100 }); // still held: auto-repeat must not start a new turn
    src.onKey({ t: 'up', keycode: 88, time: 9000 });
    expect(log).toEqual(['press', 'release:800', 'press', 'discard:maximum hold of 2 s exceeded']);
    src.onKey({ t: 'down', keycode: 88, time: 10_000 });
    src.onKey({ t: 'up', keycode: 88, time: 10_250 });
    expect(log.slice(-2)).toEqual(['press', 'release:250']);
  });
});

describe('push-to-talk selector without a display', () => {
  it('uses tap-to-toggle and says why', async () => {
    const env = { ...process.env };
    delete env.DISPLAY;
    const ptt = new PushToTalk({ env });
    expect(ptt.mode()).toEqual({ kind: 'toggle', key: 'Space', reason: 'global key unavailable: no display' });
    expect(await ptt.started()).toEqual(ptt.mode());
    const log = record(ptt);
    expect(ptt.key('space', 1)).toBe(true);
    expect(ptt.isTalking()).toBe(true);
    expect(ptt.key('space', 101)).toBe(true);
    expect(log).toEqual(['press@1', 'release@101:100']);
    await ptt.close();
  });

  it('reports a bad key name as the reason', async () => {
    const ptt = new PushToTalk({ key: 'Hyper', env: { DISPLAY: ':0' } });
    expect(ptt.mode().reason).toMatch(/global key unavailable: unknown push-to-talk key "Hyper"/);
    await ptt.close();
    const off = new PushToTalk({ disableGlobalKey: true });
    expect(off.mode()).toEqual({ kind: 'toggle', key: 'Space', reason: 'global key disabled' });
    await off.close();
  });
});

describe('global hold source with a stand-in helper', () => {
  it('a throwing listener becomes an error event, not an uncaught exception; the next key still works', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vo-hotkey-'));
    const helper = join(dir, 'fake-helper.cjs');
    // ready, then two presses and releases of F12 (88), 50 ms apart
    writeFileSync(
      helper,
      `process.send({ t: 'ready' });
      let t = 1000;
      const key = (k) => process.send({ t: k, keycode: 88, time: (t += 50), lagMs: 0 });
      setTimeout(() => { key('down'); key('up'); key('down'); key('up'); }, 20);
      process.on('disconnect', () => process.exit(0));`,
    );
    const src = new GlobalHoldSource({ key: 'F12', env: { DISPLAY: ':99' }, helperPath: helper });
    const log: string[] = [];
    let presses = 0;
    src.on('press', () => {
      if (++presses === 1) throw new Error('listener bug');
      log.push('press');
    });
    src.on('release', (_at, held) => log.push(`release:${held}`));
    src.on('error', (e) => log.push(`error:${e.message}`));
    try {
      expect(await src.start()).toBe(true);
      await vi.waitFor(() => expect(log).toHaveLength(4));
      expect(log).toEqual(['error:a "press" listener threw: listener bug', 'release:50', 'press', 'release:50']);
    } finally {
      await src.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
