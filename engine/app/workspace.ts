import { WebApps } from './web-apps.ts';
import { FlowValidationError, WeirError, type Problem } from '../errors.ts';
import { compileFlow, type Plan } from '../flow/compile.ts';
import { limitProblems, UNSTORABLE } from '../flow/limits.ts';
import { flowsUsedBy } from '../flow/subflow-checks.ts';
import { validateFlow, type ValidationResult } from '../flow/validate.ts';
import type { RunHost } from '../run/node-context.ts';
import { withSubflows } from '../run/subflows.ts';
import type { NodeRegistry } from '../registry.ts';
import type { CallFilter, DeploymentRow, Store, StoredCall, VersionRow } from '../store/types.ts';
import { MemoryBus } from '../bus/memory-bus.ts';
import type { Bus } from '../bus/types.ts';
import { Changes } from './changes.ts';
import { Connections } from './connections.ts';
import { ModelPulls } from './model-pulls.ts';
import { Gateway } from './gateway/gateway.ts';
import { Prices } from './gateway/prices.ts';
import { Safety } from './gateway/safety.ts';
import { safetyHost } from './gateway/safety-classifiers.ts';
import { Compute, type ComputeOffer } from './gateway/compute.ts';
import { DEFAULT_QUOTAS, Quotas, type QuotaSettings } from './gateway/quotas.ts';
import { CACHE_MAX_AGE_MS, Deployments } from './deployments.ts';
import { ModelCatalog } from '../models/catalog.ts';
import { flowHash, readFlowSource } from './flow-source.ts';
import { refreshAtPublish } from './publish-refresh.ts';
import { Flows } from './flows.ts';
import { DataIndexes } from './data/indexes.ts';
import { ModelDeployments } from './model-deployments.ts';
import { RunService } from './runs.ts';
import { BatchRuns } from './batch/batch-runs.ts';
import { RUNS_QUEUE, RunJobs } from './run-jobs.ts';
import { MONITOR_QUEUE, Monitors } from './monitor/monitors.ts';
import { shippedEvaluator } from './monitor/evaluators.ts';
import { StoreQueue } from '../queue/store-queue.ts';
import type { WorkQueue } from '../queue/types.ts';
import { servedVersion } from './traffic.ts';
import { usageReport, type UsageQuery } from './usage-report.ts';
import type { Telemetry } from '../telemetry/telemetry.ts';

const MAX_CACHED_PLANS = 256;

/**
 * Background jobs this process runs at once: `runs` async runs, `ingest` ingestion jobs (0: none of
 * that kind — `weir serve --workers 0` only serves, `weir data` only ingests).
 */
export interface Workers {
  runs: number;
  ingest: number;
}
export const DEFAULT_WORKERS: Workers = { runs: 4, ingest: 2 };

export interface WorkspaceOptions {
  bus?: Bus;
  queue?: WorkQueue;
  workers?: Workers;
  runTimeoutMs?: number;
  quotas?: QuotaSettings;
  /** What this instance offers local model deployments (weir serve reads it from the environment; unlimited when absent). */
  compute?: ComputeOffer;
  /** OpenTelemetry, when traces are exported (its owner, the server, shuts it down). */
  telemetry?: Telemetry;
}

/** Throws (422, with the problems) when any problem keeps a draft from being stored. */
function refuseUnstorable(problems: Problem[], definition: unknown): void {
  const blocking = problems.filter((p) => UNSTORABLE.has(p.code));
  const name = (definition as { name?: unknown } | null)?.name;
  if (blocking.length) throw new FlowValidationError(blocking, typeof name === 'string' ? name : undefined);
}

/**
 * Everything the API needs, over one store and one node registry: compiled plans (cached by
 * content, so many runs share one), publishing, traffic routing and the host runs get.
 */
export class Workspace {
  readonly runs: RunService;
  /** Built-in models plus the ones registered in the store. */
  readonly catalog: ModelCatalog;
  /** Model deployments and the models loaded for them. */
  readonly models: ModelDeployments;
  /** Downloads of model weights started from the studio. */
  readonly pulls: ModelPulls;
  /** Data indexes ("add your data") and their ingestion jobs. */
  readonly data: DataIndexes;
  readonly host: RunHost;
  /** Deployments and keys, with the caches published calls read. */
  readonly deployments: Deployments;
  /** What this instance changed, told to the others sharing the bus (and theirs to this one). */
  readonly changes: Changes;
  /** Drafts and versions as the API reads and saves them. */
  readonly flows: Flows;
  readonly connections: Connections;
  /** The one path every deployment call takes: keys, limits and quotas, metering. */
  readonly gateway: Gateway;
  /** The memory this instance offers local model deployments, and what they use. */
  readonly compute: Compute;
  /** Background work (async runs, ingestion) any instance's workers take. */
  readonly queue: WorkQueue;
  readonly runJobs: RunJobs;
  /** Batch runs (and evaluation runs): jobs on the queue. */
  readonly batches: BatchRuns;
  readonly bus: Bus;
  /** Spans for runs, nodes and model calls; undefined when traces are not exported. */
  readonly telemetry: Telemetry | undefined;
  /** Deployments' monitors: sampling, scoring (queue jobs) and alerts. */
  readonly monitors: Monitors;
  /** Deployments' chat web apps: settings, visitors' conversations and feedback. */
  readonly webApps: WebApps;
  readonly #plans = new Map<string, Plan>();
  /** Versions are immutable, so each is read from the store once. */
  readonly #versions = new Map<string, VersionRow>();

  /**
   * `bus` and `queue` are shared with the other instances (Redis); without them, this process is
   * alone and its queue lives in the store. The workspace closes the queue.
   */
  constructor(readonly store: Store, readonly registry: NodeRegistry, opts: WorkspaceOptions = {}) {
    const bus = (this.bus = opts.bus ?? new MemoryBus());
    this.queue = opts.queue ?? new StoreQueue(store);
    this.telemetry = opts.telemetry;
    this.runs = new RunService(store, { bus, charge: (keyId, usage) => this.gateway.chargeRun(keyId, usage), telemetry: opts.telemetry });
    this.catalog = new ModelCatalog(() => store.models.list());
    this.models = new ModelDeployments(store, this.catalog);
    this.pulls = new ModelPulls(store, this.catalog);
    this.changes = new Changes(bus);
    const quotas = new Quotas(store, this.catalog, opts.quotas ?? DEFAULT_QUOTAS);
    this.compute = new Compute(store, this.catalog, opts.compute ?? { threads: 1, memoryBytes: Number.MAX_SAFE_INTEGER });
    this.deployments = new Deployments(store, this.models, this.changes, quotas, this.compute);
    this.gateway = new Gateway(bus, this.deployments, quotas, this.runs.usage, new Prices(store, this.catalog), new Safety(store, safetyHost({ store, catalog: this.catalog, models: this.models, gateway: () => this.gateway })));
    this.changes.on((c) => {
      if (c.kind === 'flow') this.#forgetFlow(c.name);
      if (c.kind === 'all') this.#latest.clear();
    });
    this.data = new DataIndexes(store, store.dir, (model) => this.models.use(model), bus, this.queue);
    this.flows = new Flows(store, (definition, locate) => this.validateDraft(definition, locate));
    this.connections = new Connections(store);
    this.host = withSubflows(
      {
        connection: async (name) => {
          const c = await store.connections.resolve(name);
          if (!c) throw new WeirError('connection_not_found', `connection "${name}" not found`, { status: 404 });
          return c;
        },
        model: async (ref) => ('deployment' in ref ? this.gateway.flowModel(ref.deployment, await this.models.get(ref.deployment)) : this.gateway.connectionModel(await this.models.connectionModel(ref.connection, ref.model))),
        searchIndex: (index, query, opts) => this.data.search(index, query, opts),
      },
      (name) => this.latestPlan(name),
    );
    this.runJobs = new RunJobs(this, opts.runTimeoutMs ? { ...RUNS_QUEUE, timeoutMs: opts.runTimeoutMs } : RUNS_QUEUE);
    this.batches = new BatchRuns(this);
    this.monitors = new Monitors({
      store, queue: this.queue, host: this.host,
      evaluatorPlan: async (e) => (e.evaluator !== undefined ? this.#planOf(`evaluator:${e.evaluator}`, await shippedEvaluator(e.evaluator), e.evaluator) : this.latestPlan(e.flow!)),
      connection: (name) => store.connections.resolve(name),
    });
    this.webApps = new WebApps({ store, deployments: this.deployments, catalog: this.catalog, version: (flow, n) => this.version(flow, n) });
    this.workers = this.#startWorkers(opts.workers ?? DEFAULT_WORKERS).catch((err: unknown) => {
      console.error('could not start taking background jobs:', (err as Error).message);
      throw err;
    });
    this.workers.catch(() => {});
  }

  /** Metered usage over a range, summed as asked (GET /api/usage). */
  /** This instance's counts are written first, so a call just answered is in the report. */
  async usage(q: UsageQuery): ReturnType<typeof usageReport> {
    await this.runs.usage.flush();
    return usageReport({ store: this.store, catalog: this.catalog, prices: this.gateway.prices }, q);
  }

  /** Usage records, newest first (this instance's pending ones written first). */
  async calls(f: CallFilter): Promise<StoredCall[]> {
    await this.runs.usage.flush();
    return this.store.calls.list(f);
  }

  /** Settles once this process takes background jobs (rejects if it could not). */
  readonly workers: Promise<void>;

  async #startWorkers(o: Workers): Promise<void> {
    if (o.runs > 0) await this.queue.work(this.runJobs.spec, (job) => this.runJobs.handle(job), { concurrency: o.runs, onGiveUp: (g) => this.runJobs.giveUp(g) });
    // Sampled calls are scored by the same workers: a job is a second's samples.
    if (o.runs > 0) await this.queue.work(MONITOR_QUEUE, (job) => this.monitors.score(job), { concurrency: 1, onGiveUp: async (g) => console.error(`sampled calls (job ${g.id}) were not scored: ${g.error.message}`) });
    if (o.runs > 0) await this.queue.work(this.batches.spec, (job) => this.batches.handle(job), { concurrency: 1, onGiveUp: (g) => this.batches.giveUp(g) });
    if (o.ingest > 0) await this.data.jobs.work(o.ingest);
  }

  /** Sub-flows run their latest published version, or their draft when never published. */
  async resolveFlow(name: string): Promise<unknown> {
    return ((await this.#latestVersion(name)) ?? (await this.store.flows.get(name)))?.definition;
  }

  /**
   * Validation and compiling are synchronous, and look sub-flows up by name: every flow reachable
   * from `definition` through its nodes is read from the store first.
   */
  async #flowLookup(definition: unknown): Promise<(name: string) => unknown> {
    const found = new Map<string, unknown>();
    const env = { registry: this.registry };
    let next = flowsUsedBy(definition, env);
    while (next.length) {
      const names = [...new Set(next)].filter((n) => !found.has(n));
      next = [];
      for (const name of names) {
        const def = await this.resolveFlow(name);
        found.set(name, def);
        if (def !== undefined) next.push(...flowsUsedBy(def, env));
      }
    }
    return (name) => found.get(name);
  }

  /**
   * Latest published version of a flow (what sub-flows run). Publish and delete drop it on every
   * instance; like the deployments' cache it is trusted at most CACHE_MAX_AGE_MS, should a message be lost.
   */
  readonly #latest = new Map<string, { value: VersionRow | undefined; at: number }>();
  async #latestVersion(name: string): Promise<VersionRow | undefined> {
    const hit = this.#latest.get(name);
    if (hit && Date.now() - hit.at < CACHE_MAX_AGE_MS) return hit.value;
    const versions = await this.store.versions.list(name);
    const value = versions[versions.length - 1];
    this.#latest.set(name, { value, at: Date.now() });
    return value;
  }

  async validate(definition: unknown, locate?: Parameters<typeof validateFlow>[2]): Promise<ValidationResult> {
    const resolveFlow = await this.#flowLookup(definition);
    return validateFlow(definition, { registry: this.registry, resolveFlow }, locate);
  }

  /** The limits alone (cheap): checked before a JSON draft is written out as YAML. */
  checkLimits(definition: unknown): void {
    refuseUnstorable(limitProblems(definition), definition);
  }

  /**
   * Validates a draft before it is stored. A draft may be kept with problems (the studio saves as
   * the user types, and a stored draft with a broken shape opens in its YAML view), but not one the
   * server could not serve back: nested past the limit, a YAML alias that holds itself, more nodes
   * than a flow may have, or not a mapping. Those are refused with their problems, and nothing is stored.
   */
  async validateDraft(definition: unknown, locate?: Parameters<typeof validateFlow>[2]): Promise<ValidationResult> {
    const result = await this.validate(definition, locate);
    refuseUnstorable(result.problems, definition);
    return result;
  }

  async #planOf(key: string, definition: unknown, name: string): Promise<Plan> {
    if (definition === undefined) throw new WeirError('flow_not_found', `flow "${name}" not found`, { status: 404 });
    // Hashing recurses per level: a draft stored past the limits (by an older version) is refused first.
    this.checkLimits(definition);
    const full = `${key}:${flowHash(definition)}`;
    const plan = this.#plans.get(full);
    return plan ?? this.#cachePlan(full, await this.#compile(definition));
  }

  async #compile(definition: unknown): Promise<Plan> {
    return compileFlow(definition, { registry: this.registry, resolveFlow: await this.#flowLookup(definition) });
  }

  /** A flow's latest published version's plan, or its draft's when it was never published. */
  async latestPlan(name: string): Promise<Plan> {
    const v = await this.#latestVersion(name);
    return v ? this.versionPlan(v) : this.draftPlan(name);
  }

  async draftPlan(name: string): Promise<Plan> {
    return this.#planOf(`draft:${name}`, (await this.store.flows.get(name))?.definition, name);
  }

  /** Keyed by the (cached, immutable) row: a published call finds its plan without building a key. */
  readonly #versionPlans = new WeakMap<VersionRow, Plan>();

  async versionPlan(v: VersionRow): Promise<Plan> {
    let plan = this.#versionPlans.get(v);
    if (!plan) {
      const key = `v:${v.flow}:${v.number}:${v.hash}`;
      plan = this.#plans.get(key) ?? this.#cachePlan(key, await this.#compile(v.definition));
      this.#versionPlans.set(v, plan);
    }
    return plan;
  }

  #cachePlan(key: string, plan: Plan): Plan {
    if (this.#plans.size >= MAX_CACHED_PLANS) this.#plans.delete(this.#plans.keys().next().value!);
    this.#plans.set(key, plan);
    return plan;
  }

  /**
   * Deletes a flow's draft and versions; refused while a deployment serves it. Every instance
   * forgets what it cached of the flow.
   */
  async deleteFlow(name: string): Promise<boolean> {
    const using = (await this.store.deployments.list()).filter((d) => d.flow === name).map((d) => d.name);
    if (using.length) throw new WeirError('flow_in_use', `flow "${name}" is deployed (${using.join(', ')}); delete those deployments first`, { status: 409 });
    const deleted = await this.store.flows.delete(name);
    if (deleted) await this.changes.announce({ kind: 'flow', name });
    return deleted;
  }

  /** A flow was published or deleted (here or elsewhere): drop what was cached of it. */
  #forgetFlow(flow: string): void {
    this.#latest.delete(flow);
    for (const k of this.#versions.keys()) if (k.startsWith(`${flow}\u0000`)) this.#versions.delete(k);
  }

  async version(flow: string, number: number): Promise<VersionRow | undefined> {
    const key = `${flow}\u0000${number}`;
    let v = this.#versions.get(key);
    if (!v) {
      v = await this.store.versions.get(flow, number);
      if (v) this.#versions.set(key, v);
    }
    return v;
  }

  /** Stops runs and jobs and writes the usage counted so far; close the store after this. */
  async close(): Promise<void> {
    // The last samples go to the queue before it closes.
    await this.monitors.close();
    // Jobs first: what they run is handed back to the queue, not recorded as cancelled.
    await this.queue.close();
    const jobs = this.data.jobs.close();
    // Disposal finishes in the background; the server awaits `models.close()` itself.
    void this.models.close();
    this.pulls.close();
    await this.runs.stopAll();
    await jobs;
    await this.data.close();
    await this.changes.close();
  }

  /** Publishing unchanged content returns the version that already has it. */
  async publish(name: string, message: string, author: string): Promise<{ version: VersionRow; created: boolean }> {
    let draft = await this.store.flows.get(name);
    if (!draft) throw new WeirError('flow_not_found', `flow "${name}" not found`, { status: 404 });
    // What node types work out at publish (a Python signature from its code) goes into the draft too,
    // so the draft shows what the version holds.
    const refreshed = await refreshAtPublish(draft.definition, this.registry);
    if (refreshed !== undefined) draft = (await this.flows.save(name, readFlowSource(refreshed, 'application/json', draft.format === 'yaml' ? draft.source : undefined))).row;
    const result = await this.validate(draft.definition);
    if (!result.ok) throw new FlowValidationError(result.problems.filter((p) => p.severity !== 'warning'), name);
    const hash = flowHash(draft.definition);
    const existing = await this.store.versions.byHash(name, hash);
    if (existing) return { version: existing, created: false };
    const version = await this.store.versions.create({ flow: name, hash, message, author, source: draft.source, definition: draft.definition });
    await this.changes.announce({ kind: 'flow', name });
    return { version, created: true };
  }

  /** The version that serves one call: pinned by the caller, or drawn by traffic weight. */
  async pickVersion(d: DeploymentRow, pinned: number | undefined): Promise<VersionRow> {
    const number = servedVersion(d, pinned);
    const v = await this.version(d.flow!, number);
    if (!v) throw new WeirError('version_not_found', `version ${number} of flow "${d.flow}" not found`, { status: 404 });
    return v;
  }
}
