/**
 * One streamed chat-completions request: content fragments are handed on as they arrive,
 * tool-call deltas (split across chunks by index) are assembled, and the finish reason is kept.
 * A watchdog aborts a stream that stops sending for longer than the first-byte timeout, since
 * the client's own timeout ends when the response headers arrive.
 */
import { stallWatchdog } from './stall-watchdog.js';
import type OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';

/** A complete tool call of the round. */
export interface AssembledToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** How the round ended. */
export type ChatRoundResult =
  | { kind: 'done'; text: string; toolCalls: AssembledToolCall[]; finishReason: string | null }
  | { kind: 'aborted'; text: string }
  | { kind: 'failed'; text: string; error: unknown; stalled: boolean };

/** What one round is sent with. */
export interface ChatRoundRequest {
  client: OpenAI;
  model: string;
  messages: ChatCompletionMessageParam[];
  tools: ChatCompletionTool[];
  timeoutMs: number;
  signal: AbortSignal;
  onRequest: () => void;
  onText: (fragment: string) => void;
}

/** Error of a stream that went quiet for longer than the timeout. */
export class StreamStalledError extends Error {
  constructor(ms: number) {
    super(`no data for ${ms} ms`);
    this.name = 'StreamStalledError';
  }
}

/** Runs one streamed chat request. Never throws. */
export async function runChatRound(req: ChatRoundRequest): Promise<ChatRoundResult> {
  const watchdog = stallWatchdog(req.signal, req.timeoutMs);
  const arm = (): void => watchdog.arm();
  let text = '';
  const calls = new Map<number, AssembledToolCall>();
  let finishReason: string | null = null;
  try {
    req.onRequest();
    const stream = await req.client.chat.completions.create(
      {
        model: req.model,
        messages: req.messages,
        stream: true,
        ...(req.tools.length > 0 ? { tools: req.tools } : {}),
      },
      { signal: watchdog.signal, timeout: req.timeoutMs, maxRetries: 0 },
    );
    arm();
    for await (const chunk of stream) {
      arm();
      const choice = chunk.choices[0];
      if (!choice) continue;
      const delta = choice.delta;
      if (delta?.content) {
        text += delta.content;
        req.onText(delta.content);
      }
      for (const tc of delta?.tool_calls ?? []) {
        const call = calls.get(tc.index) ?? { id: '', name: '', arguments: '' };
        if (tc.id) call.id = tc.id;
        if (tc.function?.name) call.name += tc.function.name;
        if (tc.function?.arguments) call.arguments += tc.function.arguments;
        calls.set(tc.index, call);
      }
      if (choice.finish_reason) finishReason = choice.finish_reason;
    }
    if (watchdog.stalled())
      return { kind: 'failed', text, error: new StreamStalledError(req.timeoutMs), stalled: true };
    if (req.signal.aborted) return { kind: 'aborted', text };
    const toolCalls = [...calls.entries()].sort(([a], [b]) => a - b).map(([, c]) => c);
    return { kind: 'done', text, toolCalls, finishReason };
  } catch (error) {
    if (watchdog.stalled())
      return { kind: 'failed', text, error: new StreamStalledError(req.timeoutMs), stalled: true };
    if (req.signal.aborted) return { kind: 'aborted', text };
    return { kind: 'failed', text, error, stalled: false };
  } finally {
    watchdog.dispose();
  }
}
