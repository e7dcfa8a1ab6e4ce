/** The small gateway policies at their edges: the estimate, pricing, which limits apply, the rate headers. */
import { describe, expect, it } from 'vitest';
import { limitHeaders, retryHeaders } from '../../api/rate-headers.ts';
import { pricedUsage } from './cost.ts';
import { callEstimate, promptEstimate } from './estimate.ts';
import { deploymentLimits, keyLimits, rpmOf } from './limits.ts';
import { RateLimitError, type LimitWindow } from './windows.ts';

describe('the admission estimate', () => {
  it('is a token per 4 characters (rounded up) and 4 of framing per text, plus the completion budget capped by what the context leaves', () => {
    expect(promptEstimate(['abcd', 'ab'])).toBe(1 + 4 + 1 + 4);
    expect(promptEstimate([])).toBe(0);
    expect(callEstimate(['abcd', 'ab'], 100, 50)).toBe(10 + 40);
    expect(callEstimate(['abcd', 'ab'], 20, 50)).toBe(10 + 20);
    expect(callEstimate(['abcd'], undefined, 100_000)).toBe(5 + 1024);
    expect(callEstimate(['x'.repeat(400)], 10, 50)).toBe(104);
  });
});

describe('pricing', () => {
  it('prices a model with only an input or only an output price, and not one with neither', () => {
    const u = { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 };
    expect(pricedUsage({ inputPer1k: 2 }, u).cost).toBe(2);
    expect(pricedUsage({ outputPer1k: 4 }, u).cost).toBe(2);
    expect(pricedUsage({ perHour: 1 }, u).cost).toBeUndefined();
    expect(pricedUsage(null, u)).toEqual(u);
  });
});

describe('which limits apply', () => {
  it('names each window apart, and a model deployment without an allocation has none', () => {
    const key = { keyId: 'k', opens: '*' as const, expiresAt: null, rpm: 3, tpm: 9 };
    expect(keyLimits(key).map((l) => [l.name, l.kind, l.limit])).toEqual([['key:k:rpm', 'requests', 3], ['key:k:tpm', 'tokens', 9]]);
    const d = { name: 'm', kind: 'model' as const, flow: null, model: 'use-lite', options: {}, traffic: [], traceSampleRate: 1, createdAt: 0, updatedAt: 0 };
    expect(deploymentLimits(d, undefined)).toEqual([]);
    // Below 1 000 tokens a minute an allocation still gets one request per 10 s.
    expect(deploymentLimits(d, 500).map((l) => [l.kind, l.limit, l.windowMs])).toEqual([['requests', 1], ['tokens', 500]].map(([k, n]) => [k, n, k === 'requests' ? 10_000 : 60_000]));
  });
});

describe('a deployment\'s own limits', () => {
  const base = { traffic: [], traceSampleRate: 1, createdAt: 0, updatedAt: 0 };
  it('a flow\'s rpm over a minute; a model allocation\'s requests (6 a minute per 1 000 tpm) over 10 s and its tokens over a minute; a key-less caller none', () => {
    expect(keyLimits(null)).toEqual([]);
    const flow = (options: { rpm?: number } | null) => ({ ...base, name: 'f', kind: 'flow' as const, flow: 'x', model: null, options });
    expect(deploymentLimits(flow(null), undefined)).toEqual([]);
    expect(deploymentLimits(flow({ rpm: 5 }), 99)).toEqual([{ name: 'deployment:f:rpm', kind: 'requests', limit: 5, windowMs: 60_000, says: 'deployment "f"\'s limit of 5 requests a minute' }]);
    expect([rpmOf(1000), rpmOf(2500), rpmOf(100)]).toEqual([6, 15, 0]);
    const model = { ...base, name: 'm', kind: 'model' as const, flow: null, model: 'gpt-4o', options: { connection: 'c', tpm: 3000 } };
    expect(deploymentLimits(model, 3000)).toEqual([
      { name: 'deployment:m:rpm10s', kind: 'requests', limit: 3, windowMs: 10_000, says: 'deployment "m"\'s 18 requests a minute (3 per 10 s; 6 a minute per 1 000 tokens a minute of its allocation)' },
      { name: 'deployment:m:tpm', kind: 'tokens', limit: 3000, windowMs: 60_000, says: 'deployment "m"\'s allocation of 3000 tokens a minute (model gpt-4o)' },
    ]);
  });
});

describe('rate headers', () => {
  const w = (kind: LimitWindow['kind'], limit: number, remaining: number, resetMs: number): LimitWindow => ({ kind, limit, remaining, resetMs });

  it('give the tightest window of each kind (the first of equals), the reset rounded up to a second', () => {
    const windows = [w('tokens', 1000, 5, 1500), w('requests', 60, 10, 2000), w('requests', 6, 3, 9001), w('tokens', 50, 50, 1), w('requests', 9, 3, 100)];
    expect(limitHeaders(windows)).toEqual({
      'x-ratelimit-limit-requests': '6', 'x-ratelimit-remaining-requests': '3', 'x-ratelimit-reset-requests': '10s',
      'x-ratelimit-limit-tokens': '1000', 'x-ratelimit-remaining-tokens': '5', 'x-ratelimit-reset-tokens': '2s',
    });
    expect(limitHeaders([w('tokens', 7, 7, 0)])).toEqual({ 'x-ratelimit-limit-tokens': '7', 'x-ratelimit-remaining-tokens': '7', 'x-ratelimit-reset-tokens': '0s' });
    expect(limitHeaders([])).toEqual({});
  });

  it('say to wait at least a second (and a millisecond) even at a window\'s very end', () => {
    expect(retryHeaders(w('requests', 1, 0, 0), [])).toEqual({ 'retry-after': '1', 'retry-after-ms': '1' });
    expect(retryHeaders(w('requests', 1, 0, 1234.2), [w('requests', 1, 0, 1234.2)])).toMatchObject({ 'retry-after': '2', 'retry-after-ms': '1235', 'x-ratelimit-remaining-requests': '0' });
  });

  it('a refusal made with one window carries that window', () => {
    const only = w('tokens', 10, 0, 5);
    expect(new RateLimitError(only, 'm').windows).toEqual([only]);
  });
});
