import { afterEach, describe, expect, it } from 'vitest';
import { chunkDocument } from '../../data/chunking.ts';
import { loadDocument } from '../../data/loaders/index.ts';
import { WeirError } from '../../errors.ts';
import { useTokenizer } from '../../models/providers/use-lite-thread.ts';
import type { FixtureTask } from '../../../test/fixtures/compute/fixture-worker.ts';
import { ComputePool, inBackground } from './compute-pool.ts';
import { compute } from './shared-pool.ts';

const FIXTURE = new URL('../../../test/fixtures/compute/fixture-worker.ts', import.meta.url).href;

const pools: ComputePool[] = [];
function pool(threads: number, spare = true): { run: (t: FixtureTask, o?: Parameters<ComputePool['run']>[1]) => Promise<unknown> } {
  const p = new ComputePool(FIXTURE, 'fixture-worker', { threads, spare, idleTimeoutMs: 60_000 });
  pools.push(p);
  return { run: (t, o) => p.run(t, o) };
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('compute pool', () => {
  it('turns a worker failure into a WeirError with its code, status and path', async () => {
    const p = pool(1);
    expect(await p.run({ do: 'value', value: { a: [1, 2] } })).toEqual({ a: [1, 2] });
    const err = await p.run({ do: 'fail', code: 'unreadable_file', status: 422 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WeirError);
    expect(err).toMatchObject({ code: 'unreadable_file', status: 422, path: ['files', 0], message: 'failed with unreadable_file' });
    // A bug that throws in the worker is still a WeirError, not a bare Error.
    await expect(p.run({ do: 'throw' })).rejects.toMatchObject({ code: 'compute_failed', status: 500 });
  });

  it('fails the task of a thread that dies instead of leaving its caller waiting, and carries on', async () => {
    const p = pool(1, false);
    const dying = p.run({ do: 'exit' });
    const queued = p.run({ do: 'value', value: 'after' });
    await expect(dying).rejects.toMatchObject({ code: 'compute_failed', status: 500 });
    await expect(dying).rejects.toBeInstanceOf(WeirError);
    expect(await queued).toBe('after');
  });

  it('runs interactive tasks before queued background ones, on a thread background work may not take', async () => {
    const p = pool(1);
    const order: string[] = [];
    const track = (name: string, task: Promise<unknown>) => task.then(() => order.push(name));
    const background = inBackground(async () => [
      track('bg-spin', p.run({ do: 'spin', ms: 400 })),
      track('bg-1', p.run({ do: 'value', value: 1 })),
      track('bg-2', p.run({ do: 'value', value: 2 })),
    ]);
    const interactive = track('question', p.run({ do: 'value', value: 'q' }));
    await Promise.all([...(await background), interactive]);
    // The question did not wait for the background spin (one thread is kept for it), nor for the
    // background tasks queued before it.
    expect(order).toEqual(['question', 'bg-spin', 'bg-1', 'bg-2']);
  });

  it('drops a cancelled task that has not started, and the rest still run', async () => {
    const p = pool(1, false);
    const ctl = new AbortController();
    const order: string[] = [];
    const first = p.run({ do: 'spin', ms: 300, value: 'first' }).then((v) => order.push(String(v)));
    const dropped = p.run({ do: 'value', value: 'dropped' }, { signal: ctl.signal }).then(
      () => order.push('dropped'),
      (e: unknown) => order.push(`rejected:${(e as WeirError).code}`),
    );
    const last = p.run({ do: 'value', value: 'last' }).then((v) => order.push(String(v)));
    ctl.abort();
    await Promise.all([first, dropped, last]);
    expect(order).toEqual(['rejected:aborted', 'first', 'last']);
    await expect(p.run({ do: 'value', value: 1 }, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'aborted', status: 499 });
  });

  it('ends the thread of a task that never stops when asked to, and the next task gets a new one', async () => {
    const p = pool(1, false);
    const ctl = new AbortController();
    const stuck = p.run({ do: 'forever' }, { signal: ctl.signal, endThreadOnAbort: true });
    setTimeout(() => ctl.abort(new WeirError('node_timeout', 'took too long', { status: 504 })), 200);
    await expect(stuck).rejects.toMatchObject({ code: 'node_timeout', status: 504 });
    expect(await p.run({ do: 'value', value: 'alive' })).toBe('alive');
  });

  it('refuses work once closed', async () => {
    const p = new ComputePool(FIXTURE, 'fixture-worker', { threads: 1 });
    const settled = Promise.allSettled([p.run({ do: 'spin', ms: 200 }), p.run({ do: 'value', value: 1 }), p.run({ do: 'value', value: 2 })]);
    await p.close();
    // The running task and those waiting for a thread fail with `closing`, never hang.
    expect((await settled).map((s) => (s.status === 'rejected' ? s.reason.code : s.status))).toEqual(['closing', 'closing', 'closing']);
    await expect(p.run({ do: 'value', value: 1 })).rejects.toMatchObject({ code: 'closing', status: 503 });
  });
});

describe('the shared compute pool, with the real worker', () => {
  it("reports a loader's error with the loader's code and status", async () => {
    const bytes = new TextEncoder().encode('just text');
    await expect(compute({ kind: 'document', name: 'notes.exe', bytes })).rejects.toMatchObject({ code: 'unsupported_file', status: 415 });
    const pdf = new TextEncoder().encode('%PDF-1.4 this is not really a pdf');
    const err = await compute({ kind: 'document', name: 'broken.pdf', bytes: pdf }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WeirError);
    expect(err).toMatchObject({ code: 'unreadable_file', status: 422 });
  });

  it('loads and chunks a document in a thread, with the chunks the main thread would make', async () => {
    const text = Array.from({ length: 30 }, (_, i) => `Sentence number ${i} talks about rivers and their banks.`).join(' ');
    const bytes = new TextEncoder().encode(`# Rivers\n\n${text}`);
    const out = await compute({ kind: 'document', name: 'rivers.md', bytes, chunking: { tokenizer: { kind: 'use-lite' }, maxTokens: 64, overlapTokens: 8 } });
    expect(out.doc).toEqual({ name: 'rivers.md', title: 'Rivers', format: 'md' });
    expect(out.chunks!.length).toBeGreaterThan(3);
    const here = await chunkDocument(await loadDocument({ name: 'rivers.md', bytes }), { tokenize: await useTokenizer(), maxTokens: 64, overlapTokens: 8 });
    expect(out.chunks).toEqual(here);
  });
});
