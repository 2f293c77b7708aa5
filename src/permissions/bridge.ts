/**
 * The permission bridge: a stdio MCP server the agent CLI starts (`--mcp-config`) and calls as its
 * permission-prompt tool. Each call becomes a request sent over the Unix socket in voice-orch's
 * state directory; the call's answer is the decision that comes back. The bridge lives as long as
 * the agent, not voice-orch: while voice-orch is down it keeps its requests and reconnects every
 * second, sending them again, so they reappear after a restart. A request without a decision
 * within the configured time is denied with a sentence the agent can read.
 *
 * Run as its own process (`node dist/permission-bridge.js`); {@link runBridge} is the body. The
 * socket side is broker-link.ts.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { BrokerLink, bridgeSettings, type BridgeSettings } from './broker-link.js';
import { answerText, MCP_SERVER_NAME, MCP_TOOL_NAME } from './protocol.js';

export { BrokerLink, bridgeSettings, type BridgeSettings };

/** Starts the MCP server on stdin/stdout; resolves when the CLI closes it. */
export async function runBridge(s: BridgeSettings): Promise<void> {
  const link = new BrokerLink(s);
  link.start();
  const server = new Server({ name: MCP_SERVER_NAME, version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: [
      {
        name: MCP_TOOL_NAME,
        description: 'Asks the voice-orch user whether the agent may use a tool.',
        inputSchema: {
          type: 'object' as const,
          properties: { tool_name: { type: 'string' }, input: { type: 'object' }, tool_use_id: { type: 'string' } },
          required: ['tool_name', 'input'],
        },
      },
    ],
  }));
  server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
    const a = req.params.arguments ?? {};
    const toolName = typeof a.tool_name === 'string' ? a.tool_name : 'unknown';
    const input = a.input !== null && typeof a.input === 'object' ? (a.input as Record<string, unknown>) : {};
    const toolUseId = typeof a.tool_use_id === 'string' ? a.tool_use_id : undefined;
    const decision = await link.ask(toolName, input, toolUseId, extra.signal);
    return { content: [{ type: 'text' as const, text: answerText(decision, input) }] };
  });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    server.onclose = () => resolve();
    process.stdin.on('end', () => resolve());
  });
  await server.connect(transport);
  await closed;
  link.stop();
}

/** Entry point of the bridge process. */
export async function bridgeMain(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const s = bridgeSettings(env);
  if (typeof s === 'string') {
    process.stderr.write(`${s}\n`);
    process.exitCode = 2;
    return;
  }
  await runBridge(s);
  process.exit(0);
}
