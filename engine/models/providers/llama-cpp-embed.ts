/**
 * GGUF embedding models (bert, nomic-bert, jina-bert, Qwen3-Embedding, … or any GGUF registered
 * with task `embeddings`) through node-llama-cpp's embedding context. The GGUF decides the pooling
 * (`<arch>.pooling_type`: mean, cls, last; none means the last token's state); vectors come back
 * L2-normalised, as Weir's other local embedders return them.
 *
 * Each text is evaluated alone in the one sequence of a shared embedding context, so a text's
 * vector never depends on the texts batched with it. Requests take that sequence one text at a
 * time, first come first served: a long batch does not hold a one-text request back for its
 * whole length, it takes turns with it.
 *
 * Texts longer than the window are refused (`context_length_exceeded`, naming the input), never
 * cut: a vector of half a text would be silently wrong.
 */
import { DisposedError, LlamaVocabularyType, type LlamaModel, type Token } from 'node-llama-cpp';
import { WeirError } from '../../errors.ts';
import type { EmbedResult, LoadedModel, ModelEntry } from '../types.ts';
import { message, releaseEmbedder, releaseModel, type ContextSpec, type SharedEmbedder, type SharedModel } from './llama-cpp-runtime.ts';

/** GGUF `<arch>.pooling_type` values (llama.cpp's enum llama_pooling_type). */
export const POOLING_RANK = 4;

export class LlamaCppEmbeddingModel implements LoadedModel {
  readonly entry: ModelEntry;
  private disposed = false;

  constructor(
    entry: ModelEntry,
    private readonly shared: SharedModel,
    private readonly spec: ContextSpec,
    private readonly embedder: SharedEmbedder,
  ) {
    // The file is the truth about the vector length, whatever the catalog entry says.
    this.entry = { ...entry, dimensions: shared.model.embeddingVectorSize };
  }

  get contextLength(): number {
    return this.embedder.window;
  }

  async embed(texts: string[], opts: { signal?: AbortSignal } = {}): Promise<EmbedResult> {
    this.assertUsable();
    throwIfAborted(opts.signal);
    const inputs = texts.map((t) => this.tokens(t));
    // Every input is checked before any is embedded: a bad request costs no compute.
    inputs.forEach((tokens, i) => {
      if (tokens.length > this.contextLength) {
        throw new WeirError(
          'context_length_exceeded',
          `this model's maximum context length is ${this.contextLength} tokens, but input ${i} has ${tokens.length} tokens; shorten it or split it`,
          { status: 400, path: ['input', i] },
        );
      }
      if (tokens.length === 0) {
        throw new WeirError('invalid_input', `input ${i} is empty: this model adds no special tokens, so an empty text has nothing to embed`, { status: 400, path: ['input', i] });
      }
    });
    const vectors: number[][] = [];
    for (const tokens of inputs) vectors.push(await this.embedOne(tokens, opts.signal));
    const count = inputs.reduce((n, t) => n + t.length, 0);
    return { vectors, usage: { prompt_tokens: count, total_tokens: count } };
  }

  private async embedOne(tokens: Token[], signal: AbortSignal | undefined): Promise<number[]> {
    const { pool } = this.embedder;
    let context;
    try {
      context = await pool.acquire(signal);
    } catch (err) {
      throw toWeirError(err, signal);
    }
    try {
      throwIfAborted(signal);
      const { vector } = await context.getEmbeddingFor(tokens);
      return normalize(vector);
    } catch (err) {
      throw toWeirError(err, signal);
    } finally {
      pool.release(context);
    }
  }

  /** The tokens the model reads, special tokens included: what usage and the window count. */
  async tokenize(text: string): Promise<number[]> {
    this.assertUsable();
    return this.tokens(text);
  }

  private tokens(text: string): Token[] {
    const { model } = this.shared;
    const first = beginningToken(model);
    const last = endToken(model);
    const tokens = model.tokenize(text, false);
    return [...(first !== null ? [first] : []), ...tokens, ...(last !== null ? [last] : [])];
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await releaseEmbedder(this.shared, this.spec);
    await releaseModel(this.shared);
  }

  private assertUsable(): void {
    if (this.disposed) throw new WeirError('model_disposed', `model "${this.entry.id}" was unloaded`, { status: 409 });
  }
}

/**
 * The special tokens llama.cpp adds around an input, as node-llama-cpp's embedding context adds
 * them (it skips adding what is already there, so passing them in changes nothing): BERT-style
 * (WPM) vocabularies take [CLS] … [SEP], T5-style (UGM) only EOS, the rest what the GGUF asks.
 */
function beginningToken(model: LlamaModel): Token | null {
  switch (model.vocabularyType) {
    case LlamaVocabularyType.rwkv:
    case LlamaVocabularyType.ugm:
      return null;
    case LlamaVocabularyType.wpm:
      return model.tokens.bos;
    default:
      return model.tokens.shouldPrependBosToken ? model.tokens.bos : null;
  }
}

function endToken(model: LlamaModel): Token | null {
  switch (model.vocabularyType) {
    case LlamaVocabularyType.rwkv:
      return null;
    case LlamaVocabularyType.wpm:
      return model.tokens.sep;
    case LlamaVocabularyType.ugm:
      return model.tokens.eos;
    default:
      return model.tokens.shouldAppendEosToken ? model.tokens.eos : null;
  }
}

/** Unit length; an all-zero vector (no direction) stays zero. */
export function normalize(v: readonly number[]): number[] {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  return norm > 0 ? v.map((x) => x / norm) : [...v];
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  throw signal.reason instanceof WeirError ? signal.reason : new WeirError('aborted', 'the call was cancelled', { status: 499, cause: signal.reason });
}

function toWeirError(err: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    return reason instanceof WeirError ? reason : new WeirError('aborted', 'the call was cancelled', { cause: reason, status: 499 });
  }
  if (err instanceof WeirError) return err;
  if (err instanceof DisposedError) return new WeirError('model_disposed', 'the model was unloaded during the call', { cause: err, status: 409 });
  return new WeirError('embedding_failed', `llama.cpp embedding failed: ${message(err)}`, { cause: err, status: 500 });
}

/** Rerankers pool to a relevance score, not a vector: refused rather than served as embeddings. */
export function assertEmbeddable(entry: ModelEntry, model: LlamaModel): void {
  const meta = model.fileInfo.metadata as unknown as Record<string, { pooling_type?: unknown } | undefined>;
  const arch = model.fileInfo.metadata.general?.architecture;
  if (arch !== undefined && Number(meta[arch]?.pooling_type) === POOLING_RANK) {
    throw new WeirError('unsupported_task', `model "${entry.id}" is a reranker (its GGUF pools by rank), not an embedding model`, { status: 422 });
  }
}
