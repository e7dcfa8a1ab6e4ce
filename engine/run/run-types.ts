/** What a run is started with and what it ends with: the executor's public shapes (executor.ts runs them). */
import type { SerializedError } from '../errors.ts';
import type { Usage } from '../node-definition.ts';
import type { RunListener, RunStatus } from './events.ts';
import type { RunHost } from './node-context.ts';
import type { NodeTrace } from './trace.ts';

export interface RunOptions {
  runId?: string;
  /** Aborting it cancels the run. */
  signal?: AbortSignal;
  /** Most nodes running at once in this run. */
  concurrency?: number;
  /** The whole run fails with run_deadline_exceeded after this many milliseconds. */
  deadlineMs?: number;
  onEvent?: RunListener;
  /** Keep node inputs and outputs in the trace (default true). */
  traceValues?: boolean;
  host?: RunHost;
  /** Events are numbered after this one (a run tried again continues its stored events' numbering). */
  afterSeq?: number;
  /**
   * Run the flow's aggregation nodes after the line, over one-element lists (default true, as
   * `pf flow test` does). A batch sets it false and runs them once over all its lines.
   */
  aggregate?: boolean;
}

export interface RunResult {
  runId: string;
  flow: string;
  status: Exclude<RunStatus, 'running'>;
  outputs: Record<string, unknown>;
  /** Why an output is null: the node it reads was skipped. */
  nullOutputs: Record<string, string>;
  error?: SerializedError;
  /** The error object itself, with its class and cause, for callers in this process. */
  cause?: unknown;
  usage: Usage;
  trace: NodeTrace[];
  startedAt: number;
  durationMs: number;
  /** A flow with aggregation nodes, a line that succeeded: what they read from it (a batch collects these). */
  aggregationInputs?: unknown[];
  /**
   * What the aggregation nodes returned as metrics, when they ran (see aggregation.ts), with what
   * nodes logged (`ctx.logMetric`); in a run without aggregation, only what was logged.
   */
  metrics?: Record<string, number>;
  /** The aggregation nodes' outputs by node name, when they ran. */
  aggregationOutputs?: Record<string, unknown>;
}

export interface RunHandle {
  runId: string;
  done: Promise<RunResult>;
  cancel(reason?: string): void;
  subscribe(listener: RunListener): () => void;
}
