import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DB_FILE, openSqliteStore } from './sqlite/open.ts';
import type { RunsRepo } from './sqlite/runs-repo.ts';
import type { FinishedRun, NodeTraceRow, RunRow, Store } from './types.ts';

function runRow(id: string, over: Partial<RunRow>): RunRow {
  return { id, flow: 'chat', version: 1, deployment: 'blue', mode: 'sync', status: 'running', inputs: { q: id }, outputs: null, error: null, usage: null, startedAt: 1_000, endedAt: null, durationMs: null, ...over };
}
function traceOf(runId: string, n: number): NodeTraceRow[] {
  return Array.from({ length: n }, (_, idx) => ({
    runId, idx, node: `n${idx}`, type: 'transform', status: 'succeeded', startMs: idx, endMs: idx + 0.5, attempts: 1,
    inputs: { x: idx }, output: { y: idx }, error: null, skipReason: null, usage: null, logs: null,
  }));
}

let dataDir: string;
let store: Store;
const open = (batchMs: number) => (store = openSqliteStore({ dataDir, batchMs }));
// The SQLite store hands its group-commit writer through with the async runs port.
const writer = () => (store.runs as unknown as RunsRepo).writer;
const finished = (id: string): FinishedRun => ({ run: runRow(id, { mode: 'sync', status: 'succeeded', outputs: { ok: true }, endedAt: 1_001, durationMs: 1 }), trace: traceOf(id, 5) });

/** What another connection (another process) sees: only committed rows. */
function committedRuns(): number {
  const raw = new Database(join(dataDir, DB_FILE), { readonly: true });
  try {
    return raw.prepare('SELECT count(*) FROM runs').pluck().get() as number;
  } finally {
    raw.close();
  }
}

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'weir-store-'));
});
afterEach(async () => {
  await store?.close();
  vi.restoreAllMocks();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('group commit', () => {
  it('writes enqueued runs together in one transaction when flushed', async () => {
    open(60_000);
    const commits = writer().commits;
    for (let i = 0; i < 100; i++) store.runs.enqueue(finished(`g${i}`));
    expect(await store.runs.get('g0')).toBeUndefined();
    expect(committedRuns()).toBe(0);
    await store.runs.flush();
    expect(writer().commits).toBe(commits + 1);
    expect(committedRuns()).toBe(100);
    expect(await store.runs.trace('g99')).toEqual(traceOf('g99', 5));
    await store.runs.flush();
    expect(writer().commits).toBe(commits + 1);
  });

  it('flushes on its own within a few milliseconds', async () => {
    open(5);
    for (let i = 0; i < 10; i++) store.runs.enqueue(finished(`t${i}`));
    expect(committedRuns()).toBe(0);
    await vi.waitFor(() => expect(committedRuns()).toBe(10), { timeout: 1_000, interval: 2 });
    expect(writer().commits).toBe(1);
    expect(writer().pending).toBe(0);
  });

  it('a bad run does not take the rest of its batch down; it is logged', async () => {
    open(60_000);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const bad = finished('bad');
    (bad.run as { flow: unknown }).flow = null;
    store.runs.enqueue(finished('ok1'));
    store.runs.enqueue(bad);
    store.runs.enqueue(finished('ok2'));
    await store.runs.flush();
    expect((await store.runs.get('ok1'))?.status).toBe('succeeded');
    expect((await store.runs.get('ok2'))?.status).toBe('succeeded');
    expect(await store.runs.trace('ok2')).toHaveLength(5);
    expect(await store.runs.get('bad')).toBeUndefined();
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('run bad could not be stored'), expect.anything());
  });

  it('a repeated run id updates its row instead of failing the batch', async () => {
    open(60_000);
    const logged = vi.spyOn(console, 'error');
    store.runs.enqueue(finished('dup'));
    const again = finished('dup');
    again.run.status = 'failed';
    again.trace![4].status = 'failed';
    store.runs.enqueue(again);
    await store.runs.flush();
    expect(writer().commits).toBe(1);
    expect(logged).not.toHaveBeenCalled();
    expect((await store.runs.get('dup'))?.status).toBe('failed');
    expect((await store.runs.trace('dup')).map((t) => t.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded', 'failed']);
  });

  it('close flushes what is queued, and refuses more afterwards', async () => {
    open(60_000);
    const runs = store.runs;
    runs.enqueue(finished('c1'));
    await store.close();
    expect(() => runs.enqueue(finished('c2'))).toThrow(expect.objectContaining({ code: 'store_closed' }));
    open(5);
    expect((await store.runs.get('c1'))?.status).toBe('succeeded');
  });
});
