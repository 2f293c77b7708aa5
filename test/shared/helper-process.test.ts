import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HelperError, HelperProcess, type HelperExit } from '../../src/shared/helper-process.js';

const dir = mkdtempSync(join(tmpdir(), 'vo-helper-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a tiny helper script (CommonJS, forked with IPC) and returns its path. */
function script(name: string, body: string): string {
  const path = join(dir, `${name}.cjs`);
  writeFileSync(path, `'use strict';\n${body}\n`);
  return path;
}

/** Ready at once; echoes {t:'echo'}; {t:'crash'} prints a line on stderr and exits 3; {t:'shutdown'} or a closed channel exits 0. */
const echo = script(
  'echo',
  `process.on('message', (m) => {
    if (m.t === 'echo') process.send({ t: 'echoed', v: m.v, bytes: Buffer.from('hi') });
    else if (m.t === 'crash') process.stderr.write('boom: the device went away\\n', () => process.exit(3));
    else if (m.t === 'shutdown') process.exit(0);
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ t: 'ready' });`,
);

function record(helper: HelperProcess) {
  const seen: { messages: unknown[]; errors: Error[]; exits: HelperExit[]; ready: number } = {
    messages: [],
    errors: [],
    exits: [],
    ready: 0,
  };
  helper.on('ready', () => seen.ready++);
  helper.on('message', (m) => seen.messages.push(m));
  helper.on('error', (e) => seen.errors.push(e));
  helper.on('exit', (e) => seen.exits.push(e));
  return seen;
}

function until(cond: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const poll = (): void => (cond() ? resolve() : void setTimeout(poll, 5));
    poll();
  });
}

describe('HelperProcess (real child scripts)', () => {
  it('ready handshake, a message both ways (bytes included), shutdown by message with no error', async () => {
    const helper = new HelperProcess({
      name: 'test helper',
      script: echo,
      readyMessage: 'ready',
      readyTimeoutMs: 10_000,
    });
    const seen = record(helper);
    expect(await helper.start()).toBe(true);
    expect(seen.ready).toBe(1);
    expect(helper.pid).toEqual(expect.any(Number));
    expect(helper.send({ t: 'echo', v: 42 })).toBe(true);
    await until(() => seen.messages.length === 2);
    expect(seen.messages[0]).toEqual({ t: 'ready' });
    const echoed = seen.messages[1] as { t: string; v: number; bytes: Uint8Array };
    expect([echoed.t, echoed.v, Buffer.from(echoed.bytes).toString()]).toEqual(['echoed', 42, 'hi']);
    await helper.shutdown({ message: { t: 'shutdown' }, graceMs: 10_000 });
    await until(() => seen.exits.length === 1);
    expect(seen.exits).toEqual([{ code: 0, signal: null, lastLine: '' }]);
    expect(seen.errors).toEqual([]);
    expect(helper.pid).toBeNull();
    expect(helper.send({ t: 'echo', v: 1 })).toBe(false);
  });

  it('a crash becomes a crash error with the exit code and the last stderr line, then an exit event', async () => {
    const helper = new HelperProcess({ name: 'test helper', script: echo, readyMessage: 'ready' });
    const seen = record(helper);
    expect(await helper.start()).toBe(true);
    helper.send({ t: 'crash' });
    await until(() => seen.exits.length === 1);
    expect(seen.errors).toHaveLength(1);
    const err = seen.errors[0] as HelperError;
    expect(err).toBeInstanceOf(HelperError);
    expect(err.failure).toBe('crash');
    expect(err.message).toBe('test helper exited (code 3): boom: the device went away');
    expect(seen.exits).toEqual([{ code: 3, signal: null, lastLine: 'boom: the device went away' }]);
    expect(helper.log).toContain('err: boom: the device went away');
  });

  it('closing the channel is the default shutdown; the helper ends without a crash error', async () => {
    const helper = new HelperProcess({ name: 'test helper', script: echo, readyMessage: 'ready' });
    const seen = record(helper);
    expect(await helper.start()).toBe(true);
    await helper.shutdown({ graceMs: 10_000 });
    await until(() => seen.exits.length === 1);
    expect(seen.exits[0]).toMatchObject({ code: 0, signal: null });
    expect(seen.errors).toEqual([]);
  });

  it('no ready message in time: the helper is killed and one ready-timeout error is reported, no crash', async () => {
    const mute = script('mute', `setInterval(() => {}, 1000); process.on('disconnect', () => process.exit(0));`);
    const helper = new HelperProcess({ name: 'test helper', script: mute, readyMessage: 'ready', readyTimeoutMs: 200 });
    const seen = record(helper);
    expect(await helper.start()).toBe(false);
    await until(() => seen.exits.length === 1);
    expect(seen.errors.map((e) => [(e as HelperError).failure, e.message])).toEqual([
      ['ready-timeout', 'test helper did not become ready within 0.2 s'],
    ]);
    expect(seen.exits[0]).toMatchObject({ signal: 'SIGKILL' });
  });

  it("a helper's fatal message is one fatal error with its reason, and its exit is no crash", async () => {
    const fatal = script('fatal', `process.send({ t: 'fatal', reason: 'no display' }, () => process.exit(3));`);
    const helper = new HelperProcess({
      name: 'test helper',
      script: fatal,
      readyMessage: 'ready',
      readyTimeoutMs: 10_000,
    });
    const seen = record(helper);
    expect(await helper.start()).toBe(false);
    await until(() => seen.exits.length === 1);
    expect(seen.errors.map((e) => [(e as HelperError).failure, e.message])).toEqual([['fatal', 'no display']]);
    expect(seen.messages).toEqual([]);
    expect(seen.exits[0]).toMatchObject({ code: 3 });
  });

  it('a throwing message listener becomes an error event; the next message still arrives', async () => {
    const helper = new HelperProcess({ name: 'test helper', script: echo, readyMessage: 'ready' });
    const seen = record(helper);
    let calls = 0;
    helper.on('message', () => {
      if (++calls === 1) throw new Error('listener bug');
    });
    expect(await helper.start()).toBe(true);
    helper.send({ t: 'echo', v: 1 });
    await until(() => seen.messages.length === 2);
    expect(seen.errors.map((e) => e.message)).toEqual(['a "message" listener threw: listener bug']);
    await helper.shutdown({ message: { t: 'shutdown' }, graceMs: 10_000 });
  });
});
