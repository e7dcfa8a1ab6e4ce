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
