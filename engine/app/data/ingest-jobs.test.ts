import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelCatalog } from '../../models/catalog.ts';
import type { LoadedModel } from '../../models/types.ts';
import { openStore } from '../../store/open.ts';
import type { Store } from '../../store/types.ts';
import { ADMIN, makeApi, type Api } from '../../../test/helpers/api.ts';
import { DataIndexes } from './indexes.ts';
import { StoreQueue } from '../../queue/store-queue.ts';
import type { JobEvent, JobProgress } from './ingest-progress.ts';
import { ModelDeployments } from '../model-deployments.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const BOILERPLATE = 'This manual belongs to the Northgate depot. Return it to the front desk when you are done with it.';

/** A distinct file: its own subject, shared boilerplate first. */
function file(i: number): { name: string; bytes: Uint8Array } {
  const body = Array.from({ length: 6 }, (_, k) => `Machine ${i} needs part ${i * 10 + k} replaced every ${k + 2} weeks, says crew ${i % 7}.`).join(' ');
  return { name: `m${String(i).padStart(2, '0')}.md`, bytes: enc(`# Machine ${i}\n\n${BOILERPLATE}\n\n## Parts\n\n${body}`) };
}

describe('ingestion jobs with files read side by side', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'weir-ingest-'));
  let store: Store;
  let deployments: ModelDeployments;
  let indexes: DataIndexes;
  /** Every text the embedder was asked for, through a counting view of the real model. */
  const embedded: string[] = [];

  beforeAll(async () => {
    store = await openStore({ dataDir: dir });
    deployments = new ModelDeployments(store, new ModelCatalog(() => store.models.list()));
    const counting = new Map<string, LoadedModel>();
    indexes = new DataIndexes(store, dir, async (id) => {
      const real = await deployments.use(id);
      let m = counting.get(id);
      if (!m) {
        m = {
          entry: real.entry,
          contextLength: real.contextLength,
          workerTokenizer: (real as { workerTokenizer?: unknown }).workerTokenizer,
          embed: (texts: string[], opts?: { signal?: AbortSignal }) => {
            embedded.push(...texts);
            return real.embed!(texts, opts);
          },
          tokenize: (text: string) => real.tokenize(text),
          dispose: async () => {},
        } as LoadedModel;
        counting.set(id, m);
      }
      return m;
    });
  });
  afterAll(async () => {
    await indexes.jobs.close();
    await deployments.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('embeds a chunk that several files in flight share once, and reports each file in job order', async () => {
    await indexes.create({ name: 'depot', chunkTokens: 32, overlapTokens: 0 });
    embedded.length = 0;
    const files = Array.from({ length: 8 }, (_, i) => file(i));
    const events: JobEvent[] = [];
    const view = await indexes.addFiles('depot', files, {}, (p) => p.on('event', (e: JobEvent) => events.push(e)));
    expect(view.status).toBe('succeeded');
    expect(view.results.map((r) => [r.name, r.status])).toEqual(files.map((f) => [f.name, 'added']));
    // The boilerplate chunk is in every file but was embedded once, and nothing twice.
    expect(embedded.filter((t) => t === BOILERPLATE)).toHaveLength(1);
    expect(new Set(embedded).size).toBe(embedded.length);
    // `file` events come in the job's order even though files are read several at a time.
    expect(events.filter((e) => e.event === 'file').map((e) => (e.data as { name: string }).name)).toEqual(files.map((f) => f.name));
    const last = events.filter((e) => e.event === 'progress').at(-1)!.data as { percent: number; bytes: { done: number; total: number } };
    expect(last.bytes.done).toBe(last.bytes.total);
    // Every file's boilerplate chunk has a vector: all eight are found by it.
    const hits = await indexes.search('depot', 'Return the manual to the front desk of the Northgate depot', { mode: 'vector', k: 20 });
    expect(new Set(hits.filter((h) => h.text === BOILERPLATE).map((h) => h.source)).size).toBe(8);
    expect((await store.data.stats('depot')).documents).toBe(8);
  });

  it('stops a cancelled job at once: queued work is dropped and unread files stay pending', async () => {
    await indexes.create({ name: 'stopped' });
    const files = Array.from({ length: 30 }, (_, i) => file(100 + i));
    const job = await indexes.jobs.enqueue('stopped', files);
    // Live once a worker has taken it from the queue.
    const live = await new Promise<JobProgress>((resolve) => void indexes.jobs.wait(job.id, resolve));
    await new Promise<void>((resolve) => live.on('event', (e: JobEvent) => e.event === 'file' && resolve()));
    await indexes.jobs.cancel(job.id);
    const view = await indexes.jobs.wait(job.id);
    expect(view.status).toBe('cancelled');
    expect(view.files.done).toBeLessThan(30);
    // What was committed is whole: each done file's chunks are all stored and searchable.
    for (const r of view.results) expect(await store.data.documentChunks('stopped', r.name)).toHaveLength(r.chunks!);
  });

  it('stops a job cancelled through another instance after the file it is on', async () => {
    await indexes.create({ name: 'elsewhere' });
    // Another instance on the same store, serving only (its queue has no workers).
    const queue = new StoreQueue(store);
    const other = new DataIndexes(store, dir, (id) => deployments.use(id), undefined, queue);
    try {
      const job = await indexes.jobs.enqueue('elsewhere', Array.from({ length: 30 }, (_, i) => file(200 + i)));
      const live = await new Promise<JobProgress>((resolve) => void indexes.jobs.wait(job.id, resolve));
      await new Promise<void>((resolve) => live.on('event', (e: JobEvent) => e.event === 'file' && resolve()));
      expect(other.jobs.follow(job.id)).toBeUndefined();
      await other.jobs.cancel(job.id);
      const view = await indexes.jobs.wait(job.id);
      expect(view.status).toBe('cancelled');
      expect(view.files.done).toBeLessThan(30);
      expect((await other.jobs.get(job.id)).status).toBe('cancelled');
    } finally {
      await other.close();
      await queue.close();
    }
  });
});

describe('the server while a 40-document ingestion runs', () => {
  let api: Api;
  let server: ReturnType<typeof serve>;
  let url: string;
  beforeAll(async () => {
    api = makeApi();
    await new Promise<void>((resolve) => {
      server = serve({ fetch: api.app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
        url = `http://127.0.0.1:${info.port}`;
        resolve();
      });
    });
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await api.ws.data.jobs.close();
    await api.close();
  });

  it('keeps answering other requests, many of them, before the job ends', async () => {
    const call = (method: string, p: string, body?: unknown) =>
      fetch(url + p, { method, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    expect((await call('POST', '/api/indexes', { name: 'depot' })).status).toBe(201);
    const documents = Array.from({ length: 40 }, (_, i) => ({ name: `d${i}.md`, content: new TextDecoder().decode(file(i).bytes) }));
    const started = await call('POST', '/api/indexes/depot/documents', { documents });
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as { id: string };
    let ended = false;
    const job = api.ws.data.jobs.wait(id).then((v) => {
      ended = true;
      return v;
    });
    // One request at a time, for as long as the job runs.
    let answered = 0;
    while (!ended) {
      const r = await call('GET', '/healthz');
      expect(r.status).toBe(200);
      await r.json();
      if (!ended) answered++;
    }
    const view = await job;
    expect(view).toMatchObject({ status: 'succeeded', files: { total: 40, done: 40, failed: 0 } });
    // With embedding on the event loop, a request got through only between two batches (one a
    // file here): a few dozen at most. Off the loop, the server answers all the while.
    expect(answered).toBeGreaterThan(400);
  }, 120_000);
});
