/**
 * The permission channel's shared vocabulary: the variables the bridge is started with, the lines
 * the bridge and voice-orch exchange over the Unix socket (one JSON object per line), each task's
 * token, and the answer text the agent CLI expects from its permission-prompt tool (see
 * docs/architecture.md, "Permission requests").
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';

/** Variables in the bridge's environment (set through the MCP config, never by the agent). */
export const BRIDGE_ENV = {
  socket: 'VOICE_ORCH_PERMISSION_SOCKET',
  token: 'VOICE_ORCH_PERMISSION_TOKEN',
  task: 'VOICE_ORCH_PERMISSION_TASK',
  run: 'VOICE_ORCH_PERMISSION_RUN',
  timeoutMs: 'VOICE_ORCH_PERMISSION_TIMEOUT_MS',
} as const;

/** The MCP server's name and tool name: the CLI is given `mcp__voice-orch__approve`. */
export const MCP_SERVER_NAME = 'voice-orch';
export const MCP_TOOL_NAME = 'approve';
export const PROMPT_TOOL = `mcp__${MCP_SERVER_NAME}__${MCP_TOOL_NAME}`;

/** Default wait for a decision before the request is denied (60 min). */
export const DEFAULT_DECISION_TIMEOUT_MS = 60 * 60_000;

/** The folder of the channel's files inside the state directory (0700). */
export function permissionsDir(stateDir: string): string {
  return join(stateDir, 'permissions');
}

/** The socket path (inside {@link permissionsDir}). */
export function socketPath(stateDir: string): string {
  return join(permissionsDir(stateDir), 'socket');
}

/** A task's token: HMAC of its id under the state directory's secret key (so it survives restarts). */
export function taskToken(key: Buffer, taskId: number): string {
  return createHmac('sha256', key).update(`task:${taskId}`).digest('hex');
}

/** Whether `token` is the token of `taskId` (constant-time). */
export function tokenValid(key: Buffer, taskId: number, token: string): boolean {
  const want = Buffer.from(taskToken(key, taskId));
  const got = Buffer.from(token);
  return got.length === want.length && timingSafeEqual(got, want);
}

/** Words a person reads when nobody answered in time. */
export function timeoutMessage(timeoutMs: number): string {
  const min = Math.round(timeoutMs / 60_000);
  return min >= 1 ? `no decision within ${min} min` : `no decision within ${Math.round(timeoutMs / 1000)} s`;
}

const jsonObject = z.record(z.string(), z.unknown());

/** Bridge → voice-orch. */
export const bridgeMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), token: z.string().max(200), task: z.number().int(), run: z.number().int() }),
  z.object({
    type: z.literal('request'),
    id: z.string().min(1).max(200),
    toolName: z.string().max(200),
    input: jsonObject,
    toolUseId: z.string().max(200).optional(),
    /** When the CLI asked (ms since epoch), kept across reconnects. */
    askedAt: z.number(),
  }),
  z.object({ type: z.literal('expired'), id: z.string().max(200) }),
]);
/** A line from the bridge. */
export type BridgeMessage = z.infer<typeof bridgeMessage>;

/** A decision on one request. */
export const decisionSchema = z.object({
  behavior: z.enum(['allow', 'deny']),
  /** Replaces the tool's input (a question's answers). */
  updatedInput: jsonObject.optional(),
  /** Why it was denied; reaches the agent. */
  message: z.string().optional(),
});
/** See {@link decisionSchema}. */
export type Decision = z.infer<typeof decisionSchema>;

/** voice-orch → bridge. */
export const brokerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('welcome') }),
  z.object({ type: z.literal('refused'), reason: z.string() }),
  z.object({ type: z.literal('decision'), id: z.string(), decision: decisionSchema }),
]);
/** A line from voice-orch. */
export type BrokerMessage = z.infer<typeof brokerMessage>;

/** Parses one socket line; undefined for anything else. */
export function parseLine<T>(schema: z.ZodType<T>, line: string): T | undefined {
  try {
    const r = schema.safeParse(JSON.parse(line));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The tool result text the CLI reads: `{"behavior":"allow","updatedInput":…}` or
 * `{"behavior":"deny","message":…}` (any other shape counts as a deny with a confusing message).
 */
export function answerText(d: Decision, input: Record<string, unknown>): string {
  if (d.behavior === 'allow') return JSON.stringify({ behavior: 'allow', updatedInput: d.updatedInput ?? input });
  return JSON.stringify({ behavior: 'deny', message: d.message ?? 'The user denied this.' });
}
