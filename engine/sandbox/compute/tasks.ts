/**
 * The work a compute worker does, as plain data both threads agree on (structured-cloned across,
 * so no functions or classes): each task kind and what it gives back.
 */
import type { Chunk } from '../../data/chunking.ts';
import type { LoadedDocument } from '../../data/loaders/types.ts';

/** A tokenizer a worker can build on its own, to chunk a document where it loads it. */
export type TokenizerSpec = { kind: 'use-lite' } | { kind: 'transformers'; dir: string };

/** How a transformers.js model is loaded in its worker (see providers/transformers-thread.ts). */
export interface TransformersSpec {
  id: string;
  dir: string;
  subfolder: string;
  pooling: 'mean' | 'cls';
  /** onnxruntime's threads inside the one worker that holds the model. */
  threads: number;
}

export type ComputeTask =
  | { kind: 'use-embed'; texts: string[] }
  | { kind: 'use-tokenize'; text: string }
  /** Cosine similarity of each text to a vector: only the scores cross back, not 512 numbers a text. */
  | { kind: 'use-similarities'; query: number[]; texts: string[] }
  | {
      kind: 'document';
      name: string;
      bytes: Uint8Array;
      textField?: string;
      maxBytes?: number;
      /** Chunk it in the worker too; without it the loaded document comes back whole. */
      chunking?: { tokenizer: TokenizerSpec; maxTokens: number; overlapTokens: number };
    }
  | { kind: 'transformers-load'; model: TransformersSpec }
  | { kind: 'transformers-embed'; model: TransformersSpec; texts: string[]; contextLength: number }
  | { kind: 'transformers-tokenize'; model: TransformersSpec; text: string };

export interface ComputeResults {
  'use-embed': { vectors: number[][]; tokens: number };
  'use-tokenize': number[];
  'use-similarities': { scores: number[]; tokens: number };
  document: { doc: LoadedDocument; chunks?: undefined } | { doc: Pick<LoadedDocument, 'name' | 'title' | 'format'>; chunks: Chunk[] };
  /** What the tokenizer says it truncates at (model_max_length), when it says. */
  'transformers-load': { tokenizerMax: number | null };
  'transformers-embed': { vectors: number[][]; tokens: number };
  'transformers-tokenize': number[];
}

export type ResultOf<K extends ComputeTask['kind']> = ComputeResults[K];

/**
 * The tokenizer a loaded model says a compute thread can build for itself (its `workerTokenizer`
 * property), so a document can be chunked where it is loaded; undefined for models whose tokenizer
 * lives only where they run (llama.cpp, remote APIs).
 */
export function workerTokenizerOf(model: object): TokenizerSpec | undefined {
  const spec = (model as { workerTokenizer?: TokenizerSpec }).workerTokenizer;
  return spec?.kind === 'use-lite' || (spec?.kind === 'transformers' && typeof spec.dir === 'string') ? spec : undefined;
}
