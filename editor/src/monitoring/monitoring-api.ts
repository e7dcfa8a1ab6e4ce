import { api } from '../api/client.ts';
import type { FlowRecord, FlowSummary } from '../api/types.ts';
import type { Deployment } from '../deployments/deployments-api.ts';
import type { ConnectionInfo } from '../models/model-types.ts';

/** One evaluator of a monitor (engine/app/monitor/config.ts `EvaluatorSpec`): a shipped one or a flow of this workspace. */
export interface EvaluatorSpec {
  evaluator?: string;
  flow?: string;
  /** The evaluator's inputs: `${inputs.x}` / `${outputs.x}` of the sampled call, or a literal. */
  inputs: Record<string, unknown>;
  /** A call passes when its score is at least this. */
  threshold: number;
}

/** A deployment's monitor (engine/app/monitor/config.ts `MonitorBody`). */
export interface MonitorConfig {
  enabled: boolean;
  sampling_rate: number;
  evaluators: EvaluatorSpec[];
  pass_rate: number;
  window_hours: number;
  schedule_minutes: number;
  webhook?: string;
}

/** Scores of a window or of one bucket of it; mean and pass_rate null when nothing was scored. */
export interface Scores {
  count: number;
  missing: number;
  mean: number | null;
  pass_rate: number | null;
}

/** A bucket of the window (an hour for windows up to two days, else a day; UTC); only buckets with scores. */
export interface SeriesPoint extends Scores {
  at: string;
}

/** An evaluator's scores over the window, and per bucket of it, oldest first. */
export interface Metric extends Scores {
  evaluator: string;
  threshold: number;
  series: SeriesPoint[];
}

export interface Spread {
  mean: number;
  p50: number;
  p95: number;
}

export interface Alert {
  id: string;
  deployment: string;
  evaluator: string;
  metric: string;
  value: number;
  threshold: number;
  samples: number;
  window_hours: number;
  at: string;
  /** sent, failed or pending; null: the monitor has no webhook. */
  delivery: string | null;
}

/** GET /api/deployments/{name}/monitor (engine/api/routes/monitors.ts). */
export interface MonitorView {
  deployment: string;
  monitor: MonitorConfig | null;
  window_hours: number;
  metrics: Metric[];
  tokens: { calls: number; input_tokens: Spread; output_tokens: Spread };
  alerts: Alert[];
}

/** The evaluators under flows/evaluators/ and the inputs each reads. */
export const SHIPPED: Record<string, string[]> = {
  f1_score: ['answer', 'ground_truth'],
  exact_match: ['answer', 'ground_truth'],
  rouge_l: ['answer', 'ground_truth'],
  bleu: ['answer', 'ground_truth'],
  embedding_similarity: ['answer', 'ground_truth'],
  groundedness_offline: ['answer', 'context'],
  groundedness: ['answer', 'context'],
  relevance: ['question', 'answer', 'context'],
  coherence: ['question', 'answer'],
  fluency: ['question', 'answer'],
  similarity: ['question', 'answer', 'ground_truth'],
};

const enc = encodeURIComponent;
const path = (name: string) => `/api/deployments/${enc(name)}/monitor`;

export const monitoringApi = {
  deployments: () => api<{ data: Deployment[] }>('/api/deployments').then((r) => r.data),
  view: (name: string) => api<MonitorView>(path(name)),
  put: (name: string, body: MonitorConfig) => api<MonitorConfig>(path(name), { method: 'PUT', body }),
  remove: (name: string) => api<void>(path(name), { method: 'DELETE' }),
  /** `checked: false`: another check ran within the last second (its alerts are listed). */
  check: (name: string) => api<{ checked?: boolean; alerts: Alert[] }>(`${path(name)}/check`, { method: 'POST' }),
  alerts: (deployment?: string, limit = 100) => api<{ data: Alert[] }>(`/api/alerts?limit=${limit}${deployment ? `&deployment=${enc(deployment)}` : ''}`).then((r) => r.data),
  flows: () => api<{ data: FlowSummary[] }>('/api/flows').then((r) => r.data),
  flow: (name: string) => api<FlowRecord>(`/api/flows/${enc(name)}`),
  connections: () => api<{ data: ConnectionInfo[] }>('/api/connections').then((r) => r.data),
};
