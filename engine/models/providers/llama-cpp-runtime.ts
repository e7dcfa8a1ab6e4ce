/**
 * Process-wide llama.cpp state: one `Llama` instance, and models and contexts shared by every
 * LoadedModel that asks for the same file (and, for contexts, the same size and threads).
 * Sharing is ref-counted: the last `release` frees the native memory.
 */
import { access, constants } from 'node:fs/promises';
import {
  GeneralChatWrapper,
  getLlama,
  LlamaLogLevel,
  resolveChatWrapper,
  type ChatWrapper,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaEmbeddingContext,
  type LlamaModel,
} from 'node-llama-cpp';
import { WeirError } from '../../errors.ts';
import { defaultThreads } from '../threads.ts';
import { SequencePool } from './llama-cpp-pool.ts';

export interface SharedModel {
  readonly file: string;
  readonly model: LlamaModel;
  /** Built from the GGUF's own chat template; stateless, so one serves every request. */
  readonly chatWrapper: ChatWrapper;
}

export interface SharedContext {
  readonly context: LlamaContext;
  /** Allocated tokens per sequence (node-llama-cpp may round the requested size up). */
  readonly contextSize: number;
  readonly pool: SequencePool<LlamaContextSequence>;
}

let llama: Promise<Llama> | undefined;

function getLlamaInstance(): Promise<Llama> {
  llama ??= getLlama({
    gpu: false,
    build: 'never',
    logLevel: LlamaLogLevel.error,
    // Its default (at least 4) oversubscribes small machines; this caps all contexts together.
    maxThreads: defaultThreads(),
  }).catch((err: unknown) => {
    llama = undefined;
    throw new WeirError('llama_cpp_unavailable', `could not start llama.cpp: ${message(err)}`, { cause: err, status: 500 });
  });
  return llama;
}

/** Values created once per key, freed when the last holder releases them. */
class RefCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>; refs: number }>();

  get size(): number {
    return this.entries.size;
  }

  async acquire(key: string, create: () => Promise<V>): Promise<V> {
    let entry = this.entries.get(key);
    if (!entry) {
      const created = { value: create(), refs: 0 };
      created.value.catch(() => {
        if (this.entries.get(key) === created) this.entries.delete(key);
      });
      this.entries.set(key, created);
      entry = created;
    }
    entry.refs++;
    try {
      return await entry.value;
    } catch (err) {
      entry.refs--;
      throw err;
    }
  }

  async release(key: string, destroy: (value: V) => Promise<void>): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry || --entry.refs > 0) return;
    this.entries.delete(key);
    await destroy(await entry.value);
  }
}

const models = new RefCache<SharedModel>();
const contexts = new RefCache<SharedContext>();

/** Distinct model files currently in memory (for tests and diagnostics). */
export function loadedModelCount(): number {
  return models.size;
}

export function acquireModel(file: string): Promise<SharedModel> {
  return models.acquire(file, async () => {
    try {
      await access(file, constants.R_OK);
    } catch (err) {
      throw new WeirError('model_file_not_found', `model file ${file} does not exist or is not readable`, { cause: err, status: 500 });
    }
    const instance = await getLlamaInstance();
    try {
      const model = await instance.loadModel({ modelPath: file });
      const chatWrapper = resolveChatWrapper(model, { warningLogs: false }) ?? new GeneralChatWrapper();
      return { file, model, chatWrapper };
    } catch (err) {
      throw new WeirError('model_load_failed', `llama.cpp could not load ${file}: ${message(err)}`, { cause: err, status: 500 });
    }
  });
}

export function releaseModel(shared: SharedModel): Promise<void> {
  return models.release(shared.file, (m) => m.model.dispose());
}

export interface ContextSpec {
  contextSize: number;
  threads: number;
}

const contextKey = (shared: SharedModel, spec: ContextSpec): string => `${shared.file}\0${spec.contextSize}\0${spec.threads}`;

/**
 * Parallel sequences per context. Each costs a full context of KV cache; on CPU they share the
 * same threads, so a few are enough to batch concurrent requests without starving memory.
 */
function sequencesFor(threads: number): number {
  return Math.min(4, Math.max(2, threads));
}

export function acquireContext(shared: SharedModel, spec: ContextSpec): Promise<SharedContext> {
  return contexts.acquire(contextKey(shared, spec), async () => {
    try {
      const context = await shared.model.createContext({
        contextSize: spec.contextSize,
        sequences: sequencesFor(spec.threads),
        threads: spec.threads,
      });
      const sequences = Array.from({ length: context.totalSequences }, () => context.getSequence());
      return { context, contextSize: context.contextSize, pool: new SequencePool(sequences) };
    } catch (err) {
      throw new WeirError('model_load_failed', `llama.cpp could not create a ${spec.contextSize}-token context for ${shared.file}: ${message(err)}`, {
        cause: err,
        status: 500,
      });
    }
  });
}

export function releaseContext(shared: SharedModel, spec: ContextSpec): Promise<void> {
  return contexts.release(contextKey(shared, spec), async (c) => {
    c.pool.close(new WeirError('model_disposed', `model ${shared.file} was unloaded`, { status: 409 }));
    await c.context.dispose();
  });
}

/** An embedding context: one sequence, handed to one text at a time through a pool of one. */
export interface SharedEmbedder {
  readonly context: LlamaEmbeddingContext;
  /** Longest input in tokens (special tokens included); the context holds one more. */
  readonly window: number;
  readonly pool: SequencePool<LlamaEmbeddingContext>;
}

const embedders = new RefCache<SharedEmbedder>();
const embedderKey = (shared: SharedModel, spec: ContextSpec): string => `${shared.file}\0embed\0${spec.contextSize}\0${spec.threads}`;

/**
 * `spec.contextSize` is the window: the longest input. node-llama-cpp refuses inputs as long as its
 * context, so the context is one token larger. The batch is as large as the context: encoders
 * (BERT) must see a whole input in one batch, and pooled embeddings only pool the last batch.
 */
export function acquireEmbedder(shared: SharedModel, spec: ContextSpec): Promise<SharedEmbedder> {
  return embedders.acquire(embedderKey(shared, spec), async () => {
    try {
      const size = spec.contextSize + 1;
      const context = await shared.model.createEmbeddingContext({ contextSize: size, batchSize: size, threads: spec.threads });
      return { context, window: spec.contextSize, pool: new SequencePool([context]) };
    } catch (err) {
      throw new WeirError('model_load_failed', `llama.cpp could not create a ${spec.contextSize}-token embedding context for ${shared.file}: ${message(err)}`, {
        cause: err,
        status: 500,
      });
    }
  });
}

export function releaseEmbedder(shared: SharedModel, spec: ContextSpec): Promise<void> {
  return embedders.release(embedderKey(shared, spec), async (e) => {
    e.pool.close(new WeirError('model_disposed', `model ${shared.file} was unloaded`, { status: 409 }));
    await e.context.dispose();
  });
}

export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
