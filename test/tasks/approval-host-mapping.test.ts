// What the approval host writes to the task log and asks voice-orch, from the recorded
// app-server / ACP messages: read back by the agent's own stream parser, described in the table.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requestDetail, requestReason } from '../../src/permissions/describe.js';
import { execItem } from '../../src/tasks/backends/codex-app-server.js';
import { parseCodexLine } from '../../src/tasks/backends/codex-stream.js';
import { permissionOf, toolUseLine } from '../../src/tasks/backends/gemini-acp.js';
import { parseGeminiLine } from '../../src/tasks/backends/gemini-stream.js';
import { FIXTURES } from './task-manager.fixture.js';

type Msg = { method?: string; params?: Record<string, unknown> };
function messages(agent: string, name: string): Msg[] {
  return readFileSync(join(FIXTURES, `${agent}-cli`, `${name}.exchange.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { msg: Msg }).msg);
}

describe('codex app-server items in the log', () => {
  it('read back as the command, its output and status, and the changed file', () => {
    const done = messages('codex', 'appserver-command-approval-accept').find(
      (m) => m.method === 'item/completed' && (m.params?.item as { type?: string }).type === 'commandExecution',
    );
    const item = execItem(done?.params?.item as Record<string, unknown>);
    const events = parseCodexLine(JSON.stringify({ type: 'item.completed', item }));
    expect(events).toEqual([{ type: 'tool_result', toolUseId: expect.any(String), isError: false, text: 'escalated' }]);
    const started = parseCodexLine(JSON.stringify({ type: 'item.started', item }));
    expect(started[0]).toMatchObject({ name: 'Bash', input: { command: 'touch ESCALATED.txt && echo escalated' } });

    const declined = messages('codex', 'appserver-command-approval-decline').find(
      (m) => m.method === 'item/completed' && (m.params?.item as { type?: string }).type === 'commandExecution',
    );
    const d = execItem(declined?.params?.item as Record<string, unknown>);
    expect(parseCodexLine(JSON.stringify({ type: 'item.completed', item: d }))[0]).toMatchObject({
      isError: true,
      text: 'declined: the command was not run',
    });

    const change = messages('codex', 'appserver-filechange-approval-accept').find(
      (m) => m.method === 'item/completed' && (m.params?.item as { type?: string }).type === 'fileChange',
    );
    const c = execItem(change?.params?.item as Record<string, unknown>);
    const use = parseCodexLine(JSON.stringify({ type: 'item.started', item: c }));
    expect(use[0]).toMatchObject({ name: 'Write', filePath: expect.stringMatching(/NOTES\.md$/) });
  });

  it('describes a file change that edits with its diff and reason', () => {
    const req = { toolName: 'Edit', input: { file_path: '/p/a.ts', diff: '@@ -1 +1 @@\n-a\n+b', description: 'fix' } };
    expect(requestReason(req, '/p')).toBe('wants to edit a.ts');
    expect(requestDetail(req, '/p')).toBe('wants to edit a.ts\n\n@@ -1 +1 @@\n-a\n+b\n\n(fix)');
  });
});

describe('gemini ACP tool calls', () => {
  const asked = messages('gemini', 'acp-write-file-allow').find((m) => m.method === 'session/request_permission');
  const call = asked?.params?.toolCall as Record<string, unknown>;

  it('are logged as stream-json tool uses the gemini parser reads, with the file written', () => {
    const events = parseGeminiLine(JSON.stringify(toolUseLine(call)));
    expect(events[0]).toMatchObject({ type: 'tool_use', name: 'Write', filePath: expect.stringMatching(/NOTES\.md$/) });
  });

  it('ask as Claude-named tools; other kinds by kind and title', () => {
    expect(permissionOf(call)).toMatchObject({
      toolName: 'Write',
      input: { content: '# Notes\n\nWritten by the fake Gemini API.\n' },
    });
    const fetch = permissionOf({ toolCallId: 'x', kind: 'fetch', title: 'https://example.test' });
    expect(requestReason(fetch)).toBe('wants to fetch: https://example.test');
  });
});
