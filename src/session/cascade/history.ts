/**
 * The cascade's conversation history: chat messages kept in order and cut to a character budget
 * (a cheap stand-in for tokens, about four characters each) before every request, never starting
 * with a tool result whose call was cut away.
 */
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { ToolDefinition } from '../types.js';

/** Default budget: ~6 000 tokens of history. */
export const HISTORY_CHARS = 24_000;

/** Ordered chat messages with a size bound applied when read. */
export class ChatHistory {
  private messages: ChatCompletionMessageParam[] = [];

  constructor(private readonly maxChars = HISTORY_CHARS) {}

  push<M extends ChatCompletionMessageParam>(message: M): M {
    this.messages.push(message);
    return message;
  }

  remove(message: ChatCompletionMessageParam): void {
    this.messages = this.messages.filter((m) => m !== message);
  }

  /** Every message kept (for tests and the bound). */
  all(): readonly ChatCompletionMessageParam[] {
    return this.messages;
  }

  /** The newest messages that fit the budget, starting at a user message. */
  bounded(): ChatCompletionMessageParam[] {
    let total = 0;
    let start = this.messages.length;
    for (let i = this.messages.length - 1; i >= 0; i--) {
      total += sizeOf(this.messages[i] as ChatCompletionMessageParam);
      if (total > this.maxChars && start < this.messages.length) break;
      start = i;
    }
    while (start < this.messages.length - 1 && this.messages[start]?.role !== 'user') start++;
    // Also drop the stored messages that can never be sent again.
    if (start > 0) this.messages = this.messages.slice(start);
    return pairToolResults(this.messages);
  }
}

/** What the model sees for a tool call whose result has not arrived (the user spoke meanwhile). */
export const PENDING_RESULT = 'No result yet: the user spoke before this tool finished; its result follows later.';

/**
 * Each assistant tool call directly followed by its result, as the chat API requires, even when a
 * new user message arrived while the tool ran; results whose call was cut away are dropped.
 */
function pairToolResults(messages: readonly ChatCompletionMessageParam[]): ChatCompletionMessageParam[] {
  const results = new Map<string, ChatCompletionMessageParam>();
  for (const m of messages) if (m.role === 'tool') results.set(m.tool_call_id, m);
  const out: ChatCompletionMessageParam[] = [];
  for (const m of messages) {
    if (m.role === 'tool') continue;
    out.push(m);
    if (m.role !== 'assistant') continue;
    for (const call of m.tool_calls ?? []) {
      out.push(results.get(call.id) ?? { role: 'tool', tool_call_id: call.id, content: PENDING_RESULT });
    }
  }
  return out;
}

function sizeOf(m: ChatCompletionMessageParam): number {
  const content = typeof m.content === 'string' ? m.content.length : JSON.stringify(m.content ?? '').length;
  const calls = 'tool_calls' in m && m.tool_calls ? JSON.stringify(m.tool_calls).length : 0;
  return content + calls + 10;
}

/** The command registry's tools in the chat-completions shape. */
export function chatTools(tools: readonly ToolDefinition[]): ChatCompletionTool[] {
  return tools.map((t) => ({
    type: 'function',
    function: { name: t.name, description: t.description, parameters: t.parameters },
  }));
}
