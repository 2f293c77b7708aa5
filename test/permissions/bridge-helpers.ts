/** Drives the built permission bridge (dist/permission-bridge.js) as the agent CLI does: MCP over stdio. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BRIDGE_ENV } from '../../src/permissions/protocol.js';

export const BRIDGE = fileURLToPath(new URL('../../dist/permission-bridge.js', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/claude-cli/', import.meta.url));

/** One recorded MCP line. */
export interface McpLine {
  dir: 'in' | 'out';
  msg: {
    id?: string | number;
    method?: string;
    result?: { content?: { text: string }[] };
    params?: Record<string, unknown>;
  };
}

/** The recorded exchange of a fixture (`<name>.mcp.jsonl`). */
export function recording(name: string): McpLine[] {
  return readFileSync(`${FIXTURES}${name}.mcp.jsonl`, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as McpLine);
}

/** A running bridge: send JSON-RPC lines, wait for the answer of an id. */
export class BridgeProc {
  readonly child: ChildProcess;
  private buf = '';
  private readonly answers = new Map<string, McpLine['msg']>();
  private waiters: (() => void)[] = [];

  constructor(env: { socket: string; token: string; task: number; run: number; timeoutMs?: number }) {
    this.child = spawn(process.execPath, [BRIDGE], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: {
        PATH: process.env.PATH,
        [BRIDGE_ENV.socket]: env.socket,
        [BRIDGE_ENV.token]: env.token,
        [BRIDGE_ENV.task]: String(env.task),
        [BRIDGE_ENV.run]: String(env.run),
        ...(env.timeoutMs !== undefined ? { [BRIDGE_ENV.timeoutMs]: String(env.timeoutMs) } : {}),
      },
    });
    this.child.stdout?.setEncoding('utf8');
    this.child.stdout?.on('data', (c: string) => {
      this.buf += c;
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const msg = JSON.parse(this.buf.slice(0, nl)) as McpLine['msg'];
        this.buf = this.buf.slice(nl + 1);
        if (msg.id !== undefined) this.answers.set(String(msg.id), msg);
        for (const w of this.waiters.splice(0)) w();
      }
    });
  }

  send(msg: unknown): void {
    this.child.stdin?.write(`${JSON.stringify(msg)}\n`);
  }

  /** Sends every recorded `in` line up to (not including) the first tools/call, waiting for each answer. */
  async handshake(rec: McpLine[]): Promise<McpLine['msg'][]> {
    const got: McpLine['msg'][] = [];
    for (const l of rec) {
      if (l.dir !== 'in') continue;
      if (l.msg.method === 'tools/call') break;
      this.send(l.msg);
      if (l.msg.id !== undefined) got.push(await this.answer(l.msg.id));
    }
    return got;
  }

  async answer(id: string | number): Promise<McpLine['msg']> {
    for (;;) {
      const a = this.answers.get(String(id));
      if (a) return a;
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /** The decision JSON in a tools/call answer. */
  static decision(msg: McpLine['msg']): Record<string, unknown> {
    return JSON.parse(msg.result?.content?.[0]?.text ?? 'null') as Record<string, unknown>;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise((r) => this.child.once('exit', r));
    this.child.stdin?.end();
    await gone;
  }
}
