/**
 * Compute quota for local models, as Azure's open models draw on VM-core quota rather than tokens:
 * this instance declares the memory it offers local deployments (WEIR_COMPUTE_MEMORY_MB, default
 * three quarters of the machine's), and a local model deployment that would not fit beside the
 * models already deployed is refused, saying what is left. Deployments sharing one loaded model
 * (same model, same context size) count it once.
 *
 * What a model needs is estimated, not measured: its weights (the file size) and a fifth more for
 * the runtime and its context, or 256 MiB for the small shipped models whose size is not listed.
 * Threads are declared (WEIR_THREADS, what inference uses) and shown, not divided: local models
 * take turns on them rather than holding some each.
 */
import os from 'node:os';
import { WeirError } from '../../errors.ts';
import { isLocal, type ModelCatalog } from '../../models/catalog.ts';
import type { ModelEntry } from '../../models/types.ts';
import type { ModelDeploymentOptions, Store } from '../../store/types.ts';

const MIB = 1024 * 1024;
const UNLISTED_MODEL_BYTES = 256 * MIB;

export interface ComputeOffer {
  threads: number;
  memoryBytes: number;
}

export interface ComputeUse {
  offer: ComputeOffer;
  usedBytes: number;
  leftBytes: number;
  /** One per loaded model: what it needs and the deployments that share it. */
  models: { model: string; contextSize: number | null; memoryBytes: number; deployments: string[] }[];
}

/** The memory a local model needs loaded (an estimate: see above). */
export function memoryNeed(entry: Pick<ModelEntry, 'fileSizeBytes'>): number {
  return entry.fileSizeBytes ? Math.ceil(entry.fileSizeBytes * 1.2) : UNLISTED_MODEL_BYTES;
}

export function computeOfferFromEnv(env: Record<string, string | undefined>, threads: number): ComputeOffer {
  const raw = env.WEIR_COMPUTE_MEMORY_MB;
  if (raw === undefined || raw === '') return { threads, memoryBytes: Math.floor((os.totalmem() * 0.75) / MIB) * MIB };
  const mb = Number(raw);
  if (!Number.isSafeInteger(mb) || mb < 1) throw new WeirError('invalid_config', `WEIR_COMPUTE_MEMORY_MB must be a positive whole number of MiB, not "${raw}"`);
  return { threads, memoryBytes: mb * MIB };
}

const loadKey = (model: string, o: ModelDeploymentOptions | null) => `${model}\u0000${o?.contextSize ?? ''}`;

export class Compute {
  constructor(
    private readonly store: Store,
    private readonly catalog: ModelCatalog,
    readonly offer: ComputeOffer,
  ) {}

  async use(): Promise<ComputeUse> {
    const loaded = new Map<string, ComputeUse['models'][number]>();
    for (const d of await this.store.deployments.list()) {
      const entry = d.kind === 'model' && (await this.catalog.get(d.model!));
      if (!entry || !isLocal(entry)) continue;
      const key = loadKey(d.model!, d.options);
      const m = loaded.get(key) ?? { model: d.model!, contextSize: d.options?.contextSize ?? null, memoryBytes: memoryNeed(entry), deployments: [] };
      m.deployments.push(d.name);
      loaded.set(key, m);
    }
    const models = [...loaded.values()];
    const usedBytes = models.reduce((n, m) => n + m.memoryBytes, 0);
    return { offer: this.offer, usedBytes, leftBytes: Math.max(0, this.offer.memoryBytes - usedBytes), models };
  }

  /** Refuses a new local deployment of `entry` that would not fit (nothing to check when it shares a model already loaded). */
  async check(entry: ModelEntry, o: ModelDeploymentOptions): Promise<void> {
    if (!isLocal(entry)) return;
    const u = await this.use();
    if (u.models.some((m) => loadKey(m.model, m.contextSize === null ? null : { contextSize: m.contextSize }) === loadKey(entry.id, o))) return;
    const need = memoryNeed(entry);
    if (need > u.leftBytes) {
      const mb = (n: number) => `${Math.ceil(n / MIB)} MiB`;
      throw new WeirError('compute_exceeded', `model "${entry.id}" needs about ${mb(need)} of memory; this instance offers local models ${mb(u.offer.memoryBytes)}, ${mb(u.usedBytes)} in use by ${u.models.map((m) => m.model).join(', ') || 'nothing'}, ${Math.floor(u.leftBytes / MIB)} MiB left (WEIR_COMPUTE_MEMORY_MB sets the offer)`, { status: 409, path: ['model'] });
    }
  }
}
