import { ApiError, readSse } from '../api/client.ts';
import type { ChatUsage } from './model-types.ts';

export interface ChatRequest {
  deployment: string;
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
  temperature?: number;
  maxTokens?: number;
  signal?: AbortSignal;
}

export interface ChatResult {
  finishReason: string | null;
  usage: ChatUsage | null;
}

interface Chunk {
  choices?: { delta?: { content?: string }; finish_reason?: string | null }[];
  usage?: ChatUsage | null;
  error?: { code?: string; message?: string; param?: string | null };
}

/**
 * POST /api/playground/chat as an OpenAI stream (`chat.completion.chunk` events, then `[DONE]`),
 * calling `onText` per piece. A failure after the stream opened arrives as an OpenAI error payload
 * in the stream; it is thrown like an HTTP error so the caller handles both the same way.
 */
export async function streamChat(req: ChatRequest, onText: (text: string) => void): Promise<ChatResult> {
  const body: Record<string, unknown> = {
    deployment: req.deployment, messages: req.messages, stream: true, stream_options: { include_usage: true },
  };
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.maxTokens !== undefined) body.max_tokens = req.maxTokens;
  const result: ChatResult = { finishReason: null, usage: null };
  let ended = false;
  await readSse('/api/playground/chat', { method: 'POST', body, signal: req.signal }, (m) => {
    if (m.data === '[DONE]') {
      ended = true;
      return;
    }
    let chunk: Chunk;
    try {
      chunk = JSON.parse(m.data) as Chunk;
    } catch {
      return; // not ours to read (a comment-like line); the stream goes on
    }
    if (chunk.error) throw new ApiError(502, chunk.error.code ?? 'stream_error', chunk.error.message ?? 'the model failed', chunk.error.param);
    const choice = chunk.choices?.[0];
    if (choice?.delta?.content) onText(choice.delta.content);
    if (choice?.finish_reason) result.finishReason = choice.finish_reason;
    if (chunk.usage) result.usage = chunk.usage;
  });
  if (!ended && !req.signal?.aborted) throw new ApiError(0, 'stream_cut', 'the stream ended before the answer was complete');
  return result;
}
