import { describe, expect, it } from 'vitest';
import { useTempStore } from '../../../test/helpers/temp-store.ts';
import type { RunResult } from '../../run/executor.ts';
import type { ContentFilterResults } from '../../safety/index.ts';
import { UsageMeter } from '../usage-meter.ts';
import { callRecord, filterFlags, meterModelCall, runFailureStatus, runStatus } from './meter.ts';

/**
 * Cases around the mutants Stryker left alive in meter.ts (see test/mutation/web-apps.md): what a
 * usage record says of a call's tokens, latency, filter flags and status. On the real SQLite store.
 */

const t = useTempStore();
const safe = { filtered: false, severity: 'safe' as const };
const results = (over: Partial<ContentFilterResults> = {}): ContentFilterResults => ({ hate: safe, sexual: safe, violence: safe, self_harm: safe, ...over });

describe('a model call metered', () => {
  it('keeps the total tokens the model reported, and counts none it did not report', async () => {
    const meter = new UsageMeter(t.store, 60_000);
    try {
      expect(meterModelCall(meter, 'd', null, null, { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 })).toEqual({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
      expect(meterModelCall(meter, 'd', null, null, { prompt_tokens: 3 })).toEqual({ prompt_tokens: 3, completion_tokens: 0, total_tokens: 0 });
    } finally {
      await meter.close();
    }
  });
});

describe('a call record', () => {
  const call = { id: 'c1', at: 1_000_000, deployment: 'd', kind: 'model' as const, keyId: null, model: 'm' };
  it('takes the time from admission to now as its latency, never less than 0 (another instance\'s clock)', () => {
    expect(callRecord(call, undefined, { status: 200 }, 1_000_250).latencyMs).toBe(250);
    expect(callRecord(call, undefined, { status: 200 }, 999_000).latencyMs).toBe(0);
  });
});

describe('filter flags', () => {
  it('are none without results, and name the role and each filtered part, a blocklist as blocklist', () => {
    expect(filterFlags('prompt', undefined)).toEqual([]);
    expect(filterFlags('completion', results({ violence: { filtered: true, severity: 'high' }, custom_blocklists: { filtered: true, details: [{ filtered: true, id: 'b1' }] } }))).toEqual(['completion:violence', 'completion:blocklist']);
    expect(filterFlags('prompt', results({ jailbreak: { filtered: true, detected: true } }))).toEqual(['prompt:jailbreak']);
  });
});

describe('the status of a failed run', () => {
  it('is 504 past a deadline or a node timeout, 429 over a model allocation, else 502', () => {
    expect(runFailureStatus('run_deadline_exceeded')).toBe(504);
    expect(runFailureStatus('node_timeout')).toBe(504);
    expect(runFailureStatus('rate_limit_exceeded')).toBe(429);
    expect(runFailureStatus('node_failed')).toBe(502);
  });

  it('of a run result: 200 when it succeeded, its error code\'s status otherwise, 502 without one', () => {
    expect(runStatus({ status: 'succeeded' } as RunResult)).toBe(200);
    expect(runStatus({ status: 'failed', error: { code: 'node_timeout' } } as RunResult)).toBe(504);
    expect(runStatus({ status: 'failed' } as RunResult)).toBe(502);
  });
});
