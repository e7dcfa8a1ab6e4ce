import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../engine/store/open.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

const ADMIN = 'crash-admin-token';
const MASTER = Buffer.alloc(32, 3).toString('base64');
const COLOURS = ['amber', 'cobalt', 'crimson', 'emerald', 'ivory', 'jade', 'maroon', 'ochre', 'scarlet', 'teal'];

/** Distinct files: each names its own warehouse and the colour of its door, among varied filler. */
function file(i: number): string {
  const filler = Array.from({ length: 12 }, (_, j) => `Shelf ${j} of warehouse ${i} stores ${(i * 31 + j * 7) % 90} boxes of parts for order ${i * 100 + j}.`).join(' ');
  return `Warehouse ${i} report\n\nThe door of warehouse ${i} is painted ${COLOURS[i % 10]}. ${filler}\n\nInventory of warehouse ${i} is counted every ${i + 2} weeks.`;
}

async function call(s: ServerProcess, method: string, url: string, body?: unknown) {
  const res = await fetch(s.url + url, { method, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: (await res.json().catch(() => undefined)) as any };
}

describe('an ingestion job cut short by SIGKILL', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'weir-data-crash-'));
  const env = process.env.WEIR_MASTER_KEY;
  process.env.WEIR_MASTER_KEY = MASTER;
  let server: ServerProcess | undefined;
  afterAll(() => {
    server?.child.kill('SIGKILL');
    process.env.WEIR_MASTER_KEY = env;
    rmSync(dir, { recursive: true, force: true });
  });

  it('resumes at the next start without duplicating chunks, and every chunk is searchable', async () => {
    const N = 40;
    server = await startServerProcess(dir, ADMIN);
    expect((await call(server, 'POST', '/api/indexes', { name: 'stock' })).status).toBe(201);
    const documents = Array.from({ length: N }, (_, i) => ({ name: `w${String(i).padStart(2, '0')}.txt`, content: file(i) }));
    const job = await call(server, 'POST', '/api/indexes/stock/documents', { documents });
    expect(job.status).toBe(202);

    // Kill once some files are in, well before the end (vectors are saved every 10 s, so the done
    // files' vectors are not on disk yet: the restart has to rebuild them from the store).
    let done = 0;
    for (let t = 0; t < 600 && done < 4; t++) {
      const r = await call(server, 'GET', `/api/indexes/stock/jobs/${job.json.id}`);
      done = r.json.files.done;
      if (done < 4) await new Promise((r) => setTimeout(r, 25));
    }
    expect(done).toBeGreaterThanOrEqual(4);
    server.child.kill('SIGKILL');
    await server.exited;

    server = await startServerProcess(dir, ADMIN);
    expect(server.output()).toMatch(/resuming 1 ingestion job/);
    let view: any;
    for (let t = 0; t < 1200; t++) {
      view = (await call(server, 'GET', `/api/indexes/stock/jobs/${job.json.id}`)).json;
      if (view.status !== 'running' && view.status !== 'queued') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(view).toMatchObject({ status: 'succeeded', files: { total: N, done: N, failed: 0 } });
    // A file whose document was committed just before the kill, but not yet marked done, is found
    // unchanged on resume (same bytes, chunks present): at most one, and never added twice.
    const statuses = view.results.map((r: any) => r.status);
    expect(statuses.filter((st: string) => st !== 'added' && st !== 'unchanged')).toEqual([]);
    expect(statuses.filter((st: string) => st === 'unchanged').length).toBeLessThanOrEqual(1);

    // An early file (indexed before the kill) and a late one are both found by meaning alone.
    for (const i of [0, 1, N - 1]) {
      const hits = (await call(server, 'POST', '/api/indexes/stock/search', { query: `What colour is the door of warehouse ${i}?`, mode: 'vector', top_k: 3, sources: [`w${String(i).padStart(2, '0')}.txt`] })).json.data;
      expect(hits[0].text).toContain(`painted ${COLOURS[i % 10]}`);
    }
    const index = (await call(server, 'GET', '/api/indexes/stock')).json;
    expect(index.documents).toBe(N);
    server.child.kill('SIGTERM');
    await server.exited;
    server = undefined;

    // No duplicates: each document's chunks are 0..n-1 once, and the total matches the documents.
    const store = await openStore({ dataDir: dir, masterKey: MASTER });
    try {
      const docs = await store.data.listDocuments('stock');
      let total = 0;
      for (const d of docs) {
        const idx = (await store.data.documentChunks('stock', d.name)).map((c) => c.idx);
        expect(idx).toEqual(Array.from({ length: d.chunks }, (_, k) => k));
        total += d.chunks;
      }
      expect((await store.data.stats('stock')).chunks).toBe(total);
      expect(await store.data.chunkHashes('stock')).toHaveLength(total);
    } finally {
      await store.close();
    }
  }, 120_000);
});
