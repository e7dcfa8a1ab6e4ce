/**
 * The usage records API's view of stored calls (GET /api/usage/calls): snake_case as the rest of
 * the usage API, times as ISO strings, and a cursor for the next page.
 */
import type { StoredCall } from '../store/types.ts';

export { CALL_PARTS } from '../store/types.ts';
import { toCsv } from './csv.ts';

export interface CallLine {
  id: string;
  at: string;
  deployment: string;
  kind: 'flow' | 'model';
  key_id: string | null;
  model: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost: number;
  latency_ms: number;
  status: number;
  filtered: string[];
}

export function callLine(r: StoredCall): CallLine {
  return {
    id: r.id, at: new Date(r.at).toISOString(), deployment: r.deployment, kind: r.kind, key_id: r.keyId, model: r.model,
    prompt_tokens: r.promptTokens, completion_tokens: r.completionTokens, total_tokens: r.promptTokens + r.completionTokens,
    cost: r.cost, latency_ms: r.latencyMs, status: r.status, filtered: r.filtered,
  };
}

/** The position after a page's last call: `<at>.<seq>`, opaque to callers. */
export const cursorOf = (r: StoredCall): string => `${r.at}.${r.seq}`;

export function parseCursor(raw: string): { at: number; seq: number } | undefined {
  const m = /^(\d{1,16})\.(\d{1,16})$/.exec(raw);
  return m ? { at: Number(m[1]), seq: Number(m[2]) } : undefined;
}

const COLUMNS = ['id', 'at', 'deployment', 'kind', 'key_id', 'model', 'prompt_tokens', 'completion_tokens', 'total_tokens', 'cost', 'latency_ms', 'status', 'filtered'];

/** One line per call; the filtered parts space-separated in one cell. */
export function callsCsv(lines: CallLine[]): string {
  return toCsv(COLUMNS, lines.map((l) => ({ ...l, filtered: l.filtered.join(' ') })));
}
