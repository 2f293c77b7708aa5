/**
 * Doctor's "can start headless" probe of an agent CLI: the backend's own argv and environment for
 * a one-line prompt (the way a task starts it: stdin closed, its own process group), read until
 * the agent's first event — Claude's `system/init`, Codex's `thread.started`, Gemini's `init` —
 * and then ended with everything it started. Each CLI prints that line before its first model
 * request (README, "Doctor"), so a probe that ends there spends no tokens. It runs in
 * plan / read-only mode in an empty temporary folder, so even a late stop cannot change a project.
 * Claude's model endpoint is also pointed at a loopback listener that drops every connection
 * (`ANTHROPIC_BASE_URL`, with its non-essential traffic off), so its probe never leaves the
 * machine; Codex and Gemini have no such switch that keeps their authentication as it is.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { oneLine } from '../../shared/sanitize.js';
import { runUntilLine } from '../spawn.js';
import type { AgentEnvPolicy } from './agent-backend.js';
import type { AgentPathConfig } from './agent-doctor.js';
import { backendFor } from './registry.js';

/** The prompt of the probe (never answered: the probe ends at the first event). */
export const PROBE_PROMPT = 'Reply with the single word ok.';

/** What the probe found: the agent's first event came after `ms`, or why it did not. */
export type HeadlessProbe = { ok: true; ms: number } | { ok: false; problem: string };

/** Inputs of {@link probeHeadless}. */
export interface HeadlessProbeOptions extends AgentPathConfig {
  agent: 'claude' | 'codex' | 'gemini';
  /** The inherited environment (the backend applies its own rule and `envPolicy`, as for tasks). */
  env: Record<string, string | undefined>;
  /** The configured `agentEnv` (drop / pass). */
  envPolicy?: AgentEnvPolicy;
  /** Where a relative executable path is resolved. */
  cwd: string;
  timeoutMs: number;
}

/** A loopback port that accepts and at once closes every connection (nothing is read). */
async function blackHole(): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

/** The last non-empty stderr line, on one line, for the doctor's sentence. */
function lastLine(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return oneLine(lines[lines.length - 1] ?? '', 160);
}

/** Starts the agent headless and stops it at its first event (see this file's header); never throws. */
export async function probeHeadless(o: HeadlessProbeOptions): Promise<HeadlessProbe> {
  const backend = backendFor(o.agent);
  const env = backend.env(o.env, o.envPolicy ?? {});
  const config = {
    claudePath: o.claudePath ?? 'claude',
    ...(o.codexPath !== undefined ? { codexPath: o.codexPath } : {}),
    ...(o.geminiPath !== undefined ? { geminiPath: o.geminiPath } : {}),
  };
  const cmd = await backend.command({ run: { prompt: PROBE_PROMPT, permissionMode: 'plan' }, config, env, cwd: o.cwd });
  if (!cmd.ok) return { ok: false, problem: cmd.message };
  let dir: string | undefined;
  let hole: Awaited<ReturnType<typeof blackHole>> | undefined;
  try {
    dir = await mkdtemp(join(tmpdir(), 'voice-orch-doctor-'));
    if (o.agent === 'claude') {
      hole = await blackHole();
      env.ANTHROPIC_BASE_URL = hole.url;
      env.CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC = '1';
    }
    const r = await runUntilLine(cmd.value.file, cmd.value.args, {
      env,
      cwd: dir,
      timeoutMs: o.timeoutMs,
      until: (line) => backend.parseLine(line, false, undefined).some((e) => e.type === 'init'),
    });
    if (r.line !== undefined) return { ok: true, ms: r.ms };
    const said = lastLine(r.stderr);
    const tail = said ? `: ${said}` : '';
    if (r.error !== undefined) return { ok: false, problem: `could not be started headless: ${oneLine(r.error, 160)}` };
    if (r.timedOut) {
      return {
        ok: false,
        problem: `started headless but printed no event within ${Math.round(o.timeoutMs / 1000)} s (stopped)${tail}`,
      };
    }
    const how = r.exit?.signal ? `was killed by ${r.exit.signal}` : `exited with ${r.exit?.exitCode ?? '?'}`;
    return { ok: false, problem: `${how} when started headless, before its first event${tail}` };
  } catch (e) {
    return { ok: false, problem: `could not be started headless: ${oneLine(String(e), 160)}` };
  } finally {
    await hole?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
