/**
 * A model whose every call is a span, as the GenAI conventions name them: `chat <model>`,
 * `text_completion <model>`, `embeddings <model>`. The request's settings are set when the call
 * starts, the response's (model, finish reason, usage) when its `done` event passes; prompts and
 * completions only when content capture is on.
 */
import { SpanKind, SpanStatusCode, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { WeirError } from '../errors.ts';
import type { GenerateOptions, GenerationEvent, LoadedModel } from '../models/types.ts';
import { ERROR_TYPE, GEN_AI, inputMessages, outputMessages, promptMessages, providerName, type GenAiOperation } from './gen-ai.ts';

export interface ModelSpans {
  tracer: Tracer;
  captureContent: boolean;
}

/** What a call span records of where it came from. */
export interface ModelCallSite {
  /** The span the calls are children of. */
  parent: Context;
  /** The model as the caller named it (a deployment, or a connection's model). */
  requested: string;
  /** Weir's own attributes (the deployment, the request id). */
  attributes?: Attributes;
}

function errorOn(span: Span, err: unknown): void {
  const e = err as Error;
  span.setStatus({ code: SpanStatusCode.ERROR, message: e?.message });
  span.setAttribute(ERROR_TYPE, err instanceof WeirError ? err.code : e?.name || 'Error');
}

export function tracedModel(model: LoadedModel, s: ModelSpans, site: ModelCallSite): LoadedModel {
  const entry = model.entry;
  // A remote is called over the network; local providers run in this process.
  const kind = entry.provider === 'openai-compatible' ? SpanKind.CLIENT : SpanKind.INTERNAL;

  const start = (op: GenAiOperation, attributes: Attributes): Span =>
    s.tracer.startSpan(
      `${op} ${site.requested}`,
      { kind, attributes: { ...site.attributes, [GEN_AI.operation]: op, [GEN_AI.provider]: providerName(entry.provider), [GEN_AI.requestModel]: site.requested, ...attributes } },
      site.parent,
    );

  const requestAttributes = (opts: GenerateOptions): Attributes => {
    const a: Attributes = {};
    if (opts.maxTokens !== undefined) a[GEN_AI.maxTokens] = opts.maxTokens;
    if (opts.temperature !== undefined) a[GEN_AI.temperature] = opts.temperature;
    if (opts.topP !== undefined) a[GEN_AI.topP] = opts.topP;
    if (opts.seed !== undefined) a[GEN_AI.seed] = opts.seed;
    if (opts.stop?.length) a[GEN_AI.stop] = opts.stop;
    return a;
  };

  async function* generate(op: GenAiOperation, input: () => string, opts: GenerateOptions, run: () => AsyncIterable<GenerationEvent>): AsyncIterable<GenerationEvent> {
    const span = start(op, requestAttributes(opts));
    if (s.captureContent) span.setAttribute(GEN_AI.inputMessages, input());
    let text = '';
    try {
      for await (const e of run()) {
        if (e.type === 'text') {
          if (s.captureContent) text += e.text;
        } else if (e.type === 'done') {
          span.setAttributes({
            [GEN_AI.responseModel]: entry.id,
            [GEN_AI.finishReasons]: [e.finishReason],
            [GEN_AI.inputTokens]: e.usage.prompt_tokens,
            [GEN_AI.outputTokens]: e.usage.completion_tokens,
          });
          if (s.captureContent) span.setAttribute(GEN_AI.outputMessages, outputMessages(text, e.finishReason));
        }
        yield e;
      }
    } catch (err) {
      errorOn(span, err);
      throw err;
    } finally {
      span.end();
    }
  }

  const { chat, complete, embed } = model;
  return {
    entry,
    contextLength: model.contextLength,
    tokenize: (t) => model.tokenize(t),
    // The model stays its owner's (a deployment's): disposing of the wrapper does nothing.
    dispose: () => Promise.resolve(),
    ...(chat && { chat: (messages, opts) => generate('chat', () => inputMessages(messages), opts, () => chat.call(model, messages, opts)) }),
    ...(complete && { complete: (prompt, opts) => generate('text_completion', () => promptMessages(prompt), opts, () => complete.call(model, prompt, opts)) }),
    ...(embed && {
      embed: async (texts, opts) => {
        const span = start('embeddings', {});
        try {
          const r = await embed.call(model, texts, opts);
          span.setAttributes({ [GEN_AI.responseModel]: entry.id, [GEN_AI.inputTokens]: r.usage.prompt_tokens });
          if (r.vectors[0]) span.setAttribute(GEN_AI.dimensions, r.vectors[0].length);
          return r;
        } catch (err) {
          errorOn(span, err);
          throw err;
        } finally {
          span.end();
        }
      },
    }),
  };
}
