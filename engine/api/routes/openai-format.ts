/**
 * Response bodies in OpenAI's exact shapes, so the official SDKs (and anything built for them)
 * read Weir's answers without knowing it is not OpenAI. `model` is always the deployment name.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { FinishReason, Generation, ModelEntry, TokenUsage, ToolCall, ToolCallDelta } from '../../models/types.ts';
import type { ContentFilterResults } from '../../safety/index.ts';

/** What ends a choice here: the model's reason, or the safety policy's (Azure's `content_filter`). */
export type Finish = FinishReason | 'content_filter';
import type { DeploymentRow } from '../../store/types.ts';

export interface ResponseMeta {
  id: string;
  created: number;
  model: string;
  system_fingerprint: string;
}

export function responseMeta(prefix: 'chatcmpl' | 'cmpl', deployment: string, entry: ModelEntry): ResponseMeta {
  return {
    id: `${prefix}-${randomUUID().replaceAll('-', '')}`,
    created: Math.floor(Date.now() / 1000),
    model: deployment,
    // Same model (and provider) gives the same fingerprint, as OpenAI's does for one backend config.
    system_fingerprint: `fp_${createHash('sha256').update(`${entry.provider}:${entry.id}`).digest('hex').slice(0, 10)}`,
  };
}

/** OpenAI's tool_calls of an assistant message. */
export const toolCallsOut = (calls: ToolCall[]) => calls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } }));

export function chatCompletion(m: ResponseMeta, g: Omit<Generation, 'finishReason'> & { finishReason: Finish }) {
  const calls = g.toolCalls?.length ? g.toolCalls : undefined;
  // As OpenAI answers: a message that only calls tools has content null.
  const message = { role: 'assistant' as const, content: calls && !g.text ? null : g.text, refusal: null, ...(calls ? { tool_calls: toolCallsOut(calls) } : {}) };
  return {
    id: m.id, object: 'chat.completion' as const, created: m.created, model: m.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: g.finishReason }],
    usage: g.usage,
    system_fingerprint: m.system_fingerprint,
  };
}

/** A chat stream chunk; with include_usage every chunk but the last carries `usage: null`, like OpenAI's. */
/** A tool call's deltas as OpenAI streams them: its id, type and name with empty arguments, then the arguments. */
export function toolCallDeltas(calls: ToolCall[]): ChunkDelta[] {
  return calls.flatMap((c, index) => [
    { tool_calls: [{ index, id: c.id, type: 'function' as const, function: { name: c.name, arguments: '' } }] },
    { tool_calls: [{ index, function: { arguments: c.arguments } }] },
  ]);
}

type WireCallDelta = { index: number; id?: string; type?: 'function'; function: { name?: string; arguments: string } };
export type ChunkDelta = { role?: 'assistant'; content?: string; tool_calls?: WireCallDelta[] };

/** A model's piece of a call as OpenAI streams it: the first (with the id) names the type. */
export function toolCallDelta(d: ToolCallDelta): ChunkDelta {
  const fn = { ...(d.name !== undefined ? { name: d.name } : {}), arguments: d.arguments ?? '' };
  return { tool_calls: [d.id !== undefined ? { index: d.index, id: d.id, type: 'function', function: fn } : { index: d.index, function: fn }] };
}

export function chatChunk(m: ResponseMeta, delta: ChunkDelta, finish: Finish | null, withUsage: boolean) {
  return {
    id: m.id, object: 'chat.completion.chunk' as const, created: m.created, model: m.model, system_fingerprint: m.system_fingerprint,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(withUsage ? { usage: null } : {}),
  };
}

export function textCompletion(m: ResponseMeta, g: Omit<Generation, 'finishReason'> & { finishReason: Finish }) {
  return {
    id: m.id, object: 'text_completion' as const, created: m.created, model: m.model,
    choices: [{ text: g.text, index: 0, logprobs: null, finish_reason: g.finishReason }],
    usage: g.usage,
    system_fingerprint: m.system_fingerprint,
  };
}

export function textChunk(m: ResponseMeta, text: string, finish: Finish | null, withUsage: boolean) {
  return {
    id: m.id, object: 'text_completion' as const, created: m.created, model: m.model, system_fingerprint: m.system_fingerprint,
    choices: [{ text, index: 0, logprobs: null, finish_reason: finish }],
    ...(withUsage ? { usage: null } : {}),
  };
}

/**
 * Azure's content-filter annotations on an answer or chunk: `prompt_filter_results` for the prompt,
 * `content_filter_results` on the (only) choice for the completion.
 */
export function annotated<T extends { choices: object[] }>(body: T, f: { prompt?: ContentFilterResults; completion?: ContentFilterResults }): T {
  const out: T & { prompt_filter_results?: unknown } = { ...body };
  if (f.prompt) out.prompt_filter_results = [{ prompt_index: 0, content_filter_results: f.prompt }];
  if (f.completion && body.choices.length) out.choices = [{ ...body.choices[0], content_filter_results: f.completion }];
  return out;
}

/** The last chunk when include_usage was asked for: no choices, the call's usage. */
export function usageChunk(m: ResponseMeta, object: 'chat.completion.chunk' | 'text_completion', usage: TokenUsage) {
  return { id: m.id, object, created: m.created, model: m.model, system_fingerprint: m.system_fingerprint, choices: [], usage };
}

/** base64 is the little-endian float32 bytes, what the SDKs decode (and request by default). */
export function embeddingList(model: string, vectors: number[][], format: 'float' | 'base64', usage: { prompt_tokens: number; total_tokens: number }) {
  return {
    object: 'list' as const,
    data: vectors.map((v, index) => ({
      object: 'embedding' as const,
      index,
      embedding: format === 'base64' ? Buffer.from(new Float32Array(v).buffer).toString('base64') : v,
    })),
    model,
    usage: { prompt_tokens: usage.prompt_tokens, total_tokens: usage.total_tokens },
  };
}

export function modelObject(d: DeploymentRow) {
  return { id: d.name, object: 'model' as const, created: Math.floor(d.createdAt / 1000), owned_by: 'weir' };
}
