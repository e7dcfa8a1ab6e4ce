/**
 * Local ONNX embedding models (bge, e5, MiniLM style) run by transformers.js on onnxruntime-node
 * (CPU). A model is a folder as `weir models pull`/`add` leave it: config.json, tokenizer.json,
 * tokenizer_config.json and onnx/model.onnx (or model.onnx beside config.json).
 *
 * Nothing is ever downloaded: remote loading is switched off in the library and the folder is
 * checked before the library sees it, so a missing or incomplete folder fails at once with the
 * files it lacks instead of a hub lookup that hangs on an offline machine.
 *
 * Vectors are mean-pooled over the attention mask and L2-normalised (what sentence-transformers
 * exports of bge/e5/MiniLM expect); an entry labelled `pooling:cls` takes the first token's
 * vector instead. Real weights cannot be downloaded here, so the tests run this whole path on a
 * tiny BERT-shaped ONNX graph they write themselves (real tokenizer, onnxruntime, pooling); no
 * published model has been run through it on this machine.
 */
import { stat, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FeatureExtractionPipeline } from '@huggingface/transformers';
import { WeirError } from '../../errors.ts';
import type { EmbedResult, LoadedModel, LoadOptions, ModelEntry, ModelProvider } from '../types.ts';

/** Texts per ONNX run; texts are sorted by length first, so a batch pads to similar lengths. */
export const TRANSFORMERS_BATCH_SIZE = 32;
/** When neither the folder nor the catalog says: the window of BERT-style encoders. */
const DEFAULT_CONTEXT = 512;
const LAYOUT = 'a transformers.js ONNX folder needs config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx';

/**
 * The library (and onnxruntime's native binding) loads on first use: ~0.2 s that a process
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

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  throw signal.reason instanceof WeirError ? signal.reason : new WeirError('aborted', 'the call was cancelled', { status: 499, cause: signal.reason });
}

const isFile = (p: string) => stat(p).then((s) => s.isFile(), () => false);

interface Folder {
  dir: string;
  /** Where model.onnx is: 'onnx' or the folder itself (''). */
  subfolder: string;
  config: { max_position_embeddings?: unknown };
}

/** Checks the folder with the file system only, so the library never goes looking elsewhere. */
async function checkFolder(entry: ModelEntry): Promise<Folder> {
  const src = entry.source;
  if (src.kind !== 'local') {
    throw new WeirError('model_not_local', `model "${entry.id}" is not a local folder (its source is ${src.kind}): pull it with \`weir models pull ${entry.id}\` or register a folder with \`weir models add <folder>\``, { status: 422 });
  }
  const dir = path.resolve(src.path);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new WeirError('model_files_missing', `model "${entry.id}": the folder ${dir} ${info ? 'is a file, not a folder' : 'does not exist'}; ${LAYOUT}`, { status: 422 });
  }
  const missing: string[] = [];
  for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) if (!(await isFile(path.join(dir, f)))) missing.push(f);
  const subfolder = (await isFile(path.join(dir, 'onnx', 'model.onnx'))) ? 'onnx' : (await isFile(path.join(dir, 'model.onnx'))) ? '' : undefined;
  if (subfolder === undefined) missing.push('onnx/model.onnx');
  if (missing.length || subfolder === undefined) {
    throw new WeirError('model_files_missing', `model "${entry.id}": the folder ${dir} is missing ${missing.join(', ')}; ${LAYOUT}`, { status: 422 });
  }
  let config: Folder['config'];
  try {
    config = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8')) as Folder['config'];
  } catch (err) {
    throw new WeirError('model_files_invalid', `model "${entry.id}": ${path.join(dir, 'config.json')} is not valid JSON (${(err as Error).message})`, { status: 422, cause: err });
  }
  return { dir, subfolder, config };
}

/** The smaller of what the tokenizer truncates at and what the position table holds. */
function windowOf(extractor: FeatureExtractionPipeline, folder: Folder, entry: ModelEntry): number {
  const limits = [extractor.tokenizer.model_max_length, folder.config.max_position_embeddings].filter(
    // Some tokenizer configs say 1e30 for "no limit".
    (n): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0 && n < 1e6,
  );
  return limits.length ? Math.min(...limits) : (entry.contextLength ?? DEFAULT_CONTEXT);
}

class TransformersModel implements LoadedModel {
  readonly contextLength: number;
  readonly #pooling: 'mean' | 'cls';
  #disposed = false;

  constructor(
    readonly entry: ModelEntry,
    private readonly extractor: FeatureExtractionPipeline,
    folder: Folder,
  ) {
    this.contextLength = windowOf(extractor, folder, entry);
    this.#pooling = entry.labels.includes('pooling:cls') ? 'cls' : 'mean';
  }

  #check(): void {
    if (this.#disposed) throw new WeirError('model_disposed', `model "${this.entry.id}" was unloaded`, { status: 503 });
  }

  async embed(texts: string[], opts: { signal?: AbortSignal } = {}): Promise<EmbedResult> {
    this.#check();
    // Usage counts the tokens the model reads: special tokens in, truncation applied.
    const lengths = texts.map((t) => Math.min(this.extractor.tokenizer.encode(t).length, this.contextLength));
    const tokens = lengths.reduce((a, b) => a + b, 0);
    const order = texts.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b] || a - b);
    const vectors: number[][] = new Array(texts.length);
    for (let i = 0; i < order.length; i += TRANSFORMERS_BATCH_SIZE) {
      throwIfAborted(opts.signal);
      const idx = order.slice(i, i + TRANSFORMERS_BATCH_SIZE);
      const out = await this.extractor(
        idx.map((k) => texts[k]),
        { pooling: this.#pooling, normalize: true },
      );
      const rows = out.tolist() as number[][];
      idx.forEach((k, j) => (vectors[k] = rows[j]));
    }
    return { vectors, usage: { prompt_tokens: tokens, total_tokens: tokens } };
  }

  async tokenize(text: string): Promise<number[]> {
    this.#check();
    return this.extractor.tokenizer.encode(text);
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.extractor.dispose();
  }
}

async function createExtractor(entry: ModelEntry, folder: Folder, opts: LoadOptions): Promise<FeatureExtractionPipeline> {
  const { pipeline } = await library();
  try {
    return await pipeline('feature-extraction', folder.dir, {
      local_files_only: true,
      device: 'cpu',
      dtype: 'fp32',
      subfolder: folder.subfolder,
      session_options: { intraOpNumThreads: Math.max(1, opts.threads), interOpNumThreads: 1 },
    });
  } catch (err) {
    throw new WeirError('model_load_failed', `model "${entry.id}": could not load the ONNX model in ${folder.dir}: ${(err as Error).message}`, { status: 422, cause: err });
  }
}

export const transformersProvider: ModelProvider = {
  id: 'transformers',
  async load(entry, opts) {
    throwIfAborted(opts.signal);
    const folder = await checkFolder(entry);
    const extractor = await createExtractor(entry, folder, opts);
    if (opts.signal?.aborted) {
      await extractor.dispose();
      throwIfAborted(opts.signal);
    }
    return new TransformersModel(entry, extractor, folder);
  },
};
