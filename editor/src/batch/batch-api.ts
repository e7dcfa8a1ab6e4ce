import { api, readSse } from '../api/client.ts';
import type { ApiErrorBody, FlowRecord, FlowSummary, FlowVersion } from '../api/types.ts';

export type BatchStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted';
export const ACTIVE: BatchStatus[] = ['queued', 'running'];

/** A batch run (engine/app/batch/batch-json.ts `batchJson`). */
export interface BatchRun {
  id: string;
  flow: string;
  /** null: the flow's draft. */
  version: number | null;
  status: BatchStatus;
  progress: { done: number; total: number; fraction: number };
  summary: { total: number; succeeded: number; failed: number; duration_ms: number | null; usage: Record<string, number> };
  metrics: Record<string, number>;
  aggregation: unknown;
  error: ApiErrorBody | null;
  column_mapping: Record<string, unknown>;
  /** The earlier batch run an evaluation run reads. */
  run: string | null;
  concurrency: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface BatchLine {
  line_number: number;
  status: 'pending' | 'succeeded' | 'failed' | 'cancelled';
  /** The data line; null when it was not a JSON object. */
  data: Record<string, unknown> | null;
  inputs: Record<string, unknown> | null;
  outputs: Record<string, unknown> | null;
  error: ApiErrorBody | null;
  duration_ms: number | null;
}

type Side = { status: BatchLine['status']; outputs: Record<string, unknown> | null; error: ApiErrorBody | null } | null;

export interface Comparison {
  a: BatchRun;
  b: BatchRun;
  metrics: Record<string, { a: number | null; b: number | null; delta: number | null }>;
  lines: { line_number: number; a: Side; b: Side }[];
}

export interface SubmitBody {
  flow: string;
  version?: number;
  /** JSONL text. */
  data: string;
  column_mapping?: Record<string, string>;
  run?: string;
  concurrency?: number;
}

const enc = encodeURIComponent;

export const batchApi = {
  list: (flow?: string) => api<{ data: BatchRun[] }>(`/api/batch-runs?limit=200${flow ? `&flow=${enc(flow)}` : ''}`).then((r) => r.data),
  get: (id: string) => api<BatchRun>(`/api/batch-runs/${enc(id)}`),
  lines: (id: string, offset = 0, limit = 100) => api<{ data: BatchLine[]; next_offset: number | null }>(`/api/batch-runs/${enc(id)}/lines?offset=${offset}&limit=${limit}`),
  submit: (body: SubmitBody) => api<{ id: string }>('/api/batch-runs', { method: 'POST', body }),
  cancel: (id: string) => api<{ status: string }>(`/api/batch-runs/${enc(id)}/cancel`, { method: 'POST' }),
  compare: (a: string, b: string) => api<Comparison>(`/api/batch-runs/compare?a=${enc(a)}&b=${enc(b)}&limit=1000`),
  /** Progress until the run ends; resolves then (or when `signal` aborts). */
  events: (id: string, signal: AbortSignal, onProgress: () => void) => readSse(`/api/batch-runs/${enc(id)}/events`, { signal }, () => onProgress()),
  flows: () => api<{ data: FlowSummary[] }>('/api/flows').then((r) => r.data),
  flow: (name: string) => api<FlowRecord>(`/api/flows/${enc(name)}`),
  versions: (flow: string) => api<{ data: FlowVersion[] }>(`/api/flows/${enc(flow)}/versions`).then((r) => r.data),
};
