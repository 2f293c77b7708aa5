/**
 * The approval host: a small process per codex/gemini run (bundled as dist/approval-host.js) that
 * holds the agent's approval channel for the whole run, so the task outlives voice-orch. It starts
 * the agent in its server mode (`codex app-server`, `gemini --acp`) as its child, drives one turn
 * (the prompt; for a follow-up the thread/session is resumed first), writes the agent's events to
 * its stdout — the task log — in the agent's own headless line format, so the backend's one parser
 * reads both (codex-stream.ts, gemini-stream.ts), and turns every approval request into a
 * permission request over voice-orch's socket with the same token scheme as the Claude bridge
 * (src/permissions/broker-link.ts `BrokerLink`): it waits in the pending list, is answered by key, voice
 * or rule, and is sent again when voice-orch restarts. The host exits when the turn ends; its exit
 * code is the backend's usual one, but the last log line decides the outcome.
 *
 * Started by the runner like any agent (detached, its own process group, stdin closed), so
 * cancelling the task ends the host, the agent and the agent's commands together.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeSync } from 'node:fs';
import { z } from 'zod';
import { BrokerLink } from '../../permissions/broker-link.js';
import type { Decision } from '../../permissions/protocol.js';
import { JsonRpcPeer } from './json-rpc-peer.js';

/** Everything a host needs, passed as one `--spec=<json>` word (approval-launch.ts builds it). */
export const hostSpecSchema = z.object({
  agent: z.enum(['codex', 'gemini']),
  /** The agent's executable and its server-mode argv. */
  file: z.string().min(1),
  args: z.array(z.string()),
  prompt: z.string(),
  /** The thread/session of a follow-up. */
  resumeId: z.string().optional(),
  model: z.string().optional(),
  effort: z.string().optional(),
  /** Codex's sandbox (codex.ts `codexSandbox`). */
  sandbox: z.string().optional(),
  bridge: z.object({
    socket: z.string().min(1),
    token: z.string().min(1),
    task: z.number().int(),
    run: z.number().int(),
    timeoutMs: z.number().positive(),
    /** Between reconnections (tests shorten it). */
    retryMs: z.number().positive().optional(),
  }),
});
/** See {@link hostSpecSchema}. */
export type HostSpec = z.infer<typeof hostSpecSchema>;

/** What a protocol driver gets from the host. */
export interface HostContext {
  spec: HostSpec;
  rpc: JsonRpcPeer;
  cwd: string;
  /** Writes one line of the task log. */
  emit(line: Record<string, unknown>): void;
  /** Asks voice-orch (the broker); a deny when the host is stopping or the wait times out. */
  ask(toolName: string, input: Record<string, unknown>, toolUseId: string): Promise<Decision>;
}

/** Drives one turn of one protocol; resolves with the host's exit code. */
export type HostDriver = (ctx: HostContext) => Promise<number>;

/** Exit code of a host whose agent went away mid-turn (the reason is on stderr). */
export const AGENT_GONE_EXIT = 3;

/**
 * The agent went away before its turn ended: no final line (a cancel's signal may be what ended
 * it, and the outcome rules then say "cancelled"), the reason on stderr, {@link AGENT_GONE_EXIT}.
 */
export function agentGone(why: string): number {
  process.stderr.write(`Error: ${why}\n`);
  return AGENT_GONE_EXIT;
}

/** Writes one JSON line to fd 1 at once (a file: the task log). */
function emitLine(line: Record<string, unknown>): void {
  try {
    writeSync(1, `${JSON.stringify(line)}\n`);
  } catch {
    // The log is gone: nothing left to tell.
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Ends the agent: stdin closed, SIGTERM, SIGKILL after `graceMs`. */
async function endAgent(child: ChildProcess, graceMs: number): Promise<void> {
  child.stdin?.end();
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited(child);
  clearTimeout(timer);
}

/** Runs the agent under `driver`; resolves with the exit code (see this file's header). */
export async function runHost(spec: HostSpec, driver: HostDriver, emit = emitLine): Promise<number> {
  const child = spawn(spec.file, spec.args, { stdio: ['pipe', 'pipe', 'inherit'], env: process.env });
  const started = await new Promise<string | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', (e) => resolve(e.message));
  });
  if (started !== undefined) {
    process.stderr.write(`could not start ${spec.file}: ${started}\n`);
    return 127;
  }
  const link = new BrokerLink(spec.bridge);
  link.start();
  const stopping = new AbortController();
  const rpc = new JsonRpcPeer(
    child.stdout as NonNullable<ChildProcess['stdout']>,
    child.stdin as NonNullable<ChildProcess['stdin']>,
  );
  child.on('exit', (code, signal) => rpc.close(`the agent exited (${signal ?? `code ${code ?? '?'}`})`));
  // A signal to the host alone (not its group) still ends the agent first.
  const onSignal = (sig: NodeJS.Signals): void => {
    stopping.abort();
    link.stop();
    void endAgent(child, 2000).then(() => {
      process.removeAllListeners(sig);
      process.kill(process.pid, sig);
    });
  };
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, onSignal);
  const ctx: HostContext = {
    spec,
    rpc,
    cwd: process.cwd(),
    emit,
    ask: (toolName, input, toolUseId) => link.ask(toolName, input, toolUseId, stopping.signal),
  };
  let code: number;
  try {
    code = await driver(ctx);
  } catch (e) {
    emit({ type: 'error', message: `the approval host failed: ${e instanceof Error ? e.message : String(e)}` });
    code = 1;
  }
  stopping.abort();
  link.stop();
  await endAgent(child, 3000);
  return code;
}
