import { WeirError } from '../errors.ts';
import type { DeploymentRow, KeyRow, ModelDeploymentOptions, SharedKeyRow, Store, TrafficSplit, VerifiedKey, WebAppSettings } from '../store/types.ts';
import type { Changes } from './changes.ts';
import type { ModelDeployments } from './model-deployments.ts';
import type { Compute } from './gateway/compute.ts';
import type { Quotas } from './gateway/quotas.ts';

/**
 * How long a cached deployment or verified key is trusted without hearing of a change. Changes made
 * through any instance reach the others at once over the bus; this bounds what a lost message (a bus
 * that was away) can cost: at most this long serving a revoked key or an old traffic split.
 */
export const CACHE_MAX_AGE_MS = 1000;
const MAX_CACHED_KEYS = 10_000;

/** Whether a verified key opens the deployment (its own key, or a shared key naming it or all). */
export const keyOpens = (key: { opens: string[] | '*' }, deployment: string): boolean => key.opens === '*' || key.opens.includes(deployment);
/** A key's last use is stored to about this precision. */
const LAST_USED_EVERY_MS = 60_000;

interface Cached<T> {
  value: T;
  at: number;
}

export interface NewFlowDeployment {
  name: string;
  flow: string;
  traffic?: TrafficSplit[];
  traceSampleRate: number;
  /** Calls a minute across every caller and instance. */
  rpm?: number;
  /** The content-safety policy its calls pass (absent: 'default'). */
  safetyPolicy?: string;
}

/** What a PATCH may change; `rpm: null` lifts a flow deployment's limit. */
export interface DeploymentPatch {
  traffic?: TrafficSplit[];
  traceSampleRate?: number;
  tpm?: number;
  rpm?: number | null;
  safetyPolicy?: string;
  /** The whole web app settings (merged and checked by WebApps). */
  webApp?: WebAppSettings;
}

export interface NewModelDeployment {
  name: string;
  model: string;
  options: ModelDeploymentOptions;
  traceSampleRate: number;
}

const notFound = (name: string) => new WeirError('deployment_not_found', `deployment "${name}" not found`, { status: 404 });

/**
 * Deployments and their keys: every change goes through here, so the caches the published endpoints
 * read on each call (the deployment row, verified keys) are dropped here and on every other instance.
 */
export class Deployments {
  readonly #rows = new Map<string, Cached<DeploymentRow>>();
  readonly #keys = new Map<string, Cached<VerifiedKey>>();

  constructor(
    private readonly store: Store,
    private readonly models: ModelDeployments,
    private readonly changes: Changes,
    private readonly quotas: Quotas,
    private readonly compute: Compute,
  ) {
    changes.on((c) => {
      if (c.kind === 'deployment' || c.kind === 'all') this.#forget(c.kind === 'all' ? undefined : c.name);
      if (c.kind === 'keys' || c.kind === 'all') this.#keys.clear();
    });
  }

  /** The deployment a call names, cached (published calls read it every time). */
  async cached(name: string): Promise<DeploymentRow | undefined> {
    const hit = this.#rows.get(name);
    if (hit && Date.now() - hit.at < CACHE_MAX_AGE_MS) return hit.value;
    const row = await this.store.deployments.get(name);
    if (row) this.#rows.set(name, { value: row, at: Date.now() });
    else this.#rows.delete(name);
    return row;
  }

  /** The deployment, read from the store (the management API shows what is stored); 404 if none. */
  async get(name: string): Promise<DeploymentRow> {
    const row = await this.store.deployments.get(name);
    if (!row) throw notFound(name);
    return row;
  }

  list(): Promise<DeploymentRow[]> {
    return this.store.deployments.list();
  }

  async createFlow(d: NewFlowDeployment): Promise<DeploymentRow> {
    if (!(await this.store.flows.get(d.flow))) throw new WeirError('flow_not_found', `flow "${d.flow}" not found`, { status: 404, path: ['flow'] });
    if (await this.store.deployments.get(d.name)) throw exists(d.name);
    const versions = await this.store.versions.list(d.flow);
    if (!versions.length && !d.traffic) throw new WeirError('not_published', `flow "${d.flow}" has no published version yet (POST /api/flows/${d.flow}/publish)`, { status: 422, path: ['flow'] });
    const traffic = d.traffic ?? [{ version: versions[versions.length - 1].number, weight: 100 }];
    await this.#checkTraffic(d.flow, traffic);
    const row = await this.store.deployments.create({ name: d.name, kind: 'flow', flow: d.flow, traffic, traceSampleRate: d.traceSampleRate, options: d.rpm === undefined && d.safetyPolicy === undefined ? null : { ...(d.rpm !== undefined ? { rpm: d.rpm } : {}), ...(d.safetyPolicy !== undefined ? { safetyPolicy: d.safetyPolicy } : {}) } });
    await this.changes.announce({ kind: 'deployment', name: row.name });
    return row;
  }

  /** Stores a model deployment and starts loading its model here (other instances load on first use). */
  async createModel(d: NewModelDeployment): Promise<DeploymentRow> {
    const entry = await this.models.check(d.model, d.options);
    if (await this.store.deployments.get(d.name)) throw exists(d.name);
    // A remote model's allocation comes out of its pool, a local model's memory out of this
    // instance's compute (each refused when there is not enough left).
    const tpm = await this.quotas.allocate(d.model, d.options.tpm);
    await this.compute.check(entry, d.options);
    const options = { ...d.options, ...(tpm !== undefined ? { tpm } : {}) };
    const row = await this.store.deployments.create({ name: d.name, kind: 'model', flow: null, model: d.model, options, traffic: [], traceSampleRate: d.traceSampleRate });
    await this.changes.announce({ kind: 'deployment', name: row.name });
    this.models.deploy(row);
    return row;
  }

  /** Changes take effect on the next call on every instance: blue/green, canary, rollback, a new allocation or rate. */
  async update(name: string, patch: DeploymentPatch): Promise<DeploymentRow> {
    const d = await this.get(name);
    const only = (field: 'traffic' | 'rpm' | 'tpm', kind: DeploymentRow['kind']) => {
      if (patch[field] !== undefined && d.kind !== kind) throw new WeirError('invalid_request', `${field} applies to ${kind} deployments only`, { status: 400, path: [field] });
    };
    only('traffic', 'flow');
    only('rpm', 'flow');
    only('tpm', 'model');
    if (patch.traffic) await this.#checkTraffic(d.flow!, patch.traffic);
    let options = d.options;
    if (patch.tpm !== undefined) options = { ...options, tpm: await this.quotas.allocate(d.model!, patch.tpm, name) };
    if (patch.safetyPolicy !== undefined) options = { ...options, safetyPolicy: patch.safetyPolicy };
    if (patch.webApp !== undefined) options = { ...options, webApp: patch.webApp };
    if (patch.rpm !== undefined) {
      const { rpm: _old, ...rest } = options ?? {};
      options = patch.rpm === null ? (Object.keys(rest).length ? rest : null) : { ...rest, rpm: patch.rpm };
    }
    const updated = await this.store.deployments.update(name, { traffic: patch.traffic, traceSampleRate: patch.traceSampleRate, ...(options !== d.options ? { options } : {}) });
    if (!updated) throw notFound(name);
    // Announced after the write: a call in between would cache the old row again.
    await this.changes.announce({ kind: 'deployment', name });
    return updated;
  }

  /** Removes it with its keys; its runs and usage stay as history. */
  async delete(name: string): Promise<void> {
    await this.get(name);
    const deleted = await this.store.deployments.delete(name);
    this.models.undeploy(name);
    await this.changes.announce({ kind: 'deployment', name });
    await this.changes.announce({ kind: 'keys', deployment: name });
    if (!deleted) throw notFound(name);
  }

  /** `expiresAt`: the key is refused from then on (rotation: create the new key, move callers, revoke the old). */
  async createKey(deployment: string, keyName: string, opts: { expiresAt?: number | null; rpm?: number | null; tpm?: number | null } = {}): Promise<{ row: KeyRow; secret: string }> {
    await this.get(deployment);
    return this.store.keys.create(deployment, keyName, opts);
  }

  async listKeys(deployment: string): Promise<KeyRow[]> {
    await this.get(deployment);
    return this.store.keys.list(deployment);
  }

  /** A key that opens the named deployments, or all ('*'), as an Azure resource key or an OpenAI project key does. */
  createSharedKey(keyName: string, deployments: string[] | '*', opts: { expiresAt?: number | null; rpm?: number | null; tpm?: number | null } = {}): Promise<{ row: SharedKeyRow; secret: string }> {
    return this.store.keys.createShared(keyName, { deployments, ...opts });
  }

  listSharedKeys(): Promise<SharedKeyRow[]> {
    return this.store.keys.listShared();
  }

  /** Refused on the next call, on every instance. */
  async revokeSharedKey(id: string): Promise<void> {
    const revoked = await this.store.keys.revokeShared(id);
    await this.changes.announce({ kind: 'keys', deployment: '*' });
    if (!revoked) throw new WeirError('key_not_found', `key ${id} not found`, { status: 404 });
  }

  /** Usable keys per deployment (the studio's list shows the count). */
  async activeKeyCount(deployment: string): Promise<number> {
    const now = Date.now();
    return (await this.store.keys.list(deployment)).filter((k) => k.revokedAt === null && (k.expiresAt === null || k.expiresAt > now)).length;
  }

  /** A revoked key is refused on the next call, on every instance. */
  async revokeKey(deployment: string, id: string): Promise<void> {
    await this.get(deployment);
    const revoked = await this.store.keys.revoke(deployment, id);
    await this.changes.announce({ kind: 'keys', deployment });
    if (!revoked) throw new WeirError('key_not_found', `key ${id} not found`, { status: 404 });
  }

  /**
   * The deployment and key a secret belongs to, if it is valid and not revoked. Verified keys are
   * remembered, so a busy endpoint checks each key against the store about once a second.
   */
  async verifyKey(secret: string): Promise<VerifiedKey | undefined> {
    const now = Date.now();
    const hit = this.#keys.get(secret);
    // An expiry is exact, cache or not: a key is refused from its expiry on.
    if (hit && now - hit.at < CACHE_MAX_AGE_MS && (hit.value.expiresAt === null || hit.value.expiresAt > now)) return this.#used(hit.value, now);
    const found = await this.store.keys.verify(secret, now);
    if (!found) {
      this.#keys.delete(secret);
      return undefined;
    }
    if (this.#keys.size >= MAX_CACHED_KEYS) this.#keys.clear();
    this.#keys.set(secret, { value: found, at: now });
    return this.#used(found, now);
  }

  /** Last use written at most once a minute per key from this instance, off the call's path. */
  readonly #lastUse = new Map<string, number>();
  #used(key: VerifiedKey, now: number): VerifiedKey {
    const last = this.#lastUse.get(key.keyId);
    if (last === undefined || now - last >= LAST_USED_EVERY_MS) {
      if (this.#lastUse.size >= MAX_CACHED_KEYS) this.#lastUse.clear();
      this.#lastUse.set(key.keyId, now);
      this.store.keys.markUsed(key.keyId, now).catch((err: unknown) => console.error(`could not record the use of key ${key.keyId}:`, (err as Error).message));
    }
    return key;
  }

  #forget(name: string | undefined): void {
    if (name === undefined) this.#rows.clear();
    else this.#rows.delete(name);
    // A model deployment deleted or changed elsewhere: let go of its model here if it no longer serves.
    for (const n of name === undefined ? this.models.names() : [name]) {
      void this.models.refresh(n).catch((err: unknown) => console.error(`model deployment "${n}" could not be checked:`, (err as Error).message));
    }
  }

  async #checkTraffic(flow: string, traffic: TrafficSplit[]): Promise<void> {
    const seen = new Set<number>();
    for (const [i, t] of traffic.entries()) {
      if (seen.has(t.version)) throw new WeirError('invalid_traffic', `version ${t.version} appears twice in traffic`, { status: 400, path: ['traffic', i] });
      seen.add(t.version);
      if (!(await this.store.versions.get(flow, t.version))) {
        throw new WeirError('version_not_found', `flow "${flow}" has no version ${t.version} (publish it first)`, { status: 422, path: ['traffic', i, 'version'] });
      }
    }
    if (traffic.reduce((s, t) => s + t.weight, 0) <= 0) throw new WeirError('invalid_traffic', 'traffic weights must add up to more than 0', { status: 400, path: ['traffic'] });
  }
}

const exists = (name: string) => new WeirError('deployment_exists', `deployment "${name}" already exists`, { status: 409, path: ['name'] });
