/**
 * The embedded default chat model, and it is extractive, not generative: it answers only with
 * sentences of the context it is given (retrieved chunks), picked and ordered with the embedding
 * model, each followed by the `[n]` marker of its passage. No weights of its own, no download,
 * so "add your data" answers on a fresh offline machine, and tests get a model whose output is
 * fixed by its input.
 *
 * What is context, what is the question, how passages are numbered: see extractive-context.ts.
 * How sentences are picked and the answer is cut: see extractive-answer.ts.
 *
 * Deterministic by design: the same messages and options give the same text, citations and
 * usage every time. `temperature`, `topP` and `seed` are accepted and ignored: there is no
 * sampling to steer.
 */
import { WeirError } from '../../errors.ts';
import type { ChatMessage, Citation, GenerateOptions, GenerationEvent, LoadedModel, ModelEntry, ModelProvider } from '../types.ts';
import { type Embedder, planAnswer, rankSentences } from './extractive-answer.ts';
import { type PromptParts, splitChat, splitPassages, splitPrompt } from './extractive-context.ts';

/**
 * The prompt limit. Attention does not bound this model; the cost of embedding every context
 * sentence does: 8192 tokens is ~400 sentences, a few seconds of USE on 2 cores, and more than
 * the top-k chunks of a RAG prompt (8 chunks of 512 tokens fit with room for instructions).
 */
export const EXTRACTIVE_CONTEXT_LENGTH = 8192;

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  throw signal.reason instanceof WeirError ? signal.reason : new WeirError('aborted', 'the call was cancelled', { status: 499, cause: signal.reason });
}

async function countTokens(embedder: Embedder, texts: string[]): Promise<number> {
  let n = 0;
  for (const t of texts) n += (await embedder.tokenize(t)).length;
  return n;
}

/**
 * It only picks sentences of the context: it cannot call a tool or write JSON, and a caller must
 * not believe it did. Tools offered under tool_choice "none" ask nothing of it and pass.
 */
function refuseWhatItCannotWrite(id: string, opts: GenerateOptions): void {
  if (opts.tools?.length && opts.toolChoice !== 'none') {
    throw new WeirError('unsupported_parameter', `model "${id}" is extractive, not generative: it answers with sentences of the context and cannot call tools`, {
      status: 400,
      path: ['tools'],
    });
  }
  const format = opts.responseFormat?.type;
  if (format === 'json_schema' || format === 'json_object') {
    throw new WeirError('unsupported_parameter', `model "${id}" is extractive, not generative: it answers with sentences of the context and cannot write JSON (response_format ${format})`, {
      status: 400,
      path: ['response_format'],
    });
  }
}

class ExtractiveModel implements LoadedModel {
  readonly contextLength: number;

  constructor(
    readonly entry: ModelEntry,
    private readonly embedder: Embedder,
  ) {
    this.contextLength = entry.contextLength ?? EXTRACTIVE_CONTEXT_LENGTH;
  }

  chat(messages: ChatMessage[], opts: GenerateOptions): AsyncIterable<GenerationEvent> {
    return this.#answer(
      () => splitChat(messages),
      messages.map((m) => m.content),
      opts,
    );
  }

  complete(prompt: string, opts: GenerateOptions): AsyncIterable<GenerationEvent> {
    return this.#answer(() => splitPrompt(prompt), [prompt], opts);
  }

  async *#answer(parts: () => PromptParts, promptTexts: string[], opts: GenerateOptions): AsyncGenerator<GenerationEvent> {
    throwIfAborted(opts.signal);
    refuseWhatItCannotWrite(this.entry.id, opts);
    const promptTokens = await countTokens(this.embedder, promptTexts);
    if (promptTokens > this.contextLength) {
      throw new WeirError('context_length_exceeded', `the prompt has ${promptTokens} tokens; model "${this.entry.id}" reads at most ${this.contextLength}`, { status: 400 });
    }
    const { context, question } = parts();
    const picked = await rankSentences(this.embedder, question, splitPassages(context), opts.signal);
    throwIfAborted(opts.signal);
    const plan = await planAnswer(picked, opts, (t) => this.embedder.tokenize(t));

    // One event per sentence, each cut to what the plan sends.
    let text = '';
    let at = 0;
    const citations: Citation[] = [];
    for (const [i, p] of plan.pieces.entries()) {
      const piece = (i ? ' ' : '') + p.text;
      const part = piece.slice(0, Math.max(0, plan.length - at));
      at += piece.length;
      if (!part) break;
      if (p.citation) citations.push(p.citation);
      text += part;
      yield { type: 'text', text: part };
    }
    const completionTokens = (await this.embedder.tokenize(text)).length;
    yield {
      type: 'done',
      finishReason: plan.finishReason,
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
      citations,
    };
  }

  tokenize(text: string): Promise<number[]> {
    return this.embedder.tokenize(text);
  }

  /** The embedder belongs to whoever supplied it (it is shared), so there is nothing to free. */
  async dispose(): Promise<void> {}
}

export const extractiveProvider: ModelProvider = {
  id: 'extractive',
  async load(entry, opts) {
    throwIfAborted(opts.signal);
    if (!opts.embedder) {
      throw new WeirError('embedder_required', `model "${entry.id}" ranks sentences with an embedding model, and none was given to load it with`, { status: 500 });
    }
    const embedder = await opts.embedder();
    const { embed } = embedder;
    if (!embed) throw new WeirError('embedder_required', `model "${entry.id}" needs an embedding model, and "${embedder.entry.id}" does not make embeddings`, { status: 500 });
    const { similarities } = embedder as Embedder;
    return new ExtractiveModel(entry, {
      embed: embed.bind(embedder),
      tokenize: embedder.tokenize.bind(embedder),
      ...(similarities ? { similarities: similarities.bind(embedder) } : {}),
    });
  },
};
