/**
 * Serving one OpenAI-style call against a loaded model: context checks, the JSON or SSE answer,
 * and metering. Shared by /v1, the Azure-style /openai routes and the playground.
 */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { WeirError } from '../../errors.ts';
import { collect, type FinishReason, type GenerationEvent, type GenerateOptions, type LoadedModel, type TokenUsage, type ToolCall } from '../../models/types.ts';
import type { GatewayCall } from '../../app/gateway/gateway.ts';
import { CLIENT_GONE, filterFlags, statusOf, type CallOutcome } from '../../app/gateway/meter.ts';
import { ContentFilterError } from '../../app/gateway/safety.ts';
import type { Workspace } from '../../app/workspace.ts';
import { errorBody } from '../errors.ts';
import { annotated, chatChunk, chatCompletion, embeddingList, responseMeta, textChunk, textCompletion, toolCallDelta, toolCallDeltas, usageChunk, type Finish } from './openai-format.ts';
import type { Verdict } from '../../safety/index.ts';
import type { StreamWindow } from '../../safety/stream-window.ts';
import { chatTexts, type ChatRequest, type CompletionRequest, type EmbeddingsRequest, type GenerationRequest } from './openai-schemas.ts';

/** What is served: the call the gateway admitted (deployment, key, limits) and the deployment's model. */
export interface Target {
  call: GatewayCall;
  model: LoadedModel;
}

/** The target's model, its calls traced when telemetry is on (children of the request's `traceparent`). */
function served(c: Context, ws: Workspace, t: Target): LoadedModel {
  return ws.telemetry ? ws.telemetry.servedModel(t.model, { deployment: t.call.deployment.name, id: t.call.id }, c.req.raw.headers) : t.model;
}

/** A model that does not serve this kind of call: recorded (its estimate given back), then answered 400. */
function notSupported(ws: Workspace, t: Target, what: string): WeirError {
  const err = new WeirError('model_not_supported', `deployment "${t.call.deployment.name}" (model ${t.model.entry.id}) does not serve ${what}`, { status: 400, path: ['model'] });
  meter(ws, t, undefined, failed(err));
  return err;
}

/**
 * The gateway's last steps, off the answer's path: metered and priced, recorded with how the call
 * ended, token windows reconciled. A failed call still counts as a request, with the tokens it got to.
 */
function meter(ws: Workspace, t: Target, usage: TokenUsage | undefined, outcome: CallOutcome): void {
  ws.gateway.finishModelCall(t.call, t.model.entry, usage, outcome).catch((err: unknown) => console.error(`deployment "${t.call.deployment.name}": a call's tokens could not be reconciled:`, (err as Error).message));
}

/**
 * The prompt, and prompt + completion budget, must fit the model's context. Texts are counted one
 * by one (tokenizers can be slow on one huge string), and not at all when their UTF-8 bytes fit:
 * a tokenizer makes at most a token per byte (special tokens aside, which the model's own check
 * counts). Usage comes from the model, not from here.
 */
async function checkContext(t: Target, texts: string[], param: 'messages' | 'prompt', req: GenerationRequest): Promise<void> {
  const ctx = t.model.contextLength;
  const max = req.opts.maxTokens ?? 0;
  const bytes = texts.reduce((n, x) => n + Buffer.byteLength(x), 0);
  if (bytes + max <= ctx) return;
  let n = 0;
  for (const text of texts) n += (await t.model.tokenize(text)).length;
  if (n > ctx) {
    throw new WeirError('context_length_exceeded', `this model's maximum context length is ${ctx} tokens, but the ${param} have ${n} tokens; shorten them`, { status: 400, path: [param] });
  }
  if (max && n + max > ctx) {
    throw new WeirError('context_length_exceeded', `this model's maximum context length is ${ctx} tokens, but ${n + max} were requested (${n} in the ${param}, ${max} for the completion); lower ${req.maxParam}`, { status: 400, path: [req.maxParam] });
  }
}


/** How a call that threw ended: its error's status (a filtered prompt with its flags), or 499 when the client left. */
function failed(err: unknown, signal?: AbortSignal): CallOutcome {
  if (signal?.aborted) return { status: CLIENT_GONE };
  return { status: statusOf(err), filtered: err instanceof ContentFilterError ? filterFlags('prompt', err.results) : undefined };
}

type Run = (opts: GenerateOptions) => AsyncIterable<GenerationEvent>;

/**
 * Before the model is called: the prompt must fit its context, and pass the safety step (a filtered
 * prompt is a 400 `content_filter`). A refused call counts as a request with no tokens, and its
 * estimate goes back to the windows it was admitted against.
 */
async function judgePrompt(c: Context, ws: Workspace, t: Target, texts: string[], param: 'messages' | 'prompt', req: GenerationRequest): Promise<Verdict | undefined> {
  try {
    await checkContext(t, texts, param, req);
    return await ws.gateway.safety.prompt(t.call.deployment, texts, param, c.req.raw.signal);
  } catch (err) {
    meter(ws, t, undefined, failed(err));
    throw err;
  }
}

/** A sampled call goes to its deployment's monitor with the answer it got. */
function sampleAnswer(ws: Workspace, t: Target, inputs: Record<string, unknown> | undefined, answer: string): void {
  if (inputs) ws.monitors.sample({ id: t.call.id, deployment: t.call.deployment.name, at: t.call.at, inputs, outputs: { answer } });
}

/** Model events other than text and the end (tool calls), passed on as they come. */
type Passed = Exclude<GenerationEvent, { type: 'text' } | { type: 'done' }>;
/**
 * The answer as the caller may see it: text, the model's usage once it ends, then how it ended,
 * with the tool calls it made (none when they were filtered: `callsVerdict` says why).
 */
type Released =
  | { type: 'text'; text: string }
  | { type: 'usage'; usage: TokenUsage }
  | { type: 'end'; usage: TokenUsage; finishReason: FinishReason; toolCalls?: ToolCall[]; callsVerdict?: Verdict }
  | Passed;

/** Tool calls as text, for the safety step and the monitor's evaluators: one `name(arguments)` per line. */
const callsText = (calls: readonly ToolCall[]) => calls.map((c) => `${c.name}(${c.arguments})`).join('\n');
const spoken = (text: string, calls: readonly ToolCall[] | undefined) => (calls?.length ? [text, callsText(calls)].filter(Boolean).join('\n') : text);

/**
 * A streamed answer through the completion's safety windows, for the SSE answer and the web app
 * alike: text is released window by window once judged, and a filtered window ends it (the caller
 * reads `window.filtered`). The usage comes before the last window is judged, so a call whose
 * judging then fails still counts its tokens. The monitor gets only an answer that passed.
 */
async function* release(ws: Workspace, t: Target, events: AsyncIterable<GenerationEvent>, window: StreamWindow<Verdict> | undefined, sampled: Record<string, unknown> | undefined, signal?: AbortSignal): AsyncGenerator<Released> {
  let said = '';
  for await (const e of events) {
    if (e.type === 'text') {
      if (sampled) said += e.text;
      const out = window ? await window.push(e.text) : e.text;
      if (out) yield { type: 'text', text: out };
      if (window?.filtered) return;
      continue;
    }
    if (e.type !== 'done') {
      // A call's pieces go out as they come only when nothing judges the answer: a judged call is sent whole, once it passed.
      if (!window) yield e;
      continue;
    }
    yield { type: 'usage', usage: e.usage };
    const rest = window ? await window.end() : '';
    if (rest) yield { type: 'text', text: rest };
    // A call's arguments are the model's words too: judged whole (they are sent whole), before any is sent.
    const calls = window?.filtered ? undefined : e.toolCalls;
    const callsVerdict = window && calls?.length ? await ws.gateway.safety.completion(t.call.deployment, callsText(calls), signal) : undefined;
    if (callsVerdict?.filtered) {
      yield { type: 'end', usage: e.usage, finishReason: e.finishReason, callsVerdict };
      return;
    }
    if (!window?.filtered) sampleAnswer(ws, t, sampled, spoken(said, calls));
    yield { type: 'end', usage: e.usage, finishReason: e.finishReason, ...(calls?.length ? { toolCalls: calls } : {}) };
  }
}

/** The events of a stream whose first one was already read. */
async function* resume<T>(first: IteratorResult<T>, rest: AsyncIterator<T>): AsyncGenerator<T> {
  for (let r = first; !r.done; r = await rest.next()) yield r.value;
}

/**
 * `sampled`: what the monitor's evaluators see of the call as its inputs, when the monitor samples
 * it (decided before the answer, so a stream keeps its text only then).
 */
async function generate(c: Context, ws: Workspace, t: Target, kind: 'chat' | 'text', req: GenerationRequest, run: Run, prompt: Verdict | undefined, sampled: Record<string, unknown> | undefined): Promise<Response> {
  const meta = responseMeta(kind === 'chat' ? 'chatcmpl' : 'cmpl', t.call.deployment.name, t.model.entry);
  const safety = ws.gateway.safety;
  if (!req.stream) {
    let usage: TokenUsage | undefined;
    let outcome: CallOutcome = { status: 200 };
    try {
      // The request's signal aborts when the client goes away: the model stops generating.
      const g = await collect(run({ ...req.opts, signal: c.req.raw.signal }));
      usage = g.usage;
      // A filtered completion is withheld and ends with `content_filter`, as Azure answers.
      const judged = await safety.completion(t.call.deployment, spoken(g.text, g.toolCalls), c.req.raw.signal);
      if (judged?.filtered) outcome = { status: 200, filtered: filterFlags('completion', judged.results) };
      const shown = judged?.filtered ? { ...g, text: '', toolCalls: undefined, finishReason: 'content_filter' as const } : g;
      if (!judged?.filtered) sampleAnswer(ws, t, sampled, spoken(g.text, g.toolCalls));
      const body = kind === 'chat' ? chatCompletion(meta, shown) : textCompletion(meta, shown);
      return c.json(annotated(body, { prompt: prompt?.results, completion: judged?.results }));
    } catch (err) {
      outcome = failed(err, c.req.raw.signal);
      throw err;
    } finally {
      meter(ws, t, usage, outcome);
    }
  }
  const window = await safety.completionStream(t.call.deployment, c.req.raw.signal);

  const ctl = new AbortController();
  const events = run({ ...req.opts, signal: AbortSignal.any([ctl.signal, c.req.raw.signal]) })[Symbol.asyncIterator]();
  // The first event is awaited before the stream opens: a model or upstream that fails at once
  // answers with a plain HTTP error the client can read, not a broken stream.
  let first: IteratorResult<GenerationEvent>;
  try {
    first = await events.next();
  } catch (err) {
    meter(ws, t, undefined, failed(err, c.req.raw.signal));
    throw err;
  }
  const withUsage = req.includeUsage;
  const object = kind === 'chat' ? 'chat.completion.chunk' : 'text_completion';
  const piece = (text: string) => (kind === 'chat' ? chatChunk(meta, { content: text }, null, withUsage) : textChunk(meta, text, null, withUsage));
  // The last chunk says how the completion was judged (Azure annotates every chunk; the verdict is whole only here).
  const last = (finish: Finish, verdict = window?.verdict) => annotated(kind === 'chat' ? chatChunk(meta, {}, finish, withUsage) : textChunk(meta, '', finish, withUsage), { completion: verdict?.results });

  return streamSSE(c, async (stream) => {
    stream.onAbort(() => ctl.abort());
    // Tokens can come faster than one write per token gets through the response stream (each
    // write is several promise hops and a syscall): events that arrive while a write is in
    // flight are sent together in the next one. At most one write is pending, so a slow client
    // still holds generation back.
    let pending = '';
    let writing: Promise<void> | undefined;
    const drain = async () => {
      while (pending && !stream.aborted) {
        const out = pending;
        pending = '';
        await stream.write(out);
      }
      writing = undefined;
    };
    const queue = (text: string): Promise<void> => {
      pending += `data: ${text}\n\n`;
      return (writing ??= drain());
    };
    const send = (data: unknown) => queue(JSON.stringify(data));
    let usage: TokenUsage | undefined;
    let status = 200;
    let callsVerdict: Verdict | undefined;
    let streamedCalls = false;
    try {
      // The first chunk carries the prompt's annotations (on a choice, so clients reading choices[0] never meet an empty list).
      if (kind === 'chat' || prompt) void send(annotated(kind === 'chat' ? chatChunk(meta, { role: 'assistant', content: '' }, null, withUsage) : textChunk(meta, '', null, withUsage), { prompt: prompt?.results }));
      for await (const e of release(ws, t, resume(first, events), window, sampled, c.req.raw.signal)) {
        if (stream.aborted) break;
        if (e.type === 'text') void send(piece(e.text));
        else if (e.type === 'tool_call_delta') {
          streamedCalls = true;
          void send(chatChunk(meta, toolCallDelta(e), null, withUsage));
        } else if (e.type === 'usage') usage = e.usage;
        else if (e.type === 'end') {
          callsVerdict = e.callsVerdict;
          if (!streamedCalls) for (const delta of toolCallDeltas(e.toolCalls ?? [])) void send(chatChunk(meta, delta, null, withUsage));
          const filtered = window?.filtered || callsVerdict?.filtered;
          void send(last(filtered ? 'content_filter' : e.finishReason, callsVerdict ?? window?.verdict));
          if (withUsage) void send(usageChunk(meta, object, e.usage));
        }
      }
      if (window?.filtered && !usage) {
        // Stopped mid-generation: the model is told to stop; what it used is not known.
        ctl.abort();
        void send(last('content_filter'));
      }
      if (!stream.aborted) await queue('[DONE]');
    } catch (err) {
      // Mid-stream failures end the stream with an OpenAI error payload (the SDKs raise it).
      status = statusOf(err);
      if (!(err instanceof WeirError)) console.error('model stream failed', err);
      const body = err instanceof WeirError ? errorBody(err.status, err.code, err.message) : errorBody(500, 'internal_error', 'the model failed; the server log has details');
      if (!stream.aborted) await send(body).catch(() => {});
    } finally {
      ctl.abort();
      await events.return?.().catch(() => {});
      const verdict = window?.filtered ? window.verdict : callsVerdict?.filtered ? callsVerdict : undefined;
      meter(ws, t, usage, { status: stream.aborted ? CLIENT_GONE : status, filtered: verdict ? filterFlags('completion', verdict.results) : undefined });
    }
  });
}

/** A chat call as evaluators read it: the last user message as the question, system messages as the context. */
function chatInputs(req: ChatRequest): Record<string, unknown> {
  const last = req.messages.findLast((m) => m.role === 'user');
  const context = req.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n');
  return { question: last?.content ?? '', context, messages: req.messages };
}

export async function serveChat(c: Context, ws: Workspace, t: Target, req: ChatRequest): Promise<Response> {
  const model = served(c, ws, t);
  if (!model.chat) throw notSupported(ws, t, 'chat completions');
  const prompt = await judgePrompt(c, ws, t, chatTexts(req), 'messages', req);
  return generate(c, ws, t, 'chat', req, (opts) => model.chat!(req.messages, opts), prompt, ws.monitors.wants(t.call.deployment.name) ? chatInputs(req) : undefined);
}

export async function serveCompletion(c: Context, ws: Workspace, t: Target, req: CompletionRequest): Promise<Response> {
  const model = served(c, ws, t);
  if (!model.complete) throw notSupported(ws, t, 'text completions');
  const prompt = await judgePrompt(c, ws, t, [req.prompt], 'prompt', req);
  return generate(c, ws, t, 'text', req, (opts) => model.complete!(req.prompt, opts), prompt, ws.monitors.wants(t.call.deployment.name) ? { question: req.prompt, prompt: req.prompt } : undefined);
}

export async function serveEmbeddings(c: Context, ws: Workspace, t: Target, req: EmbeddingsRequest): Promise<Response> {
  const model = served(c, ws, t);
  if (!model.embed) throw notSupported(ws, t, 'embeddings');
  let usage: TokenUsage | undefined;
  let outcome: CallOutcome = { status: 200 };
  try {
    const dims = model.entry.dimensions;
    if (req.dimensions !== undefined && dims !== undefined && req.dimensions !== dims) {
      throw new WeirError('unsupported_parameter', `this model gives ${dims}-dimensional vectors; dimensions must be ${dims} or left out`, { status: 400, path: ['dimensions'] });
    }
    for (const [i, text] of req.input.entries()) {
      if (Buffer.byteLength(text) <= model.contextLength) continue;
      const n = (await model.tokenize(text)).length;
      if (n > model.contextLength) {
        throw new WeirError('context_length_exceeded', `this model's maximum context length is ${model.contextLength} tokens, but input ${i} has ${n}`, { status: 400, path: ['input'] });
      }
    }
    const r = await model.embed(req.input, { signal: c.req.raw.signal });
    usage = { ...r.usage, completion_tokens: 0 };
    const got = r.vectors[0]?.length;
    if (req.dimensions !== undefined && got !== req.dimensions) {
      throw new WeirError('unsupported_parameter', `this model gives ${got}-dimensional vectors; dimensions must be ${got} or left out`, { status: 400, path: ['dimensions'] });
    }
    return c.json(embeddingList(t.call.deployment.name, r.vectors, req.format, r.usage));
  } catch (err) {
    outcome = failed(err, c.req.raw.signal);
    throw err;
  } finally {
    meter(ws, t, usage, outcome);
  }
}

/** What a judged chat stream gives: text released by the completion's safety windows, then its end. */
export type JudgedChatEvent = { type: 'text'; text: string } | { type: 'done'; usage: TokenUsage };

/**
 * A chat call as released text rather than an OpenAI answer (the web app's chat): the same served
 * model, context check, prompt judgement, completion windows, metering and monitor sampling as
 * serveChat. A filtered prompt throws before any text (400 content_filter); a completion filtered
 * mid-stream throws a completion ContentFilterError after the text already released.
 */
export async function* judgedChat(c: Context, ws: Workspace, t: Target, req: ChatRequest, signal: AbortSignal): AsyncGenerator<JudgedChatEvent> {
  const model = served(c, ws, t);
  if (!model.chat) throw notSupported(ws, t, 'chat completions');
  await judgePrompt(c, ws, t, req.messages.map((m) => m.content), 'messages', req);
  const sampled = ws.monitors.wants(t.call.deployment.name) ? chatInputs(req) : undefined;
  const window = await ws.gateway.safety.completionStream(t.call.deployment, signal);
  let usage: TokenUsage | undefined;
  let outcome: CallOutcome = { status: 200 };
  try {
    for await (const e of release(ws, t, model.chat(req.messages, { ...req.opts, signal }), window, sampled)) {
      if (e.type === 'text') yield e;
      else if (e.type === 'usage') usage = e.usage;
      else if (e.type === 'end' && !window?.filtered) yield { type: 'done', usage: e.usage };
    }
    if (window?.filtered) {
      outcome = { status: 200, filtered: filterFlags('completion', window.verdict?.results) };
      throw new ContentFilterError(window.verdict!.results, 'The answer', 'messages');
    }
  } catch (err) {
    if (!(err instanceof ContentFilterError)) outcome = failed(err, signal);
    throw err;
  } finally {
    if (signal.aborted && outcome.status === 200 && !outcome.filtered && !usage) outcome = { status: CLIENT_GONE };
    meter(ws, t, usage, outcome);
  }
}
