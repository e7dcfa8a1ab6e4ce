import type { ChatMessage, GenerateOptions, GenerationEvent, LoadedModel, ToolCall } from '../../../engine/models/types.ts';

/**
 * A model double at the model edge (a LoadedModel) for the llm node's tool loop: it answers from
 * what it is sent, as a model would — text, or tool calls — and keeps every request, so the node's
 * loop, the messages it feeds back and the trace are all real. The providers' own tool calling
 * (llama-cpp grammar, remote pass-through) is tested with real models elsewhere.
 */

/** What the double decides from the conversation so far: text, or tool calls. */
export type Turn = (messages: ChatMessage[], opts: GenerateOptions) => { text?: string; calls?: Omit<ToolCall, 'id'>[] };

export interface Double {
  model: LoadedModel;
  requests: { messages: ChatMessage[]; opts: GenerateOptions }[];
}

export function scriptedModel(turn: Turn): Double {
  const requests: Double['requests'] = [];
  let ids = 0;
  const model: LoadedModel = {
    entry: { id: 'double', name: 'double', publisher: 'test', task: 'chat-completion', provider: 'llama-cpp', format: 'gguf', license: 'MIT', parameters: null, contextLength: 4096, fileSizeBytes: null, source: { kind: 'local', path: '/none' }, price: null, description: '', labels: [], supports: { tools: true, structured_output: true } },
    contextLength: 4096,
    async *chat(messages, opts): AsyncIterable<GenerationEvent> {
      requests.push({ messages: structuredClone(messages), opts: { ...opts, signal: undefined } });
      const t = turn(messages, opts);
      if (t.text) yield { type: 'text', text: t.text };
      const toolCalls = t.calls?.map((c) => ({ id: `call_${++ids}`, ...c }));
      yield { type: 'done', finishReason: toolCalls ? 'tool_calls' : 'stop', usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 }, ...(toolCalls ? { toolCalls } : {}) };
    },
    tokenize: async (text) => [...text].map((_, i) => i),
    dispose: async () => undefined,
  };
  return { model, requests };
}

export const lastToolMessage = (messages: ChatMessage[]) => [...messages].reverse().find((m) => m.role === 'tool');
