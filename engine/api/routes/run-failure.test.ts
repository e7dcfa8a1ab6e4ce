import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../run/executor.ts';
import { runFailure } from './published.ts';

/** How a failed run answers a published call: never the caller's fault, so never a 4xx but a 429. */
describe('runFailure', () => {
  const failed = (error?: { code: string; message: string; node?: string }, status = 'failed') => ({ status, error }) as unknown as RunResult;

  it('is 504 past a deadline, 429 when a model allocation inside the flow was used up, 502 otherwise, naming the node', () => {
    const cases: [string, number][] = [['run_deadline_exceeded', 504], ['node_timeout', 504], ['rate_limit_exceeded', 429], ['upstream_error', 502], ['transform_failed', 502]];
    for (const [code, status] of cases) {
      const e = runFailure(failed({ code, message: `node "x" failed: ${code}`, node: 'x' }));
      expect([e.code, e.status, e.node, e.message], code).toEqual([code, status, 'x', `node "x" failed: ${code}`]);
    }
  });

  it('a run that ended without an error (cancelled) is run_failed 502 saying how it ended; an unknown code is run_failed', () => {
    expect(runFailure(failed(undefined, 'cancelled'))).toMatchObject({ code: 'run_failed', status: 502, message: 'run cancelled', node: undefined });
    expect(runFailure(failed({ code: 'not a code we know', message: 'm' }))).toMatchObject({ code: 'run_failed', status: 502 });
  });
});
