/** Rows of what governs deployments: usage minutes, content-safety settings, prices, quota pools. */

export interface UsageFilter {
  fromMinute: number;
  toMinute: number;
  deployment?: string;
  keyId?: string | null;
}

export interface UsageRow {
  deployment: string;
  keyId: string | null;
  minute: number;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  cost: number;
}

export type SafetyKind = 'policy' | 'blocklist';

export interface SafetyRow {
  kind: SafetyKind;
  name: string;
  body: unknown;
  updatedAt: number;
}

/** USD per 1 000 input and output tokens, and per hour deployed (local models' hosting); null: not charged. */
export interface PriceRow {
  model: string;
  effectiveFrom: number;
  inputPer1k: number | null;
  outputPer1k: number | null;
  perHour: number | null;
}

export interface QuotaPoolRow {
  model: string;
  tpm: number;
  updatedAt: number;
}

/** One deployment call as the gateway saw it end (issue #15's usage record); never its text. */
export interface CallRow {
  /** The request id the answer carried (x-request-id; a flow call's run id). */
  id: string;
  /** When it was admitted (epoch ms). */
  at: number;
  deployment: string;
  kind: 'flow' | 'model';
  keyId: string | null;
  /** The model behind a model deployment; null for flows (their model calls are in their runs). */
  model: string | null;
  promptTokens: number;
  completionTokens: number;
  cost: number;
  latencyMs: number;
  /** The HTTP status answered (499: the client went away first). */
  status: number;
  /** What the safety policy filtered, as `prompt:<part>` / `completion:<part>` (part: a category, jailbreak or blocklist). */
  filtered: string[];
}

export const CALL_PARTS = ['hate', 'sexual', 'violence', 'self_harm', 'jailbreak', 'blocklist'] as const;
export type CallPart = (typeof CALL_PARTS)[number];

export interface CallFilter {
  from: number;
  to: number;
  deployment?: string;
  /** null: calls without a key. */
  keyId?: string | null;
  model?: string;
  status?: number;
  /** true: only calls the policy filtered; false: only those it did not. */
  filtered?: boolean;
  /** Only calls filtered for this part (on prompt or completion). */
  part?: CallPart;
  /** Calls strictly older than this one in the list's order (paging). */
  before?: { at: number; seq: number };
  limit: number;
}

/** A stored call with its position, for paging. */
export type StoredCall = CallRow & { seq: number };

/** A deployment's monitor: its settings as the API took them, and when its thresholds were last checked. */
export interface MonitorRow {
  deployment: string;
  body: unknown;
  checkedAt: number | null;
  updatedAt: number;
}

/** One evaluator's score of one sampled call (null: the evaluator could not score it, `error` says why). */
export interface MonitorScoreRow {
  deployment: string;
  callId: string;
  evaluator: string;
  score: number | null;
  passed: boolean | null;
  error: string | null;
  at: number;
}

/** A monitor's threshold crossed over its window. */
export interface AlertRow {
  id: string;
  deployment: string;
  evaluator: string;
  /** What fell below its threshold: the pass rate over the window. */
  metric: 'pass_rate';
  value: number;
  threshold: number;
  /** Scores the value was computed over. */
  samples: number;
  windowMs: number;
  at: number;
  /** The webhook's delivery: null when there is none, else 'sent' or what went wrong. */
  delivery: string | null;
}
