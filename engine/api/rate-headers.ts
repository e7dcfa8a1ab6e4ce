import type { LimitWindow } from '../app/key-limits.ts';

/** OpenAI's x-ratelimit headers for requests, sent on answers and refusals alike. */
export function limitHeaders(w: LimitWindow): Record<string, string> {
  return {
    'x-ratelimit-limit-requests': String(w.limit),
    'x-ratelimit-remaining-requests': String(w.remaining),
    'x-ratelimit-reset-requests': `${Math.ceil(w.resetMs / 1000)}s`,
  };
}

/** On a 429: when to try again, in seconds (retry-after) and milliseconds (retry-after-ms, as Azure sends). */
export function retryHeaders(w: LimitWindow): Record<string, string> {
  return { 'retry-after': String(Math.max(1, Math.ceil(w.resetMs / 1000))), 'retry-after-ms': String(Math.max(1, Math.ceil(w.resetMs))), ...limitHeaders(w) };
}
