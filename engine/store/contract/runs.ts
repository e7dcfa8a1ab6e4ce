import { describe, expect, it } from 'vitest';
import type { NodeTraceRow, RunRow } from '../types.ts';
import type { StoreContext } from './index.ts';

function runRow(id: string, over: Partial<RunRow> = {}): RunRow {
  return {
    id, flow: 'chat', version: 1, deployment: 'blue', mode: 'async', status: 'running', inputs: { q: 'hi' }, outputs: null,
    error: null, usage: null, startedAt: 1_000, endedAt: null, durationMs: null, ...over,
  };
}
function traceOf(runId: string, n: number): NodeTraceRow[] {
  return Array.from({ length: n }, (_, idx) => ({
    runId, idx, node: `n${idx}`, type: 'transform', status: 'succeeded', startMs: idx, endMs: idx + 0.5, attempts: 1,
    inputs: { x: idx }, output: { y: idx }, error: null, skipReason: null, usage: { prompt_tokens: idx }, logs: null,
  }));
}
const done = (id: string, over: Partial<RunRow> = {}): RunRow =>
  runRow(id, { status: 'succeeded', outputs: { answer: 42 }, usage: { prompt_tokens: 3, completion_tokens: 4 }, endedAt: 1_010, durationMs: 10.25, ...over });

export function runsContract(ctx: StoreContext): void {
  describe('runs', () => {
    it('records a run before it starts and finishes it with its trace', async () => {
      const store = ctx.store;
      await store.runs.start(runRow('r1'));
      expect(await store.runs.get('r1')).toEqual(runRow('r1'));
      expect(await store.runs.trace('r1')).toEqual([]);
      await store.runs.finish({ run: done('r1'), trace: traceOf('r1', 3) });
      expect(await store.runs.get('r1')).toEqual(done('r1'));
      expect(await store.runs.trace('r1')).toEqual(traceOf('r1', 3));
      // Finishing again replaces the trace rather than mixing two.
      await store.runs.finish({ run: done('r1', { status: 'failed', outputs: null, error: { code: 'x', message: 'boom' } }), trace: traceOf('r1', 2) });
      expect((await store.runs.get('r1'))?.error).toEqual({ code: 'x', message: 'boom' });
      expect(await store.runs.trace('r1')).toHaveLength(2);
      expect(await store.runs.get('nope')).toBeUndefined();
    });

    it('finish without a start inserts the run; a sampled-out run has no trace', async () => {
      const store = ctx.store;
      await store.runs.finish({ run: done('r2', { mode: 'draft' }) });
      expect((await store.runs.get('r2'))?.mode).toBe('draft');
      expect(await store.runs.trace('r2')).toEqual([]);
    });

    it('finish is atomic: a failure half-way leaves the run as it was and no trace', async () => {
      const store = ctx.store;
      await store.runs.start(runRow('r3'));
      const trace = traceOf('r3', 4);
      (trace[2] as { node: unknown }).node = null; // violates NOT NULL after the run row and two traces were written
      await expect(store.runs.finish({ run: done('r3'), trace })).rejects.toThrow(/not[- ]null/i);
      expect(await store.runs.get('r3')).toEqual(runRow('r3'));
      expect(await store.runs.trace('r3')).toEqual([]);
    });

    it('stores a note instead of failing on values JSON cannot hold', async () => {
      const store = ctx.store;
      const cyclic: Record<string, unknown> = { a: 1 };
      cyclic.self = cyclic;
      const trace = traceOf('r4', 1);
      trace[0].output = { big: 10n };
      await store.runs.finish({ run: done('r4', { inputs: cyclic, outputs: { n: 1n } as never }), trace });
      expect((await store.runs.get('r4'))?.inputs).toEqual({ unserializable: expect.stringMatching(/circular/i) });
      expect((await store.runs.get('r4'))?.outputs).toEqual({ unserializable: expect.stringMatching(/BigInt/) });
      expect((await store.runs.trace('r4'))[0].output).toEqual({ unserializable: expect.stringMatching(/BigInt/) });
    });

    it('gives back every JSON value as it was stored: strings (JSON-looking ones too), numbers, null, lists', async () => {
      const store = ctx.store;
      const values: unknown[] = ['Hi x', '42', '"quoted"', '{"a":1}', '', 0, 3.5, true, null, ['a', 1, null], { nested: ['x'] }];
      const trace = values.map((v, i) => ({ ...traceOf('rv', values.length)[i], inputs: v, output: v }));
      await store.runs.finish({ run: done('rv', { inputs: { text: 'Hi x' }, outputs: { greeting: 'Hello, Ada!', n: '42' } }), trace });
      const run = (await store.runs.get('rv'))!;
      expect(run.inputs).toEqual({ text: 'Hi x' });
      expect(run.outputs).toEqual({ greeting: 'Hello, Ada!', n: '42' });
      const back = await store.runs.trace('rv');
      expect(back.map((t) => t.output)).toEqual(values);
      expect(back.map((t) => t.inputs)).toEqual(values);
      await store.runs.appendEvents(values.map((data, i) => ({ runId: 'rv', seq: i + 1, type: 'x', data })));
      expect((await store.runs.events('rv', 0)).map((e) => e.data)).toEqual(values);
    });

    it("keeps each node's log lines with its trace, written at once or group-committed, and null where it logged nothing", async () => {
      const store = ctx.store;
      const logs = [
        { level: 'info', message: 'round 1: 2 tool calls', at_ms: 1.25, data: { round: 1, finish_reason: 'tool_calls', tools: ['add', 'look up'] } },
        { level: 'warn', message: 'naïve “quotes” \u0000 and \ud83d\ude00', at_ms: 2, attempt: 2 },
        { level: 'debug', message: 'big', at_ms: 3, data: { truncated: true, chars: 40_000, preview: '{"x":' } },
        { level: 'warn', message: '5 more log lines were dropped', at_ms: 4, dropped: 5 },
      ];
      const trace = traceOf('rl', 2).map((t, i) => ({ ...t, logs: i === 0 ? logs : null }));
      await store.runs.finish({ run: done('rl'), trace });
      expect(await store.runs.trace('rl')).toEqual(trace);
      store.runs.enqueue({ run: done('rq'), trace: trace.map((t) => ({ ...t, runId: 'rq' })) });
      await store.runs.flush();
      expect((await store.runs.trace('rq')).map((t) => t.logs)).toEqual([logs, null]);
      // A run finished again (an async run's last finish) replaces its lines rather than keeping stale ones.
      await store.runs.finish({ run: done('rl'), trace: traceOf('rl', 2) });
      expect((await store.runs.trace('rl')).map((t) => t.logs)).toEqual([null, null]);
    });

    it('lists newest first with filters, paging and a bounded limit', async () => {
      const store = ctx.store;
      for (let i = 0; i < 12; i++) {
        await store.runs.finish({ run: done(`l${i}`, { startedAt: 10_000 + i, flow: i % 2 ? 'odd' : 'even', deployment: i % 3 ? 'blue' : null, status: i === 5 ? 'failed' : 'succeeded' }) });
      }
      const ids = async (filter: Parameters<typeof store.runs.list>[0]) => (await store.runs.list(filter)).map((r) => r.id);
      expect(await ids({})).toEqual(Array.from({ length: 12 }, (_, i) => `l${11 - i}`));
      expect(await ids({ flow: 'odd' })).toEqual(['l11', 'l9', 'l7', 'l5', 'l3', 'l1']);
      expect(await ids({ deployment: 'blue', flow: 'even' })).toEqual(['l10', 'l8', 'l4', 'l2']);
      expect(await ids({ status: 'failed' })).toEqual(['l5']);
      expect(await ids({ before: 10_003 })).toEqual(['l2', 'l1', 'l0']);
      expect(await ids({ limit: 2 })).toEqual(['l11', 'l10']);
      expect(await store.runs.list({ limit: 0 })).toHaveLength(1);
      expect(await store.runs.list({ limit: -5 })).toHaveLength(1);
      expect(await store.runs.list({ limit: Number.NaN })).toHaveLength(12);
      expect(await store.runs.list({ limit: Infinity })).toHaveLength(12);
    });

    it('caps list at 500 and defaults to 50', async () => {
      const store = ctx.store;
      // enqueue hands the run over synchronously; flush writes what is queued.
      for (let i = 0; i < 510; i++) expect(store.runs.enqueue({ run: done(`m${i}`, { startedAt: i }) })).toBeUndefined();
      await store.runs.flush();
      expect(await store.runs.list({})).toHaveLength(50);
      expect(await store.runs.list({ limit: 10_000 })).toHaveLength(500);
    });

    it('enqueued runs are written with their traces, and written by themselves without a flush', async () => {
      const store = ctx.store;
      store.runs.enqueue({ run: done('q1'), trace: traceOf('q1', 3) });
      store.runs.enqueue({ run: done('q2', { startedAt: 2_000 }) });
      await store.runs.flush();
      expect(await store.runs.get('q1')).toEqual(done('q1'));
      expect(await store.runs.trace('q1')).toEqual(traceOf('q1', 3));
      expect(await store.runs.flush()).toBeUndefined();
      // Group commit writes "within a few milliseconds" on its own.
      store.runs.enqueue({ run: done('q3') });
      const deadline = Date.now() + 5_000;
      while (!(await store.runs.get('q3')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect((await store.runs.get('q3'))?.status).toBe('succeeded');
    });

    it('markInterrupted finishes what a previous process left queued or running', async () => {
      let store = ctx.store;
      await store.runs.start(runRow('q', { status: 'queued' }));
      await store.runs.start(runRow('r', { status: 'running', startedAt: 5 }));
      await store.runs.finish({ run: done('s') });
      store = await ctx.reopen();
      const before = Date.now();
      expect(await store.runs.markInterrupted()).toBe(2);
      for (const id of ['q', 'r']) {
        const row = (await store.runs.get(id))!;
        expect(row.status).toBe('interrupted');
        expect(row.endedAt).toBeGreaterThanOrEqual(before);
        expect(row.error).toEqual({ code: 'interrupted', message: 'the server stopped before this run finished' });
      }
      expect((await store.runs.get('s'))?.status).toBe('succeeded');
      expect(await store.runs.markInterrupted()).toBe(0);
    });

    it('markInterrupted with ids marks only those runs (an instance stopping leaves the others its peers run)', async () => {
      const store = ctx.store;
      for (const id of ['mine', 'theirs', 'mine-too']) await store.runs.start(runRow(id, { status: 'running' }));
      await store.runs.finish({ run: done('mine-done') });
      expect(await store.runs.markInterrupted([])).toBe(0);
      expect(await store.runs.markInterrupted(['mine', 'mine-too', 'mine-done', 'unknown'])).toBe(2);
      expect((await store.runs.get('mine'))?.status).toBe('interrupted');
      expect((await store.runs.get('mine-too'))?.status).toBe('interrupted');
      expect((await store.runs.get('theirs'))?.status).toBe('running');
      expect((await store.runs.get('mine-done'))?.status).toBe('succeeded');
    });

    it('stores events and replays them after a sequence number', async () => {
      const store = ctx.store;
      await store.runs.start(runRow('e'));
      const events = [1, 2, 3, 4].map((seq) => ({ runId: 'e', seq, type: seq === 4 ? 'run.finished' : 'node.started', data: { seq, type: 'x' } }));
      await store.runs.appendEvents(events);
      await store.runs.appendEvents([events[0]]);
      await store.runs.appendEvents([]);
      expect(await store.runs.events('e', 0)).toEqual(events);
      expect((await store.runs.events('e', 2)).map((e) => e.seq)).toEqual([3, 4]);
      expect(await store.runs.events('e', 4)).toEqual([]);
      expect(await store.runs.events('other', 0)).toEqual([]);
    });
  });

  describe('paging runs', () => {
    it('pages by (start time, id) so runs started in the same millisecond are neither skipped nor repeated', async () => {
      const store = ctx.store;
      const at = 1_700_000_000_000;
      for (const id of ['a', 'b', 'c', 'd', 'e']) await store.runs.finish({ run: done(id, { startedAt: at }) });
      await store.runs.finish({ run: done('older', { startedAt: at - 1 }) });
      const seen: string[] = [];
      let cursor: { before?: number; beforeId?: string } = {};
      for (let page = 0; page < 10; page++) {
        const rows = await store.runs.list({ ...cursor, limit: 2 });
        if (!rows.length) break;
        seen.push(...rows.map((r) => r.id));
        const last = rows[rows.length - 1];
        cursor = { before: last.startedAt, beforeId: last.id };
      }
      expect(seen).toEqual(['e', 'd', 'c', 'b', 'a', 'older']);
    });
  });
}
