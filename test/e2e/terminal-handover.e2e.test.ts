/**
 * End to end in a real terminal (tmux): while voice-orch has handed the terminal to an editor,
 * every key typed is the editor's — also those typed while the editor is still starting, before it
 * reads — and none reaches voice-orch afterwards. Once the editor has ended, keys reach
 * voice-orch again. The hand-over is the built dist/shared/terminal-input.js, driven by
 * test/fixtures/terminal-handover.mjs the way src/cli.tsx drives it for `o` (from inside the
 * terminal read loop, as Ink handles keys).
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TmuxSession } from '../helpers/tmux-session.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const MODULE = join(ROOT, 'dist', 'shared', 'terminal-input.js');
const SCRIPT = join(ROOT, 'test', 'fixtures', 'terminal-handover.mjs');

const sessions: TmuxSession[] = [];
afterEach(() => {
  for (const s of sessions.splice(0)) s.kill();
});

const logOf = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '');

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs the stand-in with `module` ("none": no hand-over), types a line for the editor, then a key for the app. */
async function typeAhead(module: string): Promise<string> {
  expect(existsSync(MODULE), `${MODULE} missing: run npm run build`).toBe(true);
  const log = join(mkdtempSync(join(tmpdir(), 'vo-handover-')), 'log');
  const s = new TmuxSession(80, 10);
  sessions.push(s);
  s.start(`node ${SCRIPT} ${module} ${log}`);
  await waitUntil(() => logOf(log).includes('app:ready'), 10_000, 'the app to start');
  s.literal('o');
  await waitUntil(() => logOf(log).includes('editor:started'), 10_000, 'the editor to start');
  // Typed at once: the editor is still starting (it reads only after a moment).
  s.literal('typed ahead');
  s.keys('Enter');
  await waitUntil(() => logOf(log).includes('app:back'), 20_000, 'the editor to end');
  s.literal('k');
  await waitUntil(() => logOf(log).includes('app:"k"'), 10_000, 'the key after the editor');
  return logOf(log);
}

describe('handing the terminal to an editor', () => {
  it('keys typed while the editor starts are the editor’s; afterwards keys reach the app again', async () => {
    const log = await typeAhead(MODULE);
    expect(log).toContain('editor:typed ahead\n');
    expect(log.split('\n').filter((l) => l.startsWith('app:"'))).toEqual(['app:"k"']);
  }, 60_000);

  it('without the hand-over the app takes them (the fault it mends)', async () => {
    const log = await typeAhead('none');
    expect(log).not.toContain('editor:typed ahead');
    expect(log).toMatch(/app:"typed ahead/);
  }, 60_000);
});
