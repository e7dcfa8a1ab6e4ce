import type { LimitWindow } from '../app/gateway/windows.ts';

/** The tightest window of each kind: what the caller can still do. */
function tightest(windows: LimitWindow[], kind: LimitWindow['kind']): LimitWindow | undefined {
  let best: LimitWindow | undefined;
  for (const w of windows) if (w.kind === kind && (!best || w.remaining < best.remaining)) best = w;
  return best;
}

/** OpenAI's x-ratelimit headers for requests and tokens, sent on answers and refusals alike. */
export function limitHeaders(windows: LimitWindow[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kind of ['requests', 'tokens'] as const) {
    const w = tightest(windows, kind);
    if (!w) continue;
    out[`x-ratelimit-limit-${kind}`] = String(w.limit);
    out[`x-ratelimit-remaining-${kind}`] = String(w.remaining);
    out[`x-ratelimit-reset-${kind}`] = `${Math.ceil(w.resetMs / 1000)}s`;
  }
  return out;
}

/** On a 429: when to try again, in seconds (retry-after) and milliseconds (retry-after-ms, as Azure sends). */
export function retryHeaders(refused: LimitWindow, windows: LimitWindow[]): Record<string, string> {
  return { 'retry-after': String(Math.max(1, Math.ceil(refused.resetMs / 1000))), 'retry-after-ms': String(Math.max(1, Math.ceil(refused.resetMs))), ...limitHeaders(windows) };
}
