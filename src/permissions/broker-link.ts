/**
 * The socket side of a permission request holder (the permission bridge, bridge.ts, and the
 * approval host, src/tasks/backends/approval-host.ts): connects to voice-orch's permission socket,
 * says hello, resends its open requests after every (re)connection, and settles each with the
 * decision that comes back. Its own file so that the approval host's bundle does not carry the
 * MCP server of the bridge.
 */
import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import {
  BRIDGE_ENV,
  brokerMessage,
  DEFAULT_DECISION_TIMEOUT_MS,
  parseLine,
  timeoutMessage,
  type BridgeMessage,
  type Decision,
} from './protocol.js';

type RequestLine = Extract<BridgeMessage, { type: 'request' }>;

interface OpenRequest {
  line: RequestLine;
  settle: (d: Decision) => void;
}

/** What the bridge needs from its environment. */
export interface BridgeSettings {
  socket: string;
  token: string;
  task: number;
  run: number;
  timeoutMs: number;
  /** Between reconnection attempts (default 1000). */
  retryMs?: number;
}

/** Reads {@link BridgeSettings} from the environment; a sentence when something is missing. */
export function bridgeSettings(env: NodeJS.ProcessEnv): BridgeSettings | string {
  const socket = env[BRIDGE_ENV.socket];
  const token = env[BRIDGE_ENV.token];
  const task = Number(env[BRIDGE_ENV.task]);
  const run = Number(env[BRIDGE_ENV.run]);
  if (!socket || !token || !Number.isInteger(task) || !Number.isInteger(run)) {
    return `the permission bridge needs ${BRIDGE_ENV.socket}, ${BRIDGE_ENV.token}, ${BRIDGE_ENV.task} and ${BRIDGE_ENV.run}`;
  }
  const t = Number(env[BRIDGE_ENV.timeoutMs]);
  return { socket, token, task, run, timeoutMs: Number.isFinite(t) && t > 0 ? t : DEFAULT_DECISION_TIMEOUT_MS };
}

/** The socket side: connects, says hello, resends open requests after every (re)connection (also used by the approval host). */
export class BrokerLink {
  private sock: Socket | undefined;
  private ready = false;
  private stopped = false;
  private refused: string | undefined;
  readonly open = new Map<string, OpenRequest>();

  constructor(private readonly s: BridgeSettings) {}

  start(): void {
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.sock?.destroy();
  }

  /** Asks voice-orch; resolves with its decision, or a deny at the timeout. */
  ask(
    toolName: string,
    input: Record<string, unknown>,
    toolUseId: string | undefined,
    signal: AbortSignal,
  ): Promise<Decision> {
    const id = `${this.s.task}.${this.s.run}.${toolUseId ?? randomUUID()}`;
    const line: RequestLine = { type: 'request', id, toolName, input, toolUseId, askedAt: Date.now() };
    if (this.refused !== undefined) return Promise.resolve({ behavior: 'deny', message: this.refused });
    return new Promise<Decision>((resolve) => {
      const finish = (d: Decision): void => {
        if (!this.open.delete(id)) return;
        clearTimeout(timer);
        resolve(d);
      };
      const timer = setTimeout(() => {
        this.send({ type: 'expired', id });
        finish({ behavior: 'deny', message: timeoutMessage(this.s.timeoutMs) });
      }, this.s.timeoutMs);
      signal.addEventListener('abort', () => {
        this.send({ type: 'expired', id });
        finish({ behavior: 'deny', message: 'the request was cancelled' });
      });
      this.open.set(id, { line, settle: finish });
      if (this.ready) this.send(line);
    });
  }

  private send(msg: BridgeMessage): void {
    if (this.ready && this.sock && !this.sock.destroyed) this.sock.write(`${JSON.stringify(msg)}\n`);
  }

  private connect(): void {
    if (this.stopped) return;
    const sock = connect(this.s.socket);
    this.sock = sock;
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('connect', () => {
      sock.write(`${JSON.stringify({ type: 'hello', token: this.s.token, task: this.s.task, run: this.s.run })}\n`);
    });
    sock.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const text = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        this.onLine(text);
      }
    });
    sock.on('error', () => {});
    sock.on('close', () => {
      this.ready = false;
      if (this.stopped || this.refused !== undefined) return;
      setTimeout(() => this.connect(), this.s.retryMs ?? 1000).unref();
    });
  }

  private onLine(text: string): void {
    const msg = parseLine(brokerMessage, text);
    if (!msg) return;
    if (msg.type === 'welcome') {
      this.ready = true;
      for (const r of this.open.values()) this.send(r.line);
    } else if (msg.type === 'refused') {
      // A wrong token will not get better by retrying: deny what waits, and every later request.
      this.refused = `voice-orch refused this task's permission requests: ${msg.reason}`;
      for (const r of [...this.open.values()]) r.settle({ behavior: 'deny', message: this.refused });
      this.sock?.destroy();
    } else {
      this.open.get(msg.id)?.settle(msg.decision);
    }
  }
}
