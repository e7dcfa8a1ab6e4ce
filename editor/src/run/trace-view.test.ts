import { describe, expect, it } from 'vitest';
import type { RunDetail } from '../api/types.ts';
import { applyRunEvent, startRun } from '../flow/run-state.ts';
import { durationOf, findTrace, isTruncated, runViewFromTrace, type TraceRow } from './trace-view.ts';

function detail(over: Omit<Partial<RunDetail>, 'trace'> & { trace: TraceRow[] }): RunDetail {
  return {
    id: 'r1', flow: 'hello', version: null, deployment: null, mode: 'draft', status: 'succeeded',
    inputs: { name: 'Ann' }, outputs: { greeting: 'Hi' }, error: null, usage: {},
    started_at: '2026-01-01T00:00:00.000Z', ended_at: '2026-01-01T00:00:00.030Z', duration_ms: 31.8,
    ...over,
  } as unknown as RunDetail;
}

// A trace row exactly as GET /api/runs/{id} sends it (nulls, skip_reason, no duration_ms).
const row = (node: string, over: Partial<TraceRow> = {}): TraceRow => ({
  node, type: 'transform', status: 'succeeded', start_ms: 4, end_ms: 9.5, attempts: 1,
  inputs: {}, output: 'x', error: null, skip_reason: null, usage: null, ...over,
} as TraceRow);

describe('runViewFromTrace', () => {
  it('builds the canvas view of a finished run', () => {
    const v = runViewFromTrace(detail({ trace: [row('greet'), row('shout', { attempts: 2 })], usage: { total_tokens: 12 } }));
    expect(v.id).toBe('r1');
    expect(v.status).toBe('succeeded');
    expect(v.nodes.greet).toEqual({ status: 'succeeded', attempt: 1, ms: 5.5 });
    expect(v.nodes.shout!.attempt).toBe(2);
    expect(v.outputs).toEqual({ greeting: 'Hi' });
    expect(v.ms).toBe(31.8);
    expect(v.usage).toEqual({ total_tokens: 12 });
    expect(v.error).toBeUndefined();
  });

  it('carries skip reasons and errors, with the node of a run error', () => {
    const err = { code: 'node_failed', message: 'boom', node: 'b' };
    const v = runViewFromTrace(detail({
      status: 'failed', outputs: null, error: err,
      trace: [row('a', { status: 'skipped', skip_reason: 'activate: when was false', start_ms: null, end_ms: null }), row('b', { status: 'failed', error: err })],
    }));
    expect(v.nodes.a).toEqual({ status: 'skipped', attempt: 1, reason: 'activate: when was false' });
    expect(v.nodes.b!.error).toEqual(err);
    expect(v.error).toEqual(err);
    expect(v.outputs).toEqual({});
  });

  it('reads a finished run the way the live stream ends one: pending → skipped, running → cancelled', () => {
    const v = runViewFromTrace(detail({ status: 'interrupted', trace: [row('a', { status: 'pending', attempts: 0 }), row('b', { status: 'running', end_ms: null })] }));
    expect(v.nodes.a!.status).toBe('skipped');
    expect(v.nodes.b!.status).toBe('cancelled');
    expect(v.nodes.b!.ms).toBeUndefined();
  });

  it('keeps a running run running', () => {
    const v = runViewFromTrace(detail({ status: 'running', duration_ms: null, trace: [row('a', { status: 'pending' }), row('b', { status: 'running' })] }));
    expect(v.status).toBe('running');
    expect(v.nodes.a!.status).toBe('queued');
    expect(v.nodes.b!.status).toBe('running');
    expect(v.ms).toBeUndefined();
  });

  it('gives the same node states as the live events did', () => {
    let live = startRun(['a', 'b', 'c']);
    for (const e of [
      { type: 'run.started', runId: 'r1' }, { type: 'node.started', node: 'a', attempt: 1 }, { type: 'node.finished', node: 'a', ms: 5.5 },
      { type: 'node.skipped', node: 'b', reason: 'off' }, { type: 'run.finished', status: 'succeeded' as const, outputs: { greeting: 'Hi' }, ms: 31.8, usage: {} },
    ]) live = applyRunEvent(live, e);
    const v = runViewFromTrace(detail({ trace: [row('a'), row('b', { status: 'skipped', skip_reason: 'off', attempts: 0, start_ms: null, end_ms: null }), row('c', { status: 'pending', attempts: 0, start_ms: null, end_ms: null })] }));
    for (const n of ['a', 'b', 'c']) expect(v.nodes[n]!.status).toBe(live.nodes[n]!.status);
    expect(v.outputs).toEqual(live.outputs);
  });
});

describe('trace helpers', () => {
  it('finds a node and its duration', () => {
    const d = detail({ trace: [row('a', { duration_ms: 7 }), row('b')] });
    expect(findTrace(d, 'b')?.node).toBe('b');
    expect(findTrace(d, 'zzz')).toBeUndefined();
    expect(findTrace(undefined, 'a')).toBeUndefined();
    expect(durationOf(findTrace(d, 'a')!)).toBe(7);
    expect(durationOf(findTrace(d, 'b')!)).toBe(5.5);
    expect(durationOf(row('c', { start_ms: 1, end_ms: null }))).toBeUndefined();
  });

  it('recognises a truncated value', () => {
    expect(isTruncated({ truncated: true, chars: 20000, preview: '{"a"' })).toBe(true);
    expect(isTruncated({ truncated: true })).toBe(false);
    expect(isTruncated('truncated')).toBe(false);
    expect(isTruncated(null)).toBe(false);
  });
});
