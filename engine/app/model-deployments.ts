/**
 * Model deployments: catalog models loaded in the background and served by name. A model loaded
 * once is shared by every deployment of the same catalog id and options, and unloaded when the
 * last of them is deleted. The extractive chat model borrows the shared default embedding model.
 *
 * Remote models read their connection (PUT /api/connections/{name}) once, at load:
 *   settings.base_url     required; OpenAI flavor: the URL that /chat/completions hangs off
 *                         (e.g. https://api.openai.com/v1, http://localhost:11434/v1, https://weir/v1);
 *                         Azure flavor: the resource endpoint (https://res.openai.azure.com)
 *   settings.flavor       'openai' | 'azure'; default 'azure' when api_version is set, else 'openai'
 *   settings.api_version  Azure api-version, e.g. '2024-10-21'
 *   settings.headers      extra headers, e.g. { "OpenAI-Organization": "org-…" }
 *   settings.timeout_ms   wait for an answer (and between streamed chunks), default 120000
 *   secrets.api_key       sent as Bearer (openai) or api-key (azure); optional (Ollama needs none)
 * Changing a connection takes effect when the deployment is created again (or the server restarts).
 */
import { existsSync } from 'node:fs';
import { WeirError } from '../errors.ts';
import { howToGetWeights, needsDownload } from '../models/availability.ts';
import { DEFAULT_EMBEDDING_MODEL, type ModelCatalog } from '../models/catalog.ts';
import type { LoadedModel, ModelEntry, ModelProvider, ProviderId, RemoteSettings } from '../models/types.ts';
import type { DeploymentRow, ModelDeploymentOptions, Store } from '../store/types.ts';

export type ModelState = 'loading' | 'ready' | 'failed';

export interface ModelDeploymentState {
  state: ModelState;
  reason?: string;
  /** ISO time the (shared) model finished loading. */
  loaded_at?: string;
}

/** One loaded (or loading) model and who uses it: deployment names, or `\0<key>` for a model that borrows it. */
interface Shared {
  key: string;
  users: Set<string>;
  promise: Promise<LoadedModel>;
  ctl: AbortController;
  loadedAt?: number;
}

interface Tracked {
  /** The stored deployment it was loaded for. */
  row: DeploymentRow;
  shared?: Shared;
  state: ModelState;
  reason?: string;
  promise: Promise<LoadedModel>;
}

const borrower = (key: string) => `\u0000${key}`;
/** The options that change how a model is loaded; an allocation (tpm), a rate or a safety policy does not. */
function serving(options: ModelDeploymentOptions | null): ModelDeploymentOptions {
  const { tpm: _tpm, rpm: _rpm, safetyPolicy: _policy, ...o } = options ?? {};
  return o;
}

export class ModelDeployments {
  readonly #shared = new Map<string, Shared>();
  readonly #deployments = new Map<string, Tracked>();
  #providers: Record<ProviderId, ModelProvider> | undefined;
  #threads: number | undefined;
  #closing: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly catalog: ModelCatalog,
    opts: { providers?: Record<ProviderId, ModelProvider>; threads?: number } = {},
  ) {
    this.#providers = opts.providers;
    this.#threads = opts.threads;
  }

  /**
   * Checks what a new deployment asks for, before it is stored: the model exists, remote models
   * name an existing connection, and options fit the model. Throws WeirErrors naming the field.
   */
  async check(model: string, o: ModelDeploymentOptions): Promise<ModelEntry> {
    const entry = await this.catalog.get(model);
    if (!entry) throw new WeirError('model_not_found', `model "${model}" is not in the catalog (GET /api/models)`, { status: 404, path: ['model'] });
    if (entry.source.kind === 'remote') {
      if (!o.connection) throw new WeirError('connection_required', `model "${model}" is remote: give a connection with its base_url and api_key`, { status: 422, path: ['connection'] });
      if (!(await this.store.connections.get(o.connection))) throw new WeirError('connection_not_found', `connection "${o.connection}" not found`, { status: 404, path: ['connection'] });
      if (o.contextSize !== undefined) throw new WeirError('invalid_request', 'context_size applies to local models only', { status: 400, path: ['context_size'] });
    } else {
      // Refused before it is stored: a deployment that can only fail to load helps nobody. A file
      // the user registered may come back (a disk mounted later): that one still fails at load.
      if (needsDownload(entry)) {
        throw new WeirError('model_not_downloaded', howToGetWeights(entry), { status: 409, path: ['model'] });
      }
      if (o.connection !== undefined) throw new WeirError('invalid_request', `model "${model}" runs locally and takes no connection`, { status: 400, path: ['connection'] });
      if (o.remoteModel !== undefined) throw new WeirError('invalid_request', `remote_model applies to remote models only`, { status: 400, path: ['remote_model'] });
      if (o.contextSize !== undefined && entry.contextLength !== null && o.contextSize > entry.contextLength) {
        throw new WeirError('invalid_request', `context_size ${o.contextSize} is larger than the model's context of ${entry.contextLength} tokens`, { status: 400, path: ['context_size'] });
      }
    }
    return entry;
  }

  /** Starts loading a model deployment in the background; `state` follows it. */
  deploy(row: DeploymentRow): void {
    if (row.kind !== 'model' || !row.model || this.#closing) return;
    this.undeploy(row.name);
    const t: Tracked = { row, state: 'loading', promise: undefined as never };
    t.promise = this.#acquire(row.model, row.options ?? {}, row.name).then((shared) => {
      // Undeployed (or deployed again) while the catalog answered: give the model back.
      if (this.#deployments.get(row.name) !== t) {
        this.#release(shared, row.name);
        throw new WeirError('unloaded', `deployment "${row.name}" was removed while it loaded`, { status: 503 });
      }
      t.shared = shared;
      return shared.promise;
    });
    this.#deployments.set(row.name, t);
    t.promise.then(
      () => (t.state = 'ready'),
      (err: unknown) => {
        t.state = 'failed';
        t.reason = err instanceof Error ? err.message : String(err);
      },
    );
  }

  /** Loads every model deployment in the store again (server start); returns at once. */
  async loadAll(): Promise<void> {
    for (const row of await this.store.deployments.list()) if (row.kind === 'model' && !this.#deployments.has(row.name)) this.deploy(row);
  }

  /** Deployments this process has loaded, is loading, or failed to load. */
  names(): string[] {
    return [...this.#deployments.keys()];
  }

  async state(name: string): Promise<ModelDeploymentState | undefined> {
    const t = await this.#track(name);
    if (!t) return undefined;
    const at = t.state === 'ready' ? t.shared?.loadedAt : undefined;
    return { state: t.state, ...(t.reason ? { reason: t.reason } : {}), ...(at ? { loaded_at: new Date(at).toISOString() } : {}) };
  }

  /** The deployment's model, waiting while it loads. */
  async get(name: string): Promise<LoadedModel> {
    const t = await this.#track(name);
    if (!t) throw new WeirError('model_not_ready', `model deployment "${name}" is not deployed`, { status: 503 });
    try {
      return await t.promise;
    } catch (err) {
      throw new WeirError('model_not_ready', `model deployment "${name}" failed to load: ${(err as Error).message}`, { status: 503, cause: err });
    }
  }

  /**
   * A model behind an OpenAI-compatible connection, for flow nodes. Remote models cost nothing to
   * "load", so the connection is read on every call and edits to it apply at once. A catalog entry
   * of the same id lends its price, so usage is costed.
   */
  async connectionModel(connection: string, model: string): Promise<LoadedModel> {
    const known = await this.catalog.get(model);
    const entry: ModelEntry =
      known?.source.kind === 'remote'
        ? known
        : {
            id: model, name: model, publisher: connection, task: 'chat-completion', provider: 'openai-compatible', format: 'remote', license: 'unknown',
            parameters: null, contextLength: null, fileSizeBytes: null, source: { kind: 'remote', model }, price: null,
            description: `${model} through connection ${connection}`, labels: [],
          };
    this.#providers ??= (await import('../models/providers/index.ts')).PROVIDERS;
    return this.#providers['openai-compatible'].load(entry, { threads: 1, remote: await this.#remote(connection) });
  }

  /**
   * A catalog model used outside any deployment (data indexes embed with theirs). It is shared
   * with deployments of the same model and stays loaded while the server runs.
   */
  async use(model: string): Promise<LoadedModel> {
    return (await this.#acquire(model, {}, borrower(`data:${model}`))).promise;
  }

  /**
   * A deployment changed, here or on another instance: its model is let go when the deployment is
   * gone or now asks for another model or options (the next call loads what the store says).
   */
  async refresh(name: string): Promise<void> {
    const t = this.#deployments.get(name);
    if (!t) return;
    const row = await this.store.deployments.get(name);
    if (this.#deployments.get(name) !== t) return;
    if (row?.kind === 'model' && row.model === t.row.model && JSON.stringify(serving(row.options)) === JSON.stringify(serving(t.row.options))) return;
    this.undeploy(name);
  }

  /** A deployment was deleted: its model is unloaded once no deployment uses it. */
  undeploy(name: string): void {
    const t = this.#deployments.get(name);
    if (!t) return;
    this.#deployments.delete(name);
    if (t.shared) this.#release(t.shared, name);
  }

  close(): Promise<void> {
    return (this.#closing ??= (async () => {
      this.#deployments.clear();
      const all = [...this.#shared.values()];
      this.#shared.clear();
      for (const s of all) s.ctl.abort(new WeirError('closing', 'the server is shutting down', { status: 503 }));
      await Promise.all(all.map((s) => s.promise.then((m) => m.dispose(), () => {}).catch(() => {})));
    })());
  }

  /** Deployments created while this process runs are tracked at once; others (another process, a restart) on first use. */
  async #track(name: string): Promise<Tracked | undefined> {
    if (!this.#deployments.has(name)) {
      const row = await this.store.deployments.get(name);
      // Checked again: another call may have started it while the store answered.
      if (row?.kind === 'model' && !this.#deployments.has(name)) this.deploy(row);
    }
    return this.#deployments.get(name);
  }

  /** After the catalog answers, finding or starting the shared load is synchronous: one load per key. */
  async #acquire(model: string, o: ModelDeploymentOptions, user: string): Promise<Shared> {
    if (this.#closing) throw new WeirError('closing', 'the server is shutting down', { status: 503 });
    const found = await this.catalog.get(model);
    if (this.#closing) throw new WeirError('closing', 'the server is shutting down', { status: 503 });
    if (!found) throw new WeirError('model_not_found', `model "${model}" is no longer in the catalog`, { status: 404 });
    const remote = found.source.kind === 'remote';
    const entry: ModelEntry = remote && o.remoteModel ? { ...found, source: { kind: 'remote', model: o.remoteModel } } : found;
    const key = JSON.stringify([entry.id, entry.provider, remote ? null : o.contextSize ?? null, remote ? o.connection ?? null : null, remote ? o.remoteModel ?? null : null]);
    const s = this.#shared.get(key) ?? this.#load(key, entry, o);
    s.users.add(user);
    return s;
  }

  #load(key: string, entry: ModelEntry, o: ModelDeploymentOptions): Shared {
    const ctl = new AbortController();
    const s: Shared = { key, users: new Set(), ctl, promise: undefined as never };
    // Registered before the provider starts, so an embedder asked for during load finds it.
    this.#shared.set(key, s);
    const embedder = async () => {
      if (this.#shared.get(key) !== s) throw new WeirError('model_not_ready', `model "${entry.id}" was unloaded`, { status: 503 });
      return (await this.#acquire(DEFAULT_EMBEDDING_MODEL, {}, borrower(key))).promise;
    };
    s.promise = (async () => {
      if (entry.source.kind === 'local' && !existsSync(entry.source.path)) {
        throw new WeirError('model_file_missing', `the model file ${entry.source.path} of "${entry.id}" does not exist`, { status: 503 });
      }
      // Providers (and their inference libraries) are imported on first load: a server that only
      // serves flows never pays for them.
      this.#providers ??= (await import('../models/providers/index.ts')).PROVIDERS;
      this.#threads ??= (await import('../models/threads.ts')).defaultThreads();
      const provider = this.#providers[entry.provider];
      if (!provider) throw new WeirError('provider_unknown', `no provider "${entry.provider}" for model "${entry.id}"`, { status: 503 });
      const model = await provider.load(entry, {
        threads: this.#threads,
        ...(o.contextSize !== undefined ? { contextSize: o.contextSize } : {}),
        ...(entry.source.kind === 'remote' ? { remote: await this.#remote(o.connection) } : {}),
        embedder,
        signal: ctl.signal,
      });
      s.loadedAt = Date.now();
      return model;
    })();
    s.promise.then(
      (m) => {
        // Deleted (or shut down) while it loaded: nobody will ask for it.
        if (this.#shared.get(key) !== s) void m.dispose().catch(() => {});
      },
      () => {
        // A failed load is not kept: the next deployment of the same model tries again.
        if (this.#shared.get(key) === s) this.#shared.delete(key);
        this.#releaseBorrowed(key);
      },
    );
    return s;
  }

  #release(s: Shared, user: string): void {
    s.users.delete(user);
    if (s.users.size || this.#shared.get(s.key) !== s) return;
    this.#shared.delete(s.key);
    s.ctl.abort(new WeirError('unloaded', 'no deployment uses this model any more', { status: 503 }));
    void s.promise.then((m) => m.dispose(), () => {}).catch(() => {});
    this.#releaseBorrowed(s.key);
  }

  /** Models borrowed by the model under `key` (the extractive model's embedder). */
  #releaseBorrowed(key: string): void {
    for (const other of [...this.#shared.values()]) if (other.users.has(borrower(key))) this.#release(other, borrower(key));
  }

  async #remote(name: string | undefined): Promise<RemoteSettings> {
    if (!name) throw new WeirError('connection_required', 'a remote model needs a connection', { status: 422 });
    const c = await this.store.connections.resolve(name);
    if (!c) throw new WeirError('connection_not_found', `connection "${name}" not found`, { status: 404 });
    const s = c.settings;
    const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
    const baseUrl = str(s.base_url);
    if (!baseUrl) throw new WeirError('connection_invalid', `connection "${name}" has no settings.base_url`, { status: 422 });
    const apiVersion = str(s.api_version);
    const flavor = s.flavor === 'azure' || s.flavor === 'openai' ? s.flavor : apiVersion ? 'azure' : 'openai';
    const headers = s.headers && typeof s.headers === 'object' ? Object.fromEntries(Object.entries(s.headers).filter(([, v]) => typeof v === 'string')) as Record<string, string> : undefined;
    return {
      baseUrl, flavor,
      ...(c.secrets.api_key ? { apiKey: c.secrets.api_key } : {}),
      ...(apiVersion ? { apiVersion } : {}),
      ...(headers ? { headers } : {}),
      ...(typeof s.timeout_ms === 'number' && s.timeout_ms > 0 ? { timeoutMs: s.timeout_ms } : {}),
    };
  }
}
