/**
 * transformers.js where it computes: inside the one compute thread a loaded ONNX model owns (see
 * transformers.ts). onnxruntime-node's `session.run` is synchronous on the calling thread (its
 * backend only defers it with setImmediate), and transformers.js tokenizes and pools in JavaScript,
 * so on the main thread every batch held the event loop for its whole run.
 *
 * The model is loaded once per thread and kept while the thread lives; onnxruntime gets the
 * machine's threads for its own kernels, so one thread holding one copy of the weights still uses
 * every core.
 */
import type { FeatureExtractionPipeline, PreTrainedTokenizer } from '@huggingface/transformers';
import { WeirError } from '../../errors.ts';
import type { TransformersSpec } from '../../sandbox/compute/tasks.ts';

/** Texts per ONNX run; texts are sorted by length first, so a batch pads to similar lengths. */
export const TRANSFORMERS_BATCH_SIZE = 32;

/**
 * The library (and onnxruntime's native binding) loads on first use: ~0.2 s that a thread
 * without ONNX models never pays. Remote loading goes off before anything can be loaded.
 */
async function library(): Promise<typeof import('@huggingface/transformers')> {
  const lib = await import('@huggingface/transformers');
  lib.env.allowRemoteModels = false;
  lib.env.allowLocalModels = true;
  // Files are read where they are; no copies into the library's cache folder.
  lib.env.useFSCache = false;
  lib.env.useBrowserCache = false;
  return lib;
}

const extractors = new Map<string, Promise<FeatureExtractionPipeline>>();
const tokenizers = new Map<string, Promise<PreTrainedTokenizer>>();

const keyOf = (m: TransformersSpec) => JSON.stringify([m.dir, m.subfolder, m.threads]);

function extractor(m: TransformersSpec): Promise<FeatureExtractionPipeline> {
  const key = keyOf(m);
  let p = extractors.get(key);
  if (!p) {
    p = (async () => {
      const { pipeline } = await library();
      try {
        return await pipeline('feature-extraction', m.dir, {
          local_files_only: true,
          device: 'cpu',
          dtype: 'fp32',
          subfolder: m.subfolder,
          session_options: { intraOpNumThreads: Math.max(1, m.threads), interOpNumThreads: 1 },
        });
      } catch (err) {
        throw new WeirError('model_load_failed', `model "${m.id}": could not load the ONNX model in ${m.dir}: ${(err as Error).message}`, { status: 422, cause: err });
      }
    })();
    p.catch(() => extractors.delete(key));
    extractors.set(key, p);
  }
  return p;
}

/** Loads the model in this thread; returns what its tokenizer says it truncates at. */
export async function loadInThread(m: TransformersSpec): Promise<{ tokenizerMax: number | null }> {
  const max = (await extractor(m)).tokenizer.model_max_length;
  return { tokenizerMax: typeof max === 'number' ? max : null };
}

export async function embedInThread(m: TransformersSpec, texts: string[], contextLength: number): Promise<{ vectors: number[][]; tokens: number }> {
  const ex = await extractor(m);
  // Usage counts the tokens the model reads: special tokens in, truncation applied.
  const lengths = texts.map((t) => Math.min(ex.tokenizer.encode(t).length, contextLength));
  const tokens = lengths.reduce((a, b) => a + b, 0);
  const order = texts.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b] || a - b);
  const vectors: number[][] = new Array(texts.length);
  for (let i = 0; i < order.length; i += TRANSFORMERS_BATCH_SIZE) {
    const idx = order.slice(i, i + TRANSFORMERS_BATCH_SIZE);
    const out = await ex(
      idx.map((k) => texts[k]),
      { pooling: m.pooling, normalize: true },
    );
    const rows = out.tolist() as number[][];
    idx.forEach((k, j) => (vectors[k] = rows[j]));
  }
  return { vectors, tokens };
}

export async function tokenizeInThread(m: TransformersSpec, text: string): Promise<number[]> {
  return (await extractor(m)).tokenizer.encode(text);
}

/** The folder's tokenizer alone (no ONNX session): for chunking in any compute thread. */
export async function folderTokenizer(dir: string): Promise<(text: string) => number[]> {
  let p = tokenizers.get(dir);
  if (!p) {
    p = (async () => {
      const { AutoTokenizer } = await library();
      try {
        return await AutoTokenizer.from_pretrained(dir, { local_files_only: true });
      } catch (err) {
        throw new WeirError('model_load_failed', `could not load the tokenizer in ${dir}: ${(err as Error).message}`, { status: 422, cause: err });
      }
    })();
    p.catch(() => tokenizers.delete(dir));
    tokenizers.set(dir, p);
  }
  const t = await p;
  return (text: string) => t.encode(text);
}
