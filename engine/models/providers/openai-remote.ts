/**
 * Remote models behind an OpenAI-compatible HTTP API: OpenAI, Azure OpenAI, Ollama, vLLM, the
 * llama.cpp server, or another Weir. Nothing is downloaded and nothing is called at load: a wrong
 * URL or key shows on the first call, mapped to a WeirError that keeps the upstream status.
 */
import { WeirError } from '../../errors.ts';
import type { ChatMessage, EmbedResult, FinishReason, GenerateOptions, GenerationEvent, LoadedModel, ModelEntry, ModelProvider, RemoteSettings, TokenUsage, ToolCall, ToolCallDelta } from '../types.ts';
import { newToolCallId } from '../tool-call-id.ts';

const DEFAULT_TIMEOUT_MS = 120_000;
/** Catalog entries without a context length: a size every current remote chat model exceeds. */
const DEFAULT_CONTEXT = 8192;

/**
 * Approximate token ids: remote tokenizers are not available offline, so text is cut into pieces
 * of up to 4 letters/digits (with leading space) or single symbols, about what a GPT-style BPE
 * makes of English (~4 characters a token). Ids are stable hashes of the pieces. Good for context
 * checks and usage fallbacks, never exact.
 */
export function approximateTokens(text: string): number[] {
  const ids: number[] = [];
  for (const m of text.matchAll(/\s*[\p{L}\p{N}]{1,4}|\s*[^\s\p{L}\p{N}]|\s+$/gu)) {
    let h = 2166136261;
    for (let i = 0; i < m[0].length; i++) h = Math.imul(h ^ m[0].charCodeAt(i), 16777619);
    ids.push((h >>> 0) % 100_000);
  }
  return ids;
}

/** Where a call goes: Azure puts the deployment in the path and the version in the query. */
function endpoint(remote: RemoteSettings, model: string, op: 'chat/completions' | 'completions' | 'embeddings'): string {
  const base = remote.baseUrl.replace(/\/+$/, '');
  if (remote.flavor === 'openai') return `${base}/${op}`;
  if (!remote.apiVersion) throw new WeirError('remote_misconfigured', 'an Azure connection needs settings.api_version', { status: 422 });
  const root = base.endsWith('/openai') ? base : `${base}/openai`;
  return `${root}/deployments/${encodeURIComponent(model)}/${op}?api-version=${encodeURIComponent(remote.apiVersion)}`;
}

function headers(remote: RemoteSettings): Record<string, string> {
  const h: Record<string, string> = { 'content-type': 'application/json', ...(remote.headers ?? {}) };
  if (remote.apiKey) {
    if (remote.flavor === 'azure') h['api-key'] = remote.apiKey;
    else h.authorization = `Bearer ${remote.apiKey}`;
  }
  return h;
}

/** Upstream statuses mapped to what our caller should see; the upstream status stays in the message. */
export function upstreamError(status: number, detail: string): WeirError {
  const message = `upstream answered ${status}: ${detail}`.slice(0, 1000);
  if (status === 429) return new WeirError('upstream_rate_limited', message, { status: 429, retryable: true });
  if (status === 408 || status === 504) return new WeirError('upstream_timeout', message, { status: 504, retryable: true });
  // The caller's request as the upstream judged it (e.g. its own context limit): the caller can fix it.
  if (status === 400 || status === 413 || status === 422) return new WeirError('upstream_rejected', message, { status: 400 });
  // The upstream's words are not passed on here: OpenAI's echo part of the key that was refused.
  if (status === 401 || status === 403) return new WeirError('upstream_unauthorized', `upstream answered ${status}: the connection's api_key was refused`, { status: 502 });
  // Unknown remote model, server faults: the gateway's configuration or the upstream, not the caller.
  return new WeirError('upstream_error', message, { status: 502, retryable: status >= 500 });
}

async function errorDetail(res: Response): Promise<string> {
  const text = (await res.text().catch(() => '')).slice(0, 2000);
  try {
    const body = JSON.parse(text) as { error?: { message?: string } | string; message?: string };
    const e = body.error;
    return (typeof e === 'string' ? e : e?.message) ?? body.message ?? text;
  } catch {
    return text || res.statusText;
  }
}

/**
 * One call with a timeout that covers the wait for headers and then each gap between body chunks
 * (a stream may run long, but it must not stall). The caller's signal aborts it too.
 */
async function call(remote: RemoteSettings, url: string, body: unknown, signal: AbortSignal | undefined) {
  const ms = remote.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timer = new AbortController();
  let handle: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(handle);
    handle = setTimeout(() => timer.abort(new WeirError('upstream_timeout', `upstream did not answer within ${ms} ms`, { status: 504, retryable: true })), ms);
  };
  const fail = (err: unknown): never => {
    clearTimeout(handle);
    if (timer.signal.aborted) throw timer.signal.reason;
    if (signal?.aborted) throw new WeirError('aborted', 'the call was cancelled', { status: 499, cause: err });
    // The address stays out of the message: callers need not learn where the upstream lives.
    const why = ((err as Error).cause as { code?: string } | undefined)?.code ?? (err as Error).message;
    throw err instanceof WeirError ? err : new WeirError('upstream_unreachable', `the upstream could not be reached (${why})`, { status: 502, retryable: true, cause: err });
  };
  arm();
  const res = await fetch(url, {
    method: 'POST', headers: headers(remote), body: JSON.stringify(body),
    signal: signal ? AbortSignal.any([signal, timer.signal]) : timer.signal,
  }).catch(fail);
  if (!res.ok) {
    const detail = await errorDetail(res).catch(() => res.statusText);
    clearTimeout(handle);
    throw upstreamError(res.status, detail);
  }
  return { res, arm, done: () => clearTimeout(handle), fail };
}

/** The JSON payloads of an SSE body, up to `[DONE]`. */
async function* sseData(res: Response, arm: () => void, fail: (err: unknown) => never): AsyncGenerator<Record<string, unknown>> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    while (true) {
      const { value, done } = await reader.read().catch(fail);
      if (done) return;
      arm();
      buffer += value;
      let cut: number;
      while ((cut = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut).replace(/^\r?\n\r?\n/, '');
        const data = block.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
        if (!data) continue;
        if (data === '[DONE]') return;
        let json: Record<string, unknown>;
        try {
          json = JSON.parse(data) as Record<string, unknown>;
        } catch {
          throw new WeirError('upstream_error', `upstream sent an event that is not JSON: ${data.slice(0, 200)}`, { status: 502 });
        }
        if (json.error) {
          const e = json.error as { message?: string; code?: unknown };
          throw new WeirError('upstream_error', `upstream failed mid-stream: ${e.message ?? JSON.stringify(e)}`, { status: 502 });
        }
        yield json;
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** OpenAI's tool call, whole (a message) or in pieces (a stream's deltas, joined by index). */
interface WireToolCall {
  index?: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}

interface Choice {
  delta?: { content?: string | null; tool_calls?: WireToolCall[] };
  message?: { content?: string | null; tool_calls?: WireToolCall[] };
  text?: string;
  finish_reason?: string | null;
}

const finish = (reason: string | null | undefined): FinishReason =>
  reason === 'length' ? 'length' : reason === 'tool_calls' || reason === 'function_call' ? 'tool_calls' : 'stop';

/** Tool-call deltas put together: the first piece of an index brings id and name, later ones more arguments. */
class ToolCallAssembler {
  private readonly calls = new Map<number, ToolCall>();

  /** Adds an upstream's pieces; returns them as deltas, a call's first carrying its id (made up when the upstream sent none). */
  add(pieces: WireToolCall[] | undefined): ToolCallDelta[] {
    return (pieces ?? []).map((p, i) => {
      const index = typeof p.index === 'number' ? p.index : i;
      const name = p.function?.name ?? '';
      const args = p.function?.arguments ?? '';
      let call = this.calls.get(index);
      const first = !call;
      if (!call) this.calls.set(index, (call = { id: p.id || newToolCallId(), name: '', arguments: '' }));
      call.name += name;
      call.arguments += args;
      return first ? { type: 'tool_call_delta', index, id: call.id, name, arguments: args } : { type: 'tool_call_delta', index, ...(name ? { name } : {}), arguments: args };
    });
  }

  get result(): ToolCall[] {
    return [...this.calls.entries()].sort(([a], [b]) => a - b).map(([, c]) => c);
  }
}

/** Weir's messages in OpenAI's shapes: calls as `tool_calls` of type function, answers as `tool` messages. */
function wireMessages(messages: ChatMessage[]) {
  return messages.map((m) => {
    if (m.role === 'tool') return { role: 'tool', tool_call_id: m.tool_call_id, content: m.content };
    if (m.role === 'assistant' && m.tool_calls?.length) {
      return {
        role: 'assistant',
        content: m.content || null,
        tool_calls: m.tool_calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })),
      };
    }
    return { role: m.role, content: m.content };
  });
}

/** Tools, tool_choice, parallel_tool_calls and response_format as OpenAI takes them; the upstream decides what it supports. */
function chatParams(opts: GenerateOptions) {
  const format = opts.responseFormat;
  const choice = opts.toolChoice;
  return {
    ...(opts.tools?.length
      ? {
          tools: opts.tools.map((t) => ({
            type: 'function',
            function: {
              name: t.name,
              ...(t.description !== undefined ? { description: t.description } : {}),
              parameters: t.parameters,
              ...(t.strict !== undefined ? { strict: t.strict } : {}),
            },
          })),
        }
      : {}),
    ...(choice !== undefined ? { tool_choice: typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } } } : {}),
    ...(opts.parallelToolCalls !== undefined && opts.tools?.length ? { parallel_tool_calls: opts.parallelToolCalls } : {}),
    ...(format
      ? {
          response_format:
            format.type === 'json_schema'
              ? { type: 'json_schema', json_schema: { name: format.name, schema: format.schema, ...(format.strict !== undefined ? { strict: format.strict } : {}) } }
              : { type: format.type },
        }
      : {}),
  };
}

function usageOf(raw: unknown): TokenUsage | undefined {
  const u = raw as Partial<TokenUsage> | null | undefined;
  if (!u || typeof u.prompt_tokens !== 'number') return undefined;
  const completion = u.completion_tokens ?? 0;
  return { prompt_tokens: u.prompt_tokens, completion_tokens: completion, total_tokens: u.total_tokens ?? u.prompt_tokens + completion };
}

function params(remote: RemoteSettings, model: string, opts: GenerateOptions) {
  // max_tokens, not max_completion_tokens: Ollama, vLLM, llama.cpp server and older Azure API
  // versions know only the former; OpenAI still accepts it for non-reasoning models.
  return {
    ...(remote.flavor === 'openai' ? { model } : {}),
    stream: true, stream_options: { include_usage: true },
    ...(opts.maxTokens !== undefined ? { max_tokens: opts.maxTokens } : {}),
    ...(opts.temperature !== undefined ? { temperature: opts.temperature } : {}),
    ...(opts.topP !== undefined ? { top_p: opts.topP } : {}),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.stop?.length ? { stop: opts.stop } : {}),
  };
}

async function* generate(remote: RemoteSettings, url: string, body: Record<string, unknown>, promptText: string, signal?: AbortSignal): AsyncGenerator<GenerationEvent> {
  const { res, arm, done, fail } = await call(remote, url, body, signal);
  let text = '';
  let reason: FinishReason = 'stop';
  let usage: TokenUsage | undefined;
  const calls = new ToolCallAssembler();
  try {
    if (!(res.headers.get('content-type') ?? '').includes('text/event-stream')) {
      // A server that ignores `stream: true` answers with one JSON body.
      const json = (await res.json().catch(fail)) as { choices?: Choice[]; usage?: unknown };
      const c = json.choices?.[0];
      text = c?.message?.content ?? c?.text ?? '';
      if (text) yield { type: 'text', text };
      calls.add(c?.message?.tool_calls);
      reason = finish(c?.finish_reason);
      usage = usageOf(json.usage);
    } else {
      for await (const chunk of sseData(res, arm, fail)) {
        const c = (chunk.choices as Choice[] | undefined)?.[0];
        const piece = c?.delta?.content ?? c?.text;
        if (piece) {
          text += piece;
          yield { type: 'text', text: piece };
        }
        yield* calls.add(c?.delta?.tool_calls);
        if (c?.finish_reason) reason = finish(c.finish_reason);
        usage = usageOf(chunk.usage) ?? usage;
      }
    }
  } finally {
    done();
  }
  // Servers that ignore stream_options send no usage: counted approximately, like tokenize.
  if (!usage) {
    const p = approximateTokens(promptText).length;
    const g = approximateTokens(text).length;
    usage = { prompt_tokens: p, completion_tokens: g, total_tokens: p + g };
  }
  const toolCalls = calls.result;
  // Some servers end a call with finish_reason "stop": the calls decide.
  if (toolCalls.length > 0) reason = 'tool_calls';
  yield { type: 'done', finishReason: reason, usage, ...(toolCalls.length > 0 ? { toolCalls } : {}) };
}

async function embed(remote: RemoteSettings, model: string, texts: string[], signal?: AbortSignal): Promise<EmbedResult> {
  const body = { ...(remote.flavor === 'openai' ? { model } : {}), input: texts, encoding_format: 'float' };
  const { res, done, fail } = await call(remote, endpoint(remote, model, 'embeddings'), body, signal);
  try {
    const json = (await res.json().catch(fail)) as { data?: { index: number; embedding: number[] }[]; usage?: { prompt_tokens?: number; total_tokens?: number } };
    const data = [...(json.data ?? [])].sort((a, b) => a.index - b.index);
    if (data.length !== texts.length || data.some((d) => !Array.isArray(d.embedding))) {
      throw new WeirError('upstream_error', `upstream returned ${data.length} embeddings for ${texts.length} inputs`, { status: 502 });
    }
    const prompt = json.usage?.prompt_tokens ?? texts.reduce((n, t) => n + approximateTokens(t).length, 0);
    return { vectors: data.map((d) => d.embedding), usage: { prompt_tokens: prompt, total_tokens: json.usage?.total_tokens ?? prompt } };
  } finally {
    done();
  }
}

/** Embedding models get `embed` only, the rest `chat` and `complete` (the upstream decides whether it serves /completions). */
function remoteModel(entry: ModelEntry, remote: RemoteSettings, model: string): LoadedModel {
  const base = {
    entry,
    contextLength: entry.contextLength ?? DEFAULT_CONTEXT,
    tokenize: async (text: string) => approximateTokens(text),
    dispose: async () => {},
  };
  if (entry.task === 'embeddings') return { ...base, embed: (texts, opts) => embed(remote, model, texts, opts?.signal) };
  return {
    ...base,
    chat: (messages: ChatMessage[], opts: GenerateOptions) =>
      generate(
        remote,
        endpoint(remote, model, 'chat/completions'),
        { ...params(remote, model, opts), ...chatParams(opts), messages: wireMessages(messages) },
        messages.map((m) => m.content + (m.tool_calls ?? []).map((c) => c.name + c.arguments).join('')).join('\n'),
        opts.signal,
      ),
    complete: (prompt: string, opts: GenerateOptions) =>
      generate(remote, endpoint(remote, model, 'completions'), { ...params(remote, model, opts), prompt }, prompt, opts.signal),
  };
}

export const openAiRemoteProvider: ModelProvider = {
  id: 'openai-compatible',
  async load(entry, opts) {
    if (entry.source.kind !== 'remote') throw new WeirError('invalid_model', `model "${entry.id}" is not a remote model`, { status: 422 });
    if (!opts.remote) throw new WeirError('connection_required', `model "${entry.id}" is remote: deploy it with a connection`, { status: 422 });
    try {
      new URL(opts.remote.baseUrl);
    } catch {
      throw new WeirError('remote_misconfigured', `connection base_url "${opts.remote.baseUrl}" is not a URL`, { status: 422 });
    }
    if (opts.remote.flavor === 'azure' && !opts.remote.apiVersion) throw new WeirError('remote_misconfigured', 'an Azure connection needs settings.api_version', { status: 422 });
    return remoteModel(entry, opts.remote, entry.source.model);
  },
};
