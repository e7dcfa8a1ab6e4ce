/**
 * The GenAI semantic conventions' names, as Weir emits them. They are written out here rather than
 * imported: @opentelemetry/semantic-conventions 1.45.0 still ships them (its `incubating` entry),
 * but marks every gen_ai.* name as moved to the semantic-conventions-genai repository, and
 * incubating names may change in any minor release. These follow semconv v1.41 / the GenAI
 * repository: `gen_ai.provider.name` (not the older `gen_ai.system`), usage as
 * `gen_ai.usage.input_tokens`/`output_tokens`, contents as `gen_ai.input.messages` and
 * `gen_ai.output.messages` (JSON strings on the span, which the spec allows where attributes cannot
 * be structured), runs as `invoke_workflow` spans.
 */
import type { ChatMessage, FinishReason, ProviderId } from '../models/types.ts';

export const GEN_AI = {
  operation: 'gen_ai.operation.name',
  provider: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  maxTokens: 'gen_ai.request.max_tokens',
  temperature: 'gen_ai.request.temperature',
  topP: 'gen_ai.request.top_p',
  seed: 'gen_ai.request.seed',
  stop: 'gen_ai.request.stop_sequences',
  stream: 'gen_ai.request.stream',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  finishReasons: 'gen_ai.response.finish_reasons',
  responseId: 'gen_ai.response.id',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  dimensions: 'gen_ai.embeddings.dimension.count',
  workflow: 'gen_ai.workflow.name',
} as const;

/** The general `error.type` attribute: Weir's error code, else the error's class name. */
export const ERROR_TYPE = 'error.type';

export type GenAiOperation = 'chat' | 'text_completion' | 'embeddings' | 'invoke_workflow';

/**
 * `gen_ai.provider.name`: the spec's well-known value where one applies (an OpenAI-compatible
 * remote speaks OpenAI's API), else Weir's provider id (`llama-cpp`, `extractive` …), as the spec
 * allows for providers it does not list.
 */
export function providerName(p: ProviderId): string {
  return p === 'openai-compatible' ? 'openai' : p;
}

const text = (content: string) => [{ type: 'text', content }];

/** `gen_ai.input.messages`: the chat as sent to the model. */
export function inputMessages(messages: readonly ChatMessage[]): string {
  return JSON.stringify(messages.map((m) => ({ role: m.role, parts: text(m.content) })));
}

/** A text completion's prompt, as one user message. */
export function promptMessages(prompt: string): string {
  return JSON.stringify([{ role: 'user', parts: text(prompt) }]);
}

/** `gen_ai.output.messages`: the completion, with why it ended. */
export function outputMessages(content: string, finish: FinishReason): string {
  return JSON.stringify([{ role: 'assistant', parts: text(content), finish_reason: finish }]);
}
