/**
 * Production monitoring (issue #16): a share of each monitored deployment's calls is sampled on
 * the request path (a random draw and a push onto a list: nothing else), handed to the job queue
 * once a second in one job, and scored there by the monitor's evaluators on whichever instance
 * takes the job. On its schedule, one instance (the one whose claim lands) checks each evaluator's
 * pass rate over the window against the monitor's; below it, an alert is stored and POSTed to the
 * monitor's webhook connection.
 */
import { randomUUID } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import { WeirError } from '../../errors.ts';
import type { Plan } from '../../flow/compile.ts';
import type { JobContext, QueueSpec, WorkQueue } from '../../queue/types.ts';
import { startRun } from '../../run/executor.ts';
import type { RunHost } from '../../run/node-context.ts';
import type { AlertRow, MonitorScoreRow, Store } from '../../store/types.ts';
import { evaluatorName, MonitorBody, scheduleMs, windowMs, type EvaluatorConfig, type MonitorConfig } from './config.ts';
import { badReferences, mapInputs, type SampledCall } from './mapping.ts';
import { postAlert } from './webhook.ts';

export const MONITOR_QUEUE: QueueSpec = { name: 'monitor', maxAttempts: 2, timeoutMs: 600_000 };
const FRESH_MS = 1000;
/** Samples per scoring job. */
const JOB_SAMPLES = 500;
/** Longest a scoring job runs before letting the event loop serve calls. */
const SLICE_MS = 5;
/** Checks asked for at once (two instances, two clicks) count as one. */
const FORCED_CHECK_GAP_MS = 1000;
/** Samples held for the next job; beyond it a burst's extra samples are dropped (they are a sample). */
const MAX_BUFFER = 10_000;

/** What monitors need of the workspace. */
export interface MonitorAccess {
  readonly store: Store;
  readonly queue: WorkQueue;
  readonly host: RunHost;
  evaluatorPlan(e: EvaluatorConfig): Promise<Plan>;
  connection(name: string): Promise<{ type: string; settings: Record<string, unknown>; secrets: Record<string, string> } | undefined>;
}

export interface EvaluatorMetrics {
  evaluator: string;
  threshold: number;
  /** Scored calls in the window; `missing`: calls the evaluator could not score. */
  count: number;
  missing: number;
  mean: number | null;
  pass_rate: number | null;
}

/** WEIR_MONITOR_SAMPLES_PER_SECOND, default 200; a value that is not a positive whole number stops the server naming it. */
export function samplesPerSecond(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.WEIR_MONITOR_SAMPLES_PER_SECOND;
  if (raw === undefined || raw === '') return 200;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new WeirError('invalid_config', `WEIR_MONITOR_SAMPLES_PER_SECOND must be a positive whole number, not "${raw}"`);
  return n;
}

export interface SeriesPoint {
  at: string;
  count: number;
  missing: number;
  mean: number | null;
  pass_rate: number | null;
}

/** Scored calls, the ones that could not be scored, the mean score and the share that passed. */
function summary(rows: MonitorScoreRow[]): Omit<SeriesPoint, 'at'> {
  const scored = rows.filter((s) => s.score !== null);
  const passed = scored.filter((s) => s.passed).length;
  return {
    count: scored.length, missing: rows.length - scored.length,
    mean: scored.length ? scored.reduce((n, s) => n + s.score!, 0) / scored.length : null,
    pass_rate: scored.length ? passed / scored.length : null,
  };
}

export class Monitors {
  #configs = new Map<string, MonitorConfig>();
  #readAt = 0;
  #reading: Promise<void> | undefined;
  #buffer: SampledCall[] = [];
  readonly #timers: ReturnType<typeof setInterval>[];

  /** Samples a second this instance takes, over all its monitors (WEIR_MONITOR_SAMPLES_PER_SECOND). */
  readonly maxPerSecond: number;

  constructor(
    private readonly a: MonitorAccess,
    opts: { flushMs?: number; checkMs?: number; maxPerSecond?: number } = {},
  ) {
    this.maxPerSecond = opts.maxPerSecond ?? samplesPerSecond();
    // Monitors are re-read with each flush too: an instance knows of a new monitor within a second, before its next call.
    const tick = () => {
      this.#refresh();
      void this.flush();
    };
    this.#timers = [setInterval(tick, opts.flushMs ?? 1000), setInterval(() => void this.checkDue(), opts.checkMs ?? 30_000)];
    for (const t of this.#timers) t.unref();
  }

  // Settings.

  async get(deployment: string): Promise<MonitorConfig | undefined> {
    const row = await this.a.store.monitors.get(deployment);
    return row ? MonitorBody.parse(row.body) : undefined;
  }

  /** Checked whole before it is stored: evaluators that compile, mappings of the call's shape, a webhook connection that exists. */
  async put(deployment: string, body: unknown): Promise<MonitorConfig> {
    const parsed = MonitorBody.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new WeirError('invalid_request', `${issue.path.join('.') || 'monitor'}: ${issue.message}`, { status: 400, path: issue.path.map(String) });
    }
    const m = parsed.data;
    for (const [i, e] of m.evaluators.entries()) {
      const bad = badReferences(e.inputs);
      if (bad.length) throw new WeirError('invalid_request', `evaluators.${i}.inputs: ${bad[0]} is not \${inputs.<name>} or \${outputs.<name>} of the call`, { status: 400, path: ['evaluators', String(i), 'inputs'] });
      await this.a.evaluatorPlan(e);
    }
    if (m.webhook !== undefined && !(await this.a.connection(m.webhook))) {
      throw new WeirError('connection_not_found', `connection "${m.webhook}" not found (an http connection whose settings.base_url takes the alerts)`, { status: 404, path: ['webhook'] });
    }
    await this.a.store.monitors.put(deployment, m);
    this.#configs.set(deployment, m);
    return m;
  }

  async delete(deployment: string): Promise<boolean> {
    this.#configs.delete(deployment);
    return this.a.store.monitors.delete(deployment);
  }

  /** Re-reads the monitors at most once a second, off the call's path. */
  #closed = false;

  #refresh(): void {
    if (this.#closed || this.#reading || Date.now() - this.#readAt < FRESH_MS) return;
    this.#readAt = Date.now();
    this.#reading = this.a.store.monitors
      .list()
      .then((rows) => {
        this.#configs = new Map(rows.flatMap((r) => {
          const p = MonitorBody.safeParse(r.body);
          return p.success ? [[r.deployment, p.data] as const] : [];
        }));
      })
      .catch((err: unknown) => console.error('monitors could not be read:', (err as Error).message))
      .finally(() => (this.#reading = undefined));
  }

  // Sampling (on the request path: keep it this small).

  /**
   * Whether this call of `deployment` is sampled: drawn at its rate, within this instance's budget
   * of samples a second (what is scored must keep up with what is sampled, or the queue grows
   * without end; calls past the budget are counted as `dropped`).
   */
  wants(deployment: string): boolean {
    this.#refresh();
    const m = this.#configs.get(deployment);
    if (m === undefined || !m.enabled || Math.random() >= m.sampling_rate) return false;
    const second = Math.floor(Date.now() / 1000);
    if (second !== this.#second) {
      this.#second = second;
      this.#taken = 0;
    }
    if (this.#taken >= this.maxPerSecond) {
      this.dropped++;
      return false;
    }
    this.#taken++;
    return true;
  }

  #second = 0;
  #taken = 0;
  /** Samples this instance left out over its budget, since it started. */
  dropped = 0;

  sample(call: SampledCall): void {
    if (this.#buffer.length < MAX_BUFFER) this.#buffer.push(call);
  }

  /** The samples so far, as one job on the queue. */
  async flush(): Promise<void> {
    if (!this.#buffer.length) return;
    const all = this.#buffer;
    this.#buffer = [];
    // Jobs of a bounded size: any instance can take a share of a busy second's samples.
    for (let i = 0; i < all.length; i += JOB_SAMPLES) {
      const samples = all.slice(i, i + JOB_SAMPLES);
      await this.a.queue.add(MONITOR_QUEUE, `monitor-${randomUUID()}`, { samples }).catch((err: unknown) => console.error(`${samples.length} sampled calls could not be queued for scoring:`, (err as Error).message));
    }
  }

  // Scoring (a queue job, on any instance).

  async score(job: JobContext): Promise<{ scored: number }> {
    const { samples } = job.payload as { samples: SampledCall[] };
    const rows: MonitorScoreRow[] = [];
    // Read once per job: a second's samples share their monitors and evaluators' plans.
    const monitors = new Map<string, Promise<MonitorConfig | undefined>>();
    const plans = new Map<EvaluatorConfig, Promise<Plan>>();
    let slice = performance.now();
    for (const call of samples) {
      if (job.signal.aborted) break;
      // Evaluators without I/O finish within microtasks: without a pause now and then, a job would
      // hold the event loop (and every call this instance serves) until its last sample.
      if (performance.now() - slice > SLICE_MS) {
        await setImmediate();
        slice = performance.now();
      }
      let m = monitors.get(call.deployment);
      if (!m) monitors.set(call.deployment, (m = this.get(call.deployment)));
      for (const e of (await m)?.evaluators ?? []) {
        let plan = plans.get(e);
        if (!plan) plans.set(e, (plan = this.a.evaluatorPlan(e)));
        rows.push(await this.#scoreOne(e, plan, call, job.signal));
      }
    }
    await this.a.store.monitors.addScores(rows);
    return { scored: rows.length };
  }

  async #scoreOne(e: EvaluatorConfig, plan: Promise<Plan>, call: SampledCall, signal: AbortSignal): Promise<MonitorScoreRow> {
    const base = { deployment: call.deployment, callId: call.id, evaluator: evaluatorName(e), at: call.at };
    try {
      const handle = startRun(await plan, mapInputs(e.inputs, call), { host: this.a.host, signal });
      const r = await handle.done;
      if (r.status !== 'succeeded') return { ...base, score: null, passed: null, error: r.error?.message ?? `the evaluator's run ${r.status}` };
      const score = (r.outputs as Record<string, unknown> | undefined)?.score;
      if (typeof score !== 'number' || !Number.isFinite(score)) return { ...base, score: null, passed: null, error: 'the evaluator gave no numeric `score` output' };
      return { ...base, score, passed: score >= e.threshold, error: null };
    } catch (err) {
      return { ...base, score: null, passed: null, error: (err as Error).message };
    }
  }

  // Checking.

  /**
   * Each evaluator's count, mean and pass rate over the window ending at `now`, and the same per
   * bucket of it (`series`: hours for windows up to two days, else days; UTC), oldest first.
   */
  async metrics(deployment: string, m: MonitorConfig, now = Date.now()): Promise<(EvaluatorMetrics & { series: SeriesPoint[] })[]> {
    const scores = await this.a.store.monitors.scores(deployment, now - windowMs(m), now + 1);
    const bucket = windowMs(m) <= 48 * 3_600_000 ? 3_600_000 : 86_400_000;
    return m.evaluators.map((e) => {
      const name = evaluatorName(e);
      const mine = scores.filter((s) => s.evaluator === name);
      const byBucket = new Map<number, MonitorScoreRow[]>();
      for (const s of mine) {
        const at = Math.floor(s.at / bucket) * bucket;
        byBucket.set(at, [...(byBucket.get(at) ?? []), s]);
      }
      const series = [...byBucket].sort(([a], [b]) => a - b).map(([at, rows]) => ({ at: new Date(at).toISOString(), ...summary(rows) }));
      return { evaluator: name, threshold: e.threshold, ...summary(mine), series };
    });
  }

  /**
   * Checks a monitor: an alert for each evaluator whose pass rate over the window is below the
   * monitor's. Only on the instance whose claim lands, and only when due: its schedule since the
   * last check, or (`force`, a check asked for) a second. `checked`: whether this call checked.
   */
  async check(deployment: string, now = Date.now(), force = false): Promise<{ checked: boolean; alerts: AlertRow[] }> {
    const m = await this.get(deployment);
    if (!m) throw new WeirError('monitor_not_found', `deployment "${deployment}" has no monitor (PUT /api/deployments/${deployment}/monitor)`, { status: 404 });
    const since = force ? FORCED_CHECK_GAP_MS : scheduleMs(m);
    if (!(await this.a.store.monitors.claimCheck(deployment, now, now - since + 1))) return { checked: false, alerts: [] };
    const out: AlertRow[] = [];
    for (const x of await this.metrics(deployment, m, now)) {
      if (x.pass_rate === null || x.pass_rate >= m.pass_rate) continue;
      const alert: AlertRow = { id: randomUUID(), deployment, evaluator: x.evaluator, metric: 'pass_rate', value: x.pass_rate, threshold: m.pass_rate, samples: x.count, windowMs: windowMs(m), at: now, delivery: m.webhook === undefined ? null : 'pending' };
      await this.a.store.monitors.addAlert(alert);
      if (m.webhook !== undefined) {
        alert.delivery = await postAlert(await this.a.connection(m.webhook), m.webhook, alert);
        await this.a.store.monitors.setDelivery(alert.id, alert.delivery);
      }
      out.push(alert);
    }
    return { checked: true, alerts: out };
  }

  /** Every enabled monitor that is due (timer). */
  async checkDue(now = Date.now()): Promise<void> {
    try {
      for (const row of await this.a.store.monitors.list()) {
        const p = MonitorBody.safeParse(row.body);
        if (!p.success || !p.data.enabled) continue;
        if (row.checkedAt !== null && now - row.checkedAt < scheduleMs(p.data)) continue;
        await this.check(row.deployment, now).catch((err: unknown) => console.error(`monitor of "${row.deployment}" could not be checked:`, (err as Error).message));
      }
    } catch (err) {
      console.error('monitors could not be checked:', (err as Error).message);
    }
  }

  alerts(filter: { deployment?: string; from: number; limit: number }): Promise<AlertRow[]> {
    return this.a.store.monitors.alerts(filter);
  }

  async close(): Promise<void> {
    // A call still finishing during shutdown must not read a store that is closing.
    this.#closed = true;
    for (const t of this.#timers) clearInterval(t);
    await this.flush();
  }
}
