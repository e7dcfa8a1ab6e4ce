/**
 * The model catalog: the built-in entries plus the models the user registered (the store's
 * `models` repository). Built-ins are never replaced by a user entry of the same id, with one
 * exception: `weir models pull` stores the downloaded copy of a built-in under the built-in's id,
 * labelled `pulled`, with the same metadata and a local path — that copy is what `get` returns, so
 * deployments keep naming the model by its catalog id.
 */
import { availability, isAvailable } from './availability.ts';
import { BUILTIN_MODELS } from './catalog-data.ts';
import type { ModelEntry, ModelTask, ProviderId } from './types.ts';

export const DEFAULT_CHAT_MODEL = 'weir-extractive';
export const DEFAULT_EMBEDDING_MODEL = 'use-lite';
/** Label of a user entry that is the downloaded copy of a built-in (see the file comment). */
export const PULLED_LABEL = 'pulled';

export const MODEL_TASKS: readonly ModelTask[] = ['chat-completion', 'text-generation', 'embeddings', 'extractive-qa'];
export const PROVIDERS: readonly ProviderId[] = ['llama-cpp', 'transformers', 'use-lite', 'extractive', 'openai-compatible'];

export interface ModelFilter {
  q?: string;
  task?: ModelTask;
  license?: string;
  provider?: ProviderId;
  local?: boolean;
}

/** Runs on this machine (downloaded, shipped or user-registered) rather than behind a remote API. */
export function isLocal(e: ModelEntry): boolean {
  return e.format !== 'remote';
}

const BUILTIN_BY_ID = new Map(BUILTIN_MODELS.map((e) => [e.id, e]));

export function isBuiltinModel(id: string): boolean {
  return BUILTIN_BY_ID.has(id);
}

/** A pulled copy only stands in for the built-in it was downloaded from (same provider and format). */
function isPulledCopy(user: ModelEntry, builtin: ModelEntry): boolean {
  return user.labels.includes(PULLED_LABEL) && user.source.kind === 'local' && user.provider === builtin.provider && user.format === builtin.format;
}

export class ModelCatalog {
  readonly #userModels: () => Promise<ModelEntry[]>;

  /** `userModels` is read on every call, so models added while the server runs show up at once. */
  constructor(userModels: () => Promise<ModelEntry[]>) {
    this.#userModels = userModels;
  }

  /** Built-ins in catalog order (pulled copies in their place), then the user's models by id. */
  async all(): Promise<ModelEntry[]> {
    const user = await this.#userModels();
    const pulled = new Map<string, ModelEntry>();
    const own: ModelEntry[] = [];
    for (const e of user) {
      const builtin = BUILTIN_BY_ID.get(e.id);
      if (!builtin) own.push(e);
      else if (isPulledCopy(e, builtin)) pulled.set(e.id, e);
    }
    return [...BUILTIN_MODELS.map((b) => pulled.get(b.id) ?? b), ...own];
  }

  async get(id: string): Promise<ModelEntry | undefined> {
    const builtin = BUILTIN_BY_ID.get(id);
    const user = (await this.#userModels()).find((e) => e.id === id);
    if (!builtin) return user;
    return user && isPulledCopy(user, builtin) ? user : builtin;
  }

  /** Every filter given must match; `q` matches when each of its words appears somewhere in the entry. */
  async search(f: ModelFilter): Promise<ModelEntry[]> {
    const words = (f.q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const license = f.license?.trim().toLowerCase();
    return (await this.all()).filter((e) => {
      if (f.task !== undefined && e.task !== f.task) return false;
      if (f.provider !== undefined && e.provider !== f.provider) return false;
      if (f.local !== undefined && isLocal(e) !== f.local) return false;
      // Substring, so "apache" finds Apache-2.0 and "llama" finds llama3.2.
      if (license && !e.license.toLowerCase().includes(license)) return false;
      if (!words.length) return true;
      const text = [e.id, e.name, e.publisher, e.description, ...e.labels].join('\n').toLowerCase();
      return words.every((w) => text.includes(w));
    });
  }
}

/** The API shape of an entry (snake_case, every field present, nulls for unknowns). */
export function modelJson(e: ModelEntry) {
  return {
    id: e.id,
    name: e.name,
    publisher: e.publisher,
    task: e.task,
    provider: e.provider,
    format: e.format,
    license: e.license,
    parameters: e.parameters,
    context_length: e.contextLength,
    file_size_bytes: e.fileSizeBytes,
    source: e.source,
    price: e.price ? { input_per_1k: e.price.inputPer1k ?? null, output_per_1k: e.price.outputPer1k ?? null, per_hour: e.price.perHour ?? null } : null,
    dimensions: e.dimensions ?? null,
    description: e.description,
    labels: e.labels,
    supports: supportsOf(e),
    local: isLocal(e),
    ...availabilityJson(e),
  };
}

/**
 * What a chat model does beyond text. Entries without `supports` (added with `weir models add`
 * before #19, or by hand) get what their provider does: llama.cpp and remote chat models both,
 * the rest neither.
 */
export function supportsOf(e: ModelEntry): { tools: boolean; structured_output: boolean } {
  const generative = e.task === 'chat-completion' && (e.provider === 'llama-cpp' || e.provider === 'openai-compatible');
  return { tools: e.supports?.tools ?? generative, structured_output: e.supports?.structured_output ?? generative };
}

/** Whether it runs here now, and what a download would cost when it does not. */
function availabilityJson(e: ModelEntry) {
  const a = availability(e);
  return { availability: a, available: isAvailable(a), download_bytes: a === 'not_downloaded' ? e.fileSizeBytes : null };
}

export type ModelJson = ReturnType<typeof modelJson>;
