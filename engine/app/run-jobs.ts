import { RunDeadlineError, WeirError } from '../errors.ts';
import type { Plan } from '../flow/compile.ts';
import { prepareInputs } from '../run/flow-inputs.ts';
import { newRunId } from '../run/run-id.ts';
import type { RunHost } from '../run/node-context.ts';
import type { GivenUp, JobContext, QueueSpec, WorkQueue } from '../queue/types.ts';
import type { Store, VersionRow } from '../store/types.ts';
import { isActive } from './run-events.ts';
import { endedRow, runningRow } from './run-records.ts';
import type { RunService } from './runs.ts';

/** Longest an async run may take (WEIR_RUN_TIMEOUT_MS), from the moment a worker starts it. */
const RUN_TIMEOUT_MS = Number(process.env.WEIR_RUN_TIMEOUT_MS) > 0 ? Number(process.env.WEIR_RUN_TIMEOUT_MS) : 3600_000;

/**
 * Async runs are jobs: tried twice at most. A run whose instance died (SIGKILL, a lost machine) is
 * run again from its start by another instance — its events go on numbering after the stored ones,
 * with a second `run.started` — and if that instance dies too the run is marked `interrupted`.
 */
export const RUNS_QUEUE: QueueSpec = { name: 'runs', maxAttempts: 2, timeoutMs: RUN_TIMEOUT_MS };

interface RunJob {
  runId: string;
  flow: string;
  version: number;
  deployment: string;
  keyId: string | null;
}

/** What run jobs need of the workspace (given by it; declared here so this file does not import it). */
export interface RunJobAccess {
  readonly store: Store;
  readonly runs: RunService;
  readonly queue: WorkQueue;
  readonly host: RunHost;
  version(flow: string, number: number): Promise<VersionRow | undefined>;
  versionPlan(v: VersionRow): Promise<Plan>;
}

const jobId = (runId: string) => `run-${runId}`;

export class RunJobs {
  /** `spec`: the runs queue (a test shortens its timeout). */
  constructor(
    private readonly ws: RunJobAccess,
    readonly spec: QueueSpec = RUNS_QUEUE,
  ) {}

  /**
   * Records the run as `queued` and queues it; any instance's workers run it. Throws InputError
   * (before anything is recorded) when the inputs do not fit the flow.
   */
  async submit(o: { plan: Plan; version: VersionRow; deployment: string; inputs: Record<string, unknown> | undefined; keyId: string | null; runId?: string }): Promise<string> {
    prepareInputs(o.plan.inputs, o.inputs);
    const runId = o.runId ?? newRunId();
    const inputs = o.inputs ?? {};
    const row = { ...runningRow(runId, { flow: o.version.flow, version: o.version.number, deployment: o.deployment, mode: 'async' }, inputs), status: 'queued' as const };
    await this.ws.store.runs.start(row);
    const job: RunJob = { runId, flow: o.version.flow, version: o.version.number, deployment: o.deployment, keyId: o.keyId };
    try {
      await this.ws.queue.add(this.spec, jobId(runId), job);
    } catch (err) {
      // Not queued: nobody would ever run it.
      await this.ws.store.runs.finish({ run: endedRow(row, 'failed', { code: 'queue_unavailable', message: 'the run could not be queued' }) }).catch(() => {});
      throw new WeirError('queue_unavailable', `the run could not be queued: ${(err as Error).message}`, { status: 503, cause: err });
    }
    return runId;
  }

  /** A worker's turn: runs the queued run here, to its end (or until the job's signal stops it). */
  async handle(job: JobContext): Promise<unknown> {
    const p = job.payload as RunJob;
    const row = await this.ws.store.runs.get(p.runId);
    // Cancelled while it waited (or already ended by an earlier try): nothing to run.
    if (!row || !isActive(row.status)) return { skipped: row?.status ?? 'missing' };
    const v = await this.ws.version(p.flow, p.version);
    if (!v) {
      await this.ws.store.runs.finish({ run: endedRow(row, 'failed', { code: 'version_not_found', message: `version ${p.version} of flow "${p.flow}" not found` }) });
      return { status: 'failed' };
    }
    // A try after a death: its events follow the ones the earlier try stored.
    const stored = row.status === 'running' ? await this.ws.store.runs.events(p.runId, 0) : [];
    const afterSeq = stored.length ? stored[stored.length - 1].seq : 0;
    // The job's timeout is the run's deadline: it fails (run_deadline_exceeded) rather than being cancelled.
    const ctl = new AbortController();
    const stop = () => ctl.abort((job.signal.reason as WeirError | undefined)?.code === 'job_timeout' ? new RunDeadlineError(this.spec.timeoutMs) : job.signal.reason);
    if (job.signal.aborted) stop();
    job.signal.addEventListener('abort', stop, { once: true });
    try {
      const { done } = this.ws.runs.start({
        plan: await this.ws.versionPlan(v), inputs: row.inputs as Record<string, unknown>, host: this.ws.host,
        flow: v.flow, version: v.number, deployment: p.deployment, mode: 'async', keyId: p.keyId,
        signal: ctl.signal, queued: { runId: p.runId, afterSeq },
      });
      const r = await done;
      return { status: r.status };
    } finally {
      job.signal.removeEventListener('abort', stop);
    }
  }

  /** The queue gave the job up (interrupted twice, timed out, or failing): the run says so. */
  async giveUp(g: GivenUp): Promise<void> {
    const { runId } = g.payload as RunJob;
    const row = await this.ws.store.runs.get(runId);
    if (!row || !isActive(row.status)) return;
    await this.ws.store.runs.finish({ run: endedRow(row, g.status, g.error) });
  }
}
