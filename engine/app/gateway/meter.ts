import { WeirError } from '../../errors.ts';
import type { Usage } from '../../node-definition.ts';
import type { ModelPrice } from '../../models/types.ts';
import type { RunResult } from '../../run/executor.ts';
import { filteredParts, type ContentFilterResults } from '../../safety/index.ts';
import type { CallRow } from '../../store/types.ts';
import type { UsageMeter } from '../usage-meter.ts';
import { pricedUsage } from './cost.ts';

/** nginx's word for a client that closed the connection before the answer: a call's status when it left first. */
export const CLIENT_GONE = 499;

/** How a call ended, as the usage record keeps it. */
export interface CallOutcome {
  /** The HTTP status answered (499: the client went away first). */
  status: number;
  /** What the safety policy filtered (filterFlags). */
  filtered?: string[];
}

/** One model call's usage under its deployment and key, priced here (a failed call counts as a request with what it used). */
export function meterModelCall(meter: UsageMeter, deployment: string, keyId: string | null, price: ModelPrice | null, usage: Usage | undefined): Usage {
  const priced = usage ? pricedUsage(price, { prompt_tokens: usage.prompt_tokens ?? 0, completion_tokens: usage.completion_tokens ?? 0, total_tokens: usage.total_tokens ?? 0 }) : {};
  meter.add(deployment, keyId, priced);
  return priced;
}

/** A call's record: what it used and cost, how long it took from admission, how it ended. */
export function callRecord(c: { id: string; at: number; deployment: string; kind: 'flow' | 'model'; keyId: string | null; model: string | null }, usage: Usage | undefined, outcome: CallOutcome, now = Date.now()): CallRow {
  return {
    id: c.id,
    at: c.at,
    deployment: c.deployment,
    kind: c.kind,
    keyId: c.keyId,
    model: c.model,
    promptTokens: usage?.prompt_tokens ?? 0,
    completionTokens: usage?.completion_tokens ?? 0,
    cost: usage?.cost ?? 0,
    latencyMs: Math.max(0, now - c.at),
    status: outcome.status,
    filtered: outcome.filtered ?? [],
  };
}

/** What a policy filtered, as `prompt:hate`, `completion:violence`, `prompt:jailbreak`, `prompt:blocklist`: never the text. */
export function filterFlags(role: 'prompt' | 'completion', results: ContentFilterResults | undefined): string[] {
  if (!results) return [];
  return filteredParts({ filtered: true, results }).map((part) => `${role}:${part === 'custom_blocklists' ? 'blocklist' : part}`);
}

/** The status an error is answered with (a WeirError's own, else 500). */
export const statusOf = (err: unknown): number => (err instanceof WeirError ? err.status : 500);

/** A failed run is the flow's fault or its upstream's, never the caller's: 502, 504 past a deadline, 429 over a model's allocation. */
export function runFailureStatus(code: string): number {
  return code === 'run_deadline_exceeded' || code === 'node_timeout' ? 504 : code === 'rate_limit_exceeded' ? 429 : 502;
}

export const runStatus = (r: RunResult): number => (r.status === 'succeeded' ? 200 : runFailureStatus(r.error?.code ?? 'run_failed'));
