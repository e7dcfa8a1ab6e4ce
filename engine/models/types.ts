/**
 * Models: catalog entries, and the one interface every provider implements (chat, complete,
 * embed, tokenize, stream, usage). The API, the `llm`/`embed` nodes and the playground only see
 * `LoadedModel`; each provider file turns its library into one.
 */

export type ModelTask = 'chat-completion' | 'text-generation' | 'embeddings' | 'extractive-qa';
export type ProviderId = 'llama-cpp' | 'transformers' | 'use-lite' | 'extractive' | 'openai-compatible';
export type ModelFormat = 'gguf' | 'onnx' | 'shipped' | 'remote';

/** Where a model's weights come from. */
export type ModelSource =
  | { kind: 'huggingface'; repo: string; file: string; sha256?: string; url?: string }
  | { kind: 'npm'; package: string }
  | { kind: 'local'; path: string }
  | { kind: 'remote'; model: string };

/** Per 1K tokens for token-billed models, per hour for hosted ones; USD. */
export interface ModelPrice {
  inputPer1k?: number;
  outputPer1k?: number;
  perHour?: number;
}

export interface ModelEntry {
  id: string;
  name: string;
  publisher: string;
  task: ModelTask;
  provider: ProviderId;
  format: ModelFormat;
  license: string;
  /** Parameter count, e.g. 135e6; null when unknown. */
  parameters: number | null;
  contextLength: number | null;
  fileSizeBytes: number | null;
  source: ModelSource;
  price: ModelPrice | null;
  /** Embedding models: length of the vectors. */
  dimensions?: number;
  description: string;
  /** e.g. 'extractive', 'default-chat', 'default-embeddings', 'user' (added with `weir models add`). */
  labels: string[];
  /** What a chat model can do beyond text (#19): call tools, keep to a JSON schema. Absent: neither. */
  supports?: { tools?: boolean; structured_output?: boolean };
}

export type Role = 'system' | 'user' | 'assistant' | 'tool';

/** A call of a tool (function) by the model: its arguments are JSON text, as OpenAI sends them. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface ChatMessage {
  role: Role;
  content: string;
  /** An assistant message's calls of tools. */
  tool_calls?: ToolCall[];
  /** A `tool` message: the call it answers. */
  tool_call_id?: string;
}

/** A tool the model may call: a name, what it does, and its parameters as a JSON Schema. */
export interface ToolSpec {
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
  strict?: boolean;
}

/** OpenAI's tool_choice: let the model decide, forbid calls, require one, or require this one. */
export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

/** OpenAI's response_format: text, any JSON object, or JSON matching a schema. */
export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: Record<string, unknown>; strict?: boolean };

export interface GenerateOptions {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  /** Generation stops before any of these strings; they are not part of the text. */
  stop?: string[];
  signal?: AbortSignal;
  /** Tools the model may call (#19); a model without `supports.tools` refuses them. */
  tools?: ToolSpec[];
  toolChoice?: ToolChoice;
  /** Whether several tool calls may come in one answer (default true). */
  parallelToolCalls?: boolean;
  /** The answer's form (#19); a model without `supports.structured_output` refuses json_schema. */
  responseFormat?: ResponseFormat;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls';

export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/**
 * A piece of a tool call as the model writes it, from providers that stream calls (a remote
 * upstream): the first piece of a call carries its `id` and the start of its name, later ones
 * more of its arguments. The `done` event still carries every call whole; only a caller that
 * streams to its own client needs these.
 */
export interface ToolCallDelta {
  type: 'tool_call_delta';
  /** Which call of the answer (0-based), as OpenAI numbers them. */
  index: number;
  id?: string;
  name?: string;
  arguments?: string;
}

/**
 * A generation streams as text pieces (and, from some providers, tool-call pieces), then exactly
 * one `done` with the reason and exact usage.
 */
export type GenerationEvent =
  | { type: 'text'; text: string }
  | ToolCallDelta
  | {
      type: 'done';
      finishReason: FinishReason;
      usage: TokenUsage;
      citations?: Citation[];
      /** USD, when the gateway priced the call (model calls inside flows). */
      cost?: number;
      /** The tools the model called, in order (finishReason `tool_calls`); a route streams them as OpenAI's deltas. */
      toolCalls?: ToolCall[];
    };

/** Extractive answers cite the context passages they picked sentences from. */
export interface Citation {
  /** Index of the context passage (0-based) the sentence came from. */
  index: number;
  text: string;
}

export interface Generation {
  text: string;
  finishReason: FinishReason;
  usage: TokenUsage;
  citations?: Citation[];
  /** The tools the model called (finishReason `tool_calls`). */
  toolCalls?: ToolCall[];
}

export interface EmbedResult {
  vectors: number[][];
  usage: { prompt_tokens: number; total_tokens: number };
  /** USD, when the gateway priced the call (model calls inside flows). */
  cost?: number;
}

/** A model ready to serve. Methods a task does not support are absent. */
export interface LoadedModel {
  readonly entry: ModelEntry;
  /** Tokens the model can attend to (prompt + completion). */
  readonly contextLength: number;
  chat?(messages: ChatMessage[], opts: GenerateOptions): AsyncIterable<GenerationEvent>;
  complete?(prompt: string, opts: GenerateOptions): AsyncIterable<GenerationEvent>;
  embed?(texts: string[], opts?: { signal?: AbortSignal }): Promise<EmbedResult>;
  /** Token ids of `text` as this model counts them (for usage and context checks). */
  tokenize(text: string): Promise<number[]>;
  dispose(): Promise<void>;
}

/** Settings for an OpenAI-compatible remote: a connection's settings + secrets, resolved. */
export interface RemoteSettings {
  baseUrl: string;
  apiKey?: string;
  /** Azure OpenAI: sends `api-key` and `?api-version=`; deployment name goes in the path. */
  apiVersion?: string;
  flavor: 'openai' | 'azure';
  /** Extra headers (e.g. organization). */
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export interface LoadOptions {
  /** CPU threads for local inference; always set from the machine, never a library default. */
  threads: number;
  /** Context size to allocate (local models); defaults to the model's, capped for memory. */
  contextSize?: number;
  /** The default embedding model, for providers built on one (the extractive chat model). */
  embedder?: () => Promise<LoadedModel>;
  /** Remote providers: where to call. */
  remote?: RemoteSettings;
  signal?: AbortSignal;
}

export interface ModelProvider {
  readonly id: ProviderId;
  load(entry: ModelEntry, opts: LoadOptions): Promise<LoadedModel>;
}

/** Collects a generation stream into one result. */
export async function collect(events: AsyncIterable<GenerationEvent>): Promise<Generation> {
  let text = '';
  for await (const e of events) {
    if (e.type === 'text') text += e.text;
    else if (e.type === 'done') return { text, finishReason: e.finishReason, usage: e.usage, ...(e.citations ? { citations: e.citations } : {}), ...(e.toolCalls ? { toolCalls: e.toolCalls } : {}) };
  }
  throw new Error('generation ended without a done event');
}
