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
 *
 * A loaded model lives in a compute thread of its own (transformers-thread.ts): onnxruntime-node
 * runs a session synchronously on the thread that calls it, and transformers.js tokenizes and pools
 * in JavaScript, so on the event loop every batch stalled the server. One thread, one copy of the
 * weights (bge-base is 436 MB); onnxruntime's own threads use the cores.
 */
import { stat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { WeirError } from '../../errors.ts';
import { abortError, type ComputePool } from '../../sandbox/compute/compute-pool.ts';
import { compute, dedicatedPool } from '../../sandbox/compute/shared-pool.ts';
import { embedInParts } from '../../sandbox/compute/task-parts.ts';
import type { TokenizerSpec, TransformersSpec } from '../../sandbox/compute/tasks.ts';
import type { EmbedResult, LoadedModel, ModelEntry, ModelProvider } from '../types.ts';

export { TRANSFORMERS_BATCH_SIZE } from './transformers-thread.ts';

/** When neither the folder nor the catalog says: the window of BERT-style encoders. */
const DEFAULT_CONTEXT = 512;
const LAYOUT = 'a transformers.js ONNX folder needs config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx';

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
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
function windowOf(tokenizerMax: number | null, folder: Folder, entry: ModelEntry): number {
  const limits = [tokenizerMax, folder.config.max_position_embeddings].filter(
    // Some tokenizer configs say 1e30 for "no limit".
    (n): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0 && n < 1e6,
  );
  return limits.length ? Math.min(...limits) : (entry.contextLength ?? DEFAULT_CONTEXT);
}

class TransformersModel implements LoadedModel {
  readonly workerTokenizer: TokenizerSpec;
  #disposed = false;

  constructor(
    readonly entry: ModelEntry,
    readonly contextLength: number,
    private readonly spec: TransformersSpec,
    private readonly pool: ComputePool,
  ) {
    this.workerTokenizer = { kind: 'transformers', dir: spec.dir };
  }

  #check(): void {
    if (this.#disposed) throw new WeirError('model_disposed', `model "${this.entry.id}" was unloaded`, { status: 503 });
  }

  async embed(texts: string[], opts: { signal?: AbortSignal } = {}): Promise<EmbedResult> {
    this.#check();
    throwIfAborted(opts.signal);
    return embedInParts(texts, (part) => compute({ kind: 'transformers-embed', model: this.spec, texts: part, contextLength: this.contextLength }, { signal: opts.signal, pool: this.pool }));
  }

  async tokenize(text: string): Promise<number[]> {
    this.#check();
    return compute({ kind: 'transformers-tokenize', model: this.spec, text }, { pool: this.pool });
  }

  /** Ends the model's thread, which frees its weights. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.pool.close();
  }
}

export const transformersProvider: ModelProvider = {
  id: 'transformers',
  async load(entry, opts) {
    throwIfAborted(opts.signal);
    const folder = await checkFolder(entry);
    const spec: TransformersSpec = {
      id: entry.id,
      dir: folder.dir,
      subfolder: folder.subfolder,
      pooling: entry.labels.includes('pooling:cls') ? 'cls' : 'mean',
      threads: Math.max(1, opts.threads),
    };
    const pool = dedicatedPool({ threads: 1, spare: false });
    try {
      const { tokenizerMax } = await compute({ kind: 'transformers-load', model: spec }, { pool, signal: opts.signal });
      return new TransformersModel(entry, windowOf(tokenizerMax, folder, entry), spec, pool);
    } catch (err) {
      await pool.close();
      throw err;
    }
  },
};
