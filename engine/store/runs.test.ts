import { beforeEach, describe, expect, it } from 'vitest';
import { useTempStore } from './test-store.ts';
import type { NodeTraceRow, RunRow, Store } from './types.ts';

const temp = useTempStore();
let store: Store;
beforeEach(() => (store = temp.store));

function runRow(id: string, over: Partial<RunRow> = {}): RunRow {
  return {
    id, flow: 'chat', version: 1, deployment: 'blue', mode: 'async', status: 'running', inputs: { q: 'hi' }, outputs: null,
    error: null, usage: null, startedAt: 1_000, endedAt: null, durationMs: null, ...over,
  };
}
function traceOf(runId: string, n: number): NodeTraceRow[] {
  return Array.from({ length: n }, (_, idx) => ({
    runId, idx, node: `n${idx}`, type: 'transform', status: 'succeeded', startMs: idx, endMs: idx + 0.5, attempts: 1,
    inputs: { x: idx }, output: { y: idx }, error: null, skipReason: null, usage: { prompt_tokens: idx },
  }));
}
const done = (id: string, over: Partial<RunRow> = {}): RunRow =>
  runRow(id, { status: 'succeeded', outputs: { answer: 42 }, usage: { prompt_tokens: 3, completion_tokens: 4 }, endedAt: 1_010, durationMs: 10.25, ...over });

describe('runs', () => {
  it('records a run before it starts and finishes it with its trace', () => {
    store.runs.start(runRow('r1'));
    expect(store.runs.get('r1')).toEqual(runRow('r1'));
    expect(store.runs.trace('r1')).toEqual([]);
    store.runs.finish({ run: done('r1'), trace: traceOf('r1', 3) });
    expect(store.runs.get('r1')).toEqual(done('r1'));
    expect(store.runs.trace('r1')).toEqual(traceOf('r1', 3));
    // Finishing again replaces the trace rather than mixing two.
    store.runs.finish({ run: done('r1', { status: 'failed', outputs: null, error: { code: 'x', message: 'boom' } }), trace: traceOf('r1', 2) });
    expect(store.runs.get('r1')?.error).toEqual({ code: 'x', message: 'boom' });
    expect(store.runs.trace('r1')).toHaveLength(2);
    expect(store.runs.get('nope')).toBeUndefined();
  });

  it('finish without a start inserts the run; a sampled-out run has no trace', () => {
    store.runs.finish({ run: done('r2', { mode: 'draft' }) });
    expect(store.runs.get('r2')?.mode).toBe('draft');
    expect(store.runs.trace('r2')).toEqual([]);
  });

  it('finish is atomic: a failure half-way leaves the run as it was and no trace', () => {
    store.runs.start(runRow('r3'));
    const trace = traceOf('r3', 4);
    (trace[2] as { node: unknown }).node = null; // violates NOT NULL after the run row and two traces were written
    expect(() => store.runs.finish({ run: done('r3'), trace })).toThrow(/NOT NULL/);
    expect(store.runs.get('r3')).toEqual(runRow('r3'));
    expect(store.runs.trace('r3')).toEqual([]);
  });

  it('stores a note instead of failing on values JSON cannot hold', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const trace = traceOf('r4', 1);
    trace[0].output = { big: 10n };
    store.runs.finish({ run: done('r4', { inputs: cyclic, outputs: { n: 1n } as never }), trace });
    expect(store.runs.get('r4')?.inputs).toEqual({ unserializable: expect.stringMatching(/circular/i) });
    expect(store.runs.get('r4')?.outputs).toEqual({ unserializable: expect.stringMatching(/BigInt/) });
    expect(store.runs.trace('r4')[0].output).toEqual({ unserializable: expect.stringMatching(/BigInt/) });
  });

  it('lists newest first with filters, paging and a bounded limit', () => {
    for (let i = 0; i < 12; i++) {
      store.runs.finish({ run: done(`l${i}`, { startedAt: 10_000 + i, flow: i % 2 ? 'odd' : 'even', deployment: i % 3 ? 'blue' : null, status: i === 5 ? 'failed' : 'succeeded' }) });
    }
    expect(store.runs.list({}).map((r) => r.id)).toEqual(Array.from({ length: 12 }, (_, i) => `l${11 - i}`));
    expect(store.runs.list({ flow: 'odd' }).map((r) => r.id)).toEqual(['l11', 'l9', 'l7', 'l5', 'l3', 'l1']);
    expect(store.runs.list({ deployment: 'blue', flow: 'even' }).map((r) => r.id)).toEqual(['l10', 'l8', 'l4', 'l2']);
    expect(store.runs.list({ status: 'failed' }).map((r) => r.id)).toEqual(['l5']);
    expect(store.runs.list({ before: 10_003 }).map((r) => r.id)).toEqual(['l2', 'l1', 'l0']);
    expect(store.runs.list({ limit: 2 }).map((r) => r.id)).toEqual(['l11', 'l10']);
    expect(store.runs.list({ limit: 0 })).toHaveLength(1);
    expect(store.runs.list({ limit: -5 })).toHaveLength(1);
    expect(store.runs.list({ limit: Number.NaN })).toHaveLength(12);
    expect(store.runs.list({ limit: Infinity })).toHaveLength(12);
  });

  it('caps list at 500 and defaults to 50', () => {
    for (let i = 0; i < 510; i++) store.runs.enqueue({ run: done(`m${i}`, { startedAt: i }) });
    store.runs.flush();
    expect(store.runs.list({})).toHaveLength(50);
    expect(store.runs.list({ limit: 10_000 })).toHaveLength(500);
  });

  it('markInterrupted finishes what a previous process left queued or running', () => {
    store.runs.start(runRow('q', { status: 'queued' }));
    store.runs.start(runRow('r', { status: 'running', startedAt: 5 }));
    store.runs.finish({ run: done('s') });
    store = temp.reopen();
    const before = Date.now();
    expect(store.runs.markInterrupted()).toBe(2);
    for (const id of ['q', 'r']) {
      const row = store.runs.get(id)!;
      expect(row.status).toBe('interrupted');
      expect(row.endedAt).toBeGreaterThanOrEqual(before);
      expect(row.error).toEqual({ code: 'interrupted', message: 'the server stopped before this run finished' });
    }
    expect(store.runs.get('s')?.status).toBe('succeeded');
    expect(store.runs.markInterrupted()).toBe(0);
  });

  it('stores events and replays them after a sequence number', () => {
    store.runs.start(runRow('e'));
    const events = [1, 2, 3, 4].map((seq) => ({ runId: 'e', seq, type: seq === 4 ? 'run.finished' : 'node.started', data: { seq, type: 'x' } }));
    store.runs.appendEvents(events);
    store.runs.appendEvents([events[0]]);
    store.runs.appendEvents([]);
    expect(store.runs.events('e', 0)).toEqual(events);
    expect(store.runs.events('e', 2).map((e) => e.seq)).toEqual([3, 4]);
    expect(store.runs.events('e', 4)).toEqual([]);
    expect(store.runs.events('other', 0)).toEqual([]);
  });
});

describe('paging runs', () => {
  it('pages by (start time, id) so runs started in the same millisecond are neither skipped nor repeated', () => {
    const at = 1_700_000_000_000;
    for (const id of ['a', 'b', 'c', 'd', 'e']) store.runs.finish({ run: done(id, { startedAt: at }) });
    store.runs.finish({ run: done('older', { startedAt: at - 1 }) });
    const seen: string[] = [];
    let cursor: { before?: number; beforeId?: string } = {};
    for (let page = 0; page < 10; page++) {
      const rows = store.runs.list({ ...cursor, limit: 2 });
      if (!rows.length) break;
      seen.push(...rows.map((r) => r.id));
      const last = rows[rows.length - 1];
      cursor = { before: last.startedAt, beforeId: last.id };
    }
    expect(seen).toEqual(['e', 'd', 'c', 'b', 'a', 'older']);
  });
});
