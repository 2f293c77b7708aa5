/**
 * voice-orch's side of the permission channel: a Unix socket in `<stateDir>/permissions/` (folder
 * 0700, socket 0600) where each task's bridge brings its agent's requests and waits for decisions.
 * A connection must first prove its task with that task's token (an HMAC under a key that only
 * voice-orch reads); anything else is refused. Requests are kept in `pending.json`, so after a
 * restart they show at once and are matched again when their bridges reconnect; one whose bridge
 * does not come back within a grace period belongs to an agent that is gone and is dropped.
 * Every request and decision goes to the append-only `audit.jsonl`.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';
import { errorText, toError } from '../shared/errors.js';
import { SafeEmitter } from '../shared/events.js';
import { JsonlFile } from '../session/jsonl-file.js';
import {
  bridgeMessage,
  parseLine,
  permissionsDir,
  socketPath,
  taskToken,
  tokenValid,
  type BrokerMessage,
  type Decision,
} from './protocol.js';

/** Who decided. */
export type DecisionSource = 'key' | 'voice' | 'rule' | 'timeout';

/** A request waiting for a decision. */
export interface PendingRequest {
  id: string;
  task: number;
  run: number;
  toolName: string;
  input: Record<string, unknown>;
  toolUseId?: string;
  /** When the agent asked (ms since epoch). */
  askedAt: number;
  /** Whether its bridge is connected now (false right after a restart until it reconnects). */
  connected: boolean;
}

/** Events of {@link PermissionBroker}. */
export type BrokerEvents = {
  /** The pending list changed (a request arrived, was answered, expired or went away). */
  changed: [pending: readonly PendingRequest[]];
  /** A request nobody has seen before (not one that came back after a restart). */
  request: [req: PendingRequest];
  error: [error: Error];
};

/** Options of {@link PermissionBroker}. */
export interface BrokerOptions {
  stateDir: string;
  /** How long a request loaded from pending.json waits for its bridge (default 30 s). */
  reclaimGraceMs?: number;
  /** Answers a request before anyone is asked (allow rules); undefined asks the user. */
  autoDecide?: (req: PendingRequest) => Decision | undefined;
}

/** Extra facts for the audit log. */
export interface DecisionFacts {
  source: DecisionSource;
  /** For voice: the transcript item the decision came from. */
  transcriptItem?: string;
}

const pendingFile = z.array(
  z.object({
    id: z.string(),
    task: z.number(),
    run: z.number(),
    toolName: z.string(),
    input: z.record(z.string(), z.unknown()),
    toolUseId: z.string().optional(),
    askedAt: z.number(),
  }),
);

/** A one-line summary of a request's input for the audit log (the command, the file, the question). */
export function inputSummary(toolName: string, input: Record<string, unknown>): string {
  const s = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const q = Array.isArray(input.questions) ? (input.questions[0] as Record<string, unknown> | undefined) : undefined;
  const text =
    s(input.command) ??
    s(input.file_path) ??
    s(input.path) ??
    s(q?.question) ??
    (toolName === 'ExitPlanMode' ? 'plan' : JSON.stringify(input));
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

/** See this file's header. */
export class PermissionBroker extends SafeEmitter<BrokerEvents> {
  private server: Server | undefined;
  private key: Buffer = Buffer.alloc(0);
  private readonly pending = new Map<string, PendingRequest>();
  private readonly conns = new Map<string, Socket>();
  private readonly sockets = new Set<Socket>();
  private readonly audit: JsonlFile;
  private saving: Promise<void> = Promise.resolve();
  private closing = false;
  private graceTimer: NodeJS.Timeout | undefined;

  constructor(private readonly o: BrokerOptions) {
    super();
    this.audit = new JsonlFile(join(permissionsDir(o.stateDir), 'audit.jsonl'), (e) => this.fire('error', e));
  }

  /** The socket path bridges connect to. */
  get socket(): string {
    return socketPath(this.o.stateDir);
  }

  /** A task's token (for its bridge's environment). Only valid after {@link start}. */
  tokenFor(taskId: number): string {
    return taskToken(this.key, taskId);
  }

  /** Requests waiting now, oldest first. */
  list(): PendingRequest[] {
    return [...this.pending.values()].sort((a, b) => a.askedAt - b.askedAt);
  }

  /** Creates the folder and key, loads pending.json and listens. Failures become `error` events. */
  async start(): Promise<boolean> {
    const dir = permissionsDir(this.o.stateDir);
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await chmod(dir, 0o700);
      this.key = await this.loadKey(join(dir, 'key'));
      await this.loadPending();
      await rm(this.socket, { force: true });
      const server = createServer((sock) => this.onConnection(sock));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.socket, () => resolve());
      });
      await chmod(this.socket, 0o600);
      server.on('error', (e) => this.fire('error', e));
      this.server = server;
    } catch (e) {
      this.fire('error', new Error(`the permission channel could not start: ${errorText(e)}`));
      return false;
    }
    if (this.pending.size > 0) {
      this.emitChanged();
      this.graceTimer = setTimeout(() => this.dropUnclaimed(), this.o.reclaimGraceMs ?? 30_000);
      this.graceTimer.unref();
    }
    return true;
  }

  /**
   * Decides a pending request: sent to its bridge (which answers the agent), audited, removed.
   * False when there is no such request or its bridge is not connected right now.
   */
  decide(id: string, decision: Decision, facts: DecisionFacts): boolean {
    const req = this.pending.get(id);
    const sock = this.conns.get(id);
    if (!req || !sock || sock.destroyed) return false;
    this.write(sock, { type: 'decision', id, decision });
    this.pending.delete(id);
    this.conns.delete(id);
    this.log(req, decision.behavior, facts.source, { message: decision.message, transcriptItem: facts.transcriptItem });
    this.changedAndSave();
    return true;
  }

  /** Stops listening; bridges keep their requests and reconnect to the next start. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.graceTimer);
    const server = this.server;
    this.server = undefined;
    const stopped = server ? new Promise<void>((resolve) => server.close(() => resolve())) : undefined;
    // server.close waits for open connections: end every bridge's by hand (they reconnect later).
    for (const s of this.sockets) s.destroy();
    await stopped;
    await this.saving;
    await this.audit.close();
  }

  private async loadKey(path: string): Promise<Buffer> {
    try {
      const k = await readFile(path);
      if (k.length >= 32) return k;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const k = randomBytes(32);
    await writeFile(path, k, { mode: 0o600 });
    return k;
  }

  private async loadPending(): Promise<void> {
    let text: string;
    try {
      text = await readFile(join(permissionsDir(this.o.stateDir), 'pending.json'), 'utf8');
    } catch {
      return;
    }
    const parsed = parseLine(pendingFile, text);
    for (const r of parsed ?? []) this.pending.set(r.id, { ...r, connected: false });
  }

  private dropUnclaimed(): void {
    let dropped = false;
    for (const r of [...this.pending.values()]) {
      if (r.connected) continue;
      this.pending.delete(r.id);
      this.log(r, 'gone', 'timeout', {});
      dropped = true;
    }
    if (dropped) this.changedAndSave();
  }

  private onConnection(sock: Socket): void {
    let task: number | undefined;
    let run = 0;
    let buf = '';
    const ids = new Set<string>();
    if (this.closing) {
      sock.destroy();
      return;
    }
    this.sockets.add(sock);
    sock.setEncoding('utf8');
    sock.on('error', () => {});
    sock.on('data', (chunk: string) => {
      buf += chunk;
      // A line longer than this is not a request (a request's input is a command or an edit).
      if (buf.length > 8 * 1024 * 1024) sock.destroy();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const msg = parseLine(bridgeMessage, buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        if (!msg) continue;
        if (msg.type === 'hello') {
          if (!tokenValid(this.key, msg.task, msg.token)) {
            this.write(sock, { type: 'refused', reason: 'bad token' });
            sock.end();
            return;
          }
          task = msg.task;
          run = msg.run;
          this.write(sock, { type: 'welcome' });
        } else if (task === undefined) {
          sock.destroy();
          return;
        } else if (msg.type === 'request') {
          // The id is the bridge's; prefix our own task number so one task cannot touch another's.
          if (!msg.id.startsWith(`${task}.`)) continue;
          ids.add(msg.id);
          this.onRequest(sock, { ...msg, task, run, connected: true });
        } else {
          const req = this.pending.get(msg.id);
          if (req && ids.has(msg.id)) {
            this.pending.delete(msg.id);
            this.conns.delete(msg.id);
            this.log(req, 'deny', 'timeout', {});
            this.changedAndSave();
          }
        }
      }
    });
    sock.on('close', () => {
      this.sockets.delete(sock);
      if (this.closing) return;
      // Its agent is gone (or the bridge died): nobody is waiting for these any more.
      let changed = false;
      for (const id of ids) {
        if (this.conns.get(id) !== sock) continue;
        const req = this.pending.get(id);
        this.conns.delete(id);
        if (req) {
          this.pending.delete(id);
          this.log(req, 'gone', 'timeout', {});
          changed = true;
        }
      }
      if (changed) this.changedAndSave();
    });
  }

  private onRequest(sock: Socket, r: PendingRequest & { type?: string }): void {
    const { type: _t, ...req } = r;
    const known = this.pending.get(req.id);
    this.conns.set(req.id, sock);
    const entry: PendingRequest = { ...req, askedAt: known?.askedAt ?? req.askedAt, connected: true };
    this.pending.set(req.id, entry);
    if (!known) {
      this.log(entry, 'asked', undefined, {});
      const auto = this.o.autoDecide?.(entry);
      if (auto) {
        this.decide(req.id, auto, { source: 'rule' });
        return;
      }
      this.changedAndSave();
      this.fire('request', entry);
    } else {
      this.changedAndSave();
    }
  }

  private write(sock: Socket, msg: BrokerMessage): void {
    if (!sock.destroyed) sock.write(`${JSON.stringify(msg)}\n`);
  }

  private log(
    req: PendingRequest,
    decision: string,
    source: DecisionSource | undefined,
    extra: { message?: string; transcriptItem?: string },
  ): void {
    this.audit.append({
      time: new Date().toISOString(),
      task: req.task,
      run: req.run,
      tool: req.toolName,
      input: inputSummary(req.toolName, req.input),
      decision,
      ...(source ? { source } : {}),
      ...(extra.message !== undefined ? { message: extra.message } : {}),
      ...(extra.transcriptItem !== undefined ? { transcriptItem: extra.transcriptItem } : {}),
    });
  }

  private emitChanged(): void {
    this.fire('changed', this.list());
  }

  private changedAndSave(): void {
    this.emitChanged();
    const snapshot = JSON.stringify(
      this.list().map(({ connected: _c, ...r }) => r),
      null,
      1,
    );
    const path = join(permissionsDir(this.o.stateDir), 'pending.json');
    this.saving = this.saving
      .then(async () => {
        await writeFile(`${path}.tmp`, snapshot, { mode: 0o600 });
        await rename(`${path}.tmp`, path);
      })
      .catch((e: unknown) => this.fire('error', toError(e)));
  }
}
