/**
 * Tokens-per-minute quota, as Azure OpenAI has it: each remote model has a pool (set by the
 * operator, or the configured default), and each deployment of the model takes an allocation out
 * of it. An allocation beyond what the pool has left is refused, naming model, pool, allocated and
 * left. Local models are not in pools: they draw on this machine's compute instead.
 *
 * Checking what is left and storing the allocation are two steps: two operators allocating the
 * last of a pool at the same moment on two instances could both succeed. The management API is
 * an operator's, and the next allocation sees the overrun; this is said in the README.
 */
import { WeirError } from '../../errors.ts';
import type { ModelCatalog } from '../../models/catalog.ts';
import type { ModelEntry } from '../../models/types.ts';
import type { DeploymentRow, Store } from '../../store/types.ts';

export interface QuotaSettings {
  /** A model's pool when the operator has not set one (WEIR_QUOTA_TPM). */
  defaultPoolTpm: number;
  /** A deployment created without `tpm` takes this much, or what is left if less (WEIR_DEPLOYMENT_TPM). */
  defaultAllocationTpm: number;
}

export const DEFAULT_QUOTAS: QuotaSettings = { defaultPoolTpm: 1_000_000, defaultAllocationTpm: 100_000 };

/** WEIR_QUOTA_TPM and WEIR_DEPLOYMENT_TPM, or the defaults; a value that is not a positive whole number stops the server naming it. */
export function quotaSettingsFromEnv(env: Record<string, string | undefined>): QuotaSettings {
  const read = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < 1) throw new WeirError('invalid_config', `${name} must be a positive whole number of tokens a minute, not "${raw}"`);
    return n;
  };
  return { defaultPoolTpm: read('WEIR_QUOTA_TPM', DEFAULT_QUOTAS.defaultPoolTpm), defaultAllocationTpm: read('WEIR_DEPLOYMENT_TPM', DEFAULT_QUOTAS.defaultAllocationTpm) };
}

export interface Pool {
  model: string;
  tpm: number;
  /** Set by the operator (false: the configured default). */
  set: boolean;
  allocated: number;
  left: number;
  deployments: { name: string; tpm: number }[];
}

export const isPooled = (e: Pick<ModelEntry, 'format'>): boolean => e.format === 'remote';

export class Quotas {
  constructor(
    private readonly store: Store,
    private readonly catalog: ModelCatalog,
    readonly settings: QuotaSettings = DEFAULT_QUOTAS,
  ) {}

  /** A deployment's allocation: what it was given, or (a deployment from before quotas) the default. */
  allocationOf(d: DeploymentRow): number | undefined {
    if (d.kind !== 'model') return undefined;
    return d.options?.tpm ?? (d.options?.connection !== undefined ? this.settings.defaultAllocationTpm : undefined);
  }

  async #pooledEntry(model: string, path: string[]): Promise<ModelEntry> {
    const entry = await this.catalog.get(model);
    if (!entry) throw new WeirError('model_not_found', `model "${model}" is not in the catalog (GET /api/models)`, { status: 404, path });
    if (!isPooled(entry)) throw new WeirError('not_token_metered', `model "${model}" runs locally: it draws on this machine's compute, not a tokens-per-minute pool`, { status: 400, path });
    return entry;
  }

  async pool(model: string): Promise<Pool> {
    await this.#pooledEntry(model, ['model']);
    return this.#pool(model);
  }

  async #pool(model: string): Promise<Pool> {
    const [row, all] = await Promise.all([this.store.quotas.get(model), this.store.deployments.list()]);
    const deployments = all.filter((d) => d.kind === 'model' && d.model === model).map((d) => ({ name: d.name, tpm: this.allocationOf(d) ?? 0 }));
    const tpm = row?.tpm ?? this.settings.defaultPoolTpm;
    const allocated = deployments.reduce((n, d) => n + d.tpm, 0);
    return { model, tpm, set: row !== undefined, allocated, left: Math.max(0, tpm - allocated), deployments };
  }

  /** Pools of every remote model that has a deployment or a pool set. */
  async list(): Promise<Pool[]> {
    const [rows, all] = await Promise.all([this.store.quotas.list(), this.store.deployments.list()]);
    const models = new Set([...rows.map((r) => r.model), ...all.filter((d) => d.kind === 'model' && d.options?.connection !== undefined).map((d) => d.model!)]);
    return Promise.all([...models].sort().map((m) => this.#pool(m)));
  }

  /** Sets a model's pool; never below what its deployments already hold. */
  async setPool(model: string, tpm: number): Promise<Pool> {
    await this.#pooledEntry(model, ['model']);
    const p = await this.#pool(model);
    if (tpm < p.allocated) {
      throw new WeirError('quota_exceeded', `model "${model}": a pool of ${tpm} tokens a minute is less than the ${p.allocated} its deployments hold (${p.deployments.map((d) => `${d.name} ${d.tpm}`).join(', ')}); lower their allocations first`, { status: 409, path: ['tpm'] });
    }
    await this.store.quotas.put(model, tpm);
    return { ...p, tpm, set: true, left: tpm - p.allocated };
  }

  /**
   * The allocation a deployment of `model` gets: `asked`, or the default (or what is left, if
   * less); refused when the pool has not that much left. `replacing`: the deployment whose current
   * allocation is given back first (a PATCH). Undefined for local models (no pool).
   */
  async allocate(model: string, asked: number | undefined, replacing?: string): Promise<number | undefined> {
    const entry = await this.catalog.get(model);
    if (!entry || !isPooled(entry)) {
      if (asked !== undefined) throw new WeirError('not_token_metered', `model "${model}" runs locally: tpm applies to remote models (local ones draw on this machine's compute)`, { status: 400, path: ['tpm'] });
      return undefined;
    }
    const p = await this.#pool(model);
    const held = p.deployments.find((d) => d.name === replacing)?.tpm ?? 0;
    const left = p.tpm - (p.allocated - held);
    const tpm = asked ?? Math.min(this.settings.defaultAllocationTpm, left);
    if (tpm > left || tpm < 1) {
      throw new WeirError('quota_exceeded', `model "${model}": ${asked === undefined ? 'no tokens a minute are' : `${tpm} tokens a minute are not`} left in its pool of ${p.tpm} (${p.allocated - held} allocated, ${Math.max(0, left)} left); PUT /api/quotas/${model} to raise the pool or lower another deployment's tpm`, { status: 409, path: ['tpm'] });
    }
    return tpm;
  }
}
