import type { SerializedError } from '../errors.ts';
import type { Usage } from '../node-definition.ts';

/** A batch run's life: queued → running → completed | failed | cancelled (| interrupted when given up). */
export type BatchRunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted';
export type BatchLineStatus = 'pending' | 'succeeded' | 'failed' | 'cancelled';

export interface BatchRunRow {
  id: string;
  flow: string;
  /** The flow version it runs; null: the flow's draft. */
  version: number | null;
  status: BatchRunStatus;
  columnMapping: Record<string, unknown>;
  /** The earlier batch run an evaluation reads (`${run.outputs.x}`). */
  earlierRun: string | null;
  concurrency: number;
  total: number;
  succeeded: number;
  failed: number;
  metrics: Record<string, number>;
  /** The aggregation nodes' outputs and status, when they ran. */
  aggregation: unknown;
  error: SerializedError | null;
  usage: Usage;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  durationMs: number | null;
}

export type BatchRunPatch = Partial<Pick<BatchRunRow, 'status' | 'succeeded' | 'failed' | 'metrics' | 'aggregation' | 'error' | 'usage' | 'startedAt' | 'finishedAt' | 'durationMs'>>;

export interface BatchLineRow {
  batchId: string;
  lineNumber: number;
  status: BatchLineStatus;
  /** The data line as given: `{ ok: true, value }` or `{ ok: false, error }` (a line that did not parse). */
  data: unknown;
  inputs: Record<string, unknown> | null;
  outputs: Record<string, unknown> | null;
  error: SerializedError | null;
  durationMs: number | null;
  usage: Usage | null;
  aggregationInputs: unknown[] | null;
}

export type BatchLineResult = Omit<BatchLineRow, 'batchId' | 'data'>;

/** Batch runs (prompt flow's `pf run`): one row per run, one per data line. */
export interface BatchesPort {
  /** Stores the run and its lines (pending, with their data) in one transaction. */
  create(run: BatchRunRow, data: readonly unknown[]): Promise<void>;
  get(id: string): Promise<BatchRunRow | undefined>;
  /** Newest first. */
  list(filter: { limit: number; offset?: number; flow?: string }): Promise<BatchRunRow[]>;
  /** Applies `patch` only while the run's status is one of `from` (a claim, a cancel); true when it did. */
  transition(id: string, from: readonly BatchRunStatus[], patch: BatchRunPatch): Promise<boolean>;
  update(id: string, patch: BatchRunPatch): Promise<void>;
  /** Lines in line order from `offset`. */
  lines(id: string, offset: number, limit: number): Promise<BatchLineRow[]>;
  /** Records finished lines (their status, values, error). */
  saveLines(id: string, rows: readonly BatchLineResult[]): Promise<void>;
}
