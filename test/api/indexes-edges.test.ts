import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, makeApi, type Api } from '../helpers/api.ts';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Route-level checks of /api/indexes: one index with the default embedder, one small document. */
describe('indexes API edges', () => {
  let api: Api;
  const multipart = async (index: string, f: FormData, query = '') => {
    const res = await api.app.request(`/api/indexes/${index}/documents${query}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` }, body: f });
    return { status: res.status, headers: res.headers, json: (await res.json()) as any };
  };
  const err = (r: { status: number; json: any }, status: number, code: string, message?: string, param?: string | null) => {
    expect(r.status).toBe(status);
    expect(r.json.error.code).toBe(code);
    if (message !== undefined) expect(r.json.error.message).toBe(message);
    if (param !== undefined) expect(r.json.error.param).toBe(param);
  };

  beforeAll(async () => {
    api = makeApi();
    expect((await api.call('POST', '/api/indexes', { name: 'ix' })).status).toBe(201);
    const added = await api.call('POST', '/api/indexes/ix/documents?wait=1', {
      documents: [{ name: 'guide/tea.md', content: '# Tea\n\nGreen tea is steeped at 80 degrees.' }],
      tags: ['drinks'],
    });
    expect(added.status, added.text).toBe(200);
    expect(added.json.status).toBe('succeeded');
  });
  afterAll(() => api.close());

  it('answers an index with its full shape, alone and in the list', async () => {
    const r = await api.call('GET', '/api/indexes/ix');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ name: 'ix', embedding_model: 'use-lite', dimensions: 512, chunk_tokens: 256, overlap_tokens: 32, documents: 1, chunks: 1 });
    expect(r.json.tokens).toBeGreaterThan(0);
    expect(r.json.source_bytes).toBeGreaterThan(0);
    expect(r.json.disk_bytes).toBeGreaterThan(0);
    expect(r.json.created_at).toMatch(ISO);
    expect(r.json.built_at).toMatch(ISO);
    expect(r.json.last_job).toMatchObject({ index: 'ix', kind: 'add', status: 'succeeded' });
    const list = await api.call('GET', '/api/indexes');
    expect(list.json.data).toEqual([r.json]);
  });

  it('lists documents and shows one (a name with a slash) with its chunks', async () => {
    const docs = await api.call('GET', '/api/indexes/ix/documents');
    expect(docs.json.data).toEqual([{ name: 'guide/tea.md', format: expect.any(String), title: 'Tea', bytes: expect.any(Number), chunks: 1, tags: ['drinks'], sha256: expect.stringMatching(/^[0-9a-f]{64}$/), added_at: expect.stringMatching(ISO) }]);
    const one = await api.call('GET', '/api/indexes/ix/documents/guide/tea.md');
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ name: 'guide/tea.md', chunks: 1 });
    expect(one.json.chunk_list).toHaveLength(1);
    expect(one.json.chunk_list[0]).toMatchObject({ index: 0, title: 'Tea', heading_path: expect.any(Array), start: expect.any(Number), end: expect.any(Number), tokens: expect.any(Number) });
    expect(one.json.chunk_list[0].text).toContain('Green tea');
    expect(Object.keys(one.json.chunk_list[0])).toEqual(expect.arrayContaining(['id', 'index', 'text', 'title', 'heading_path', 'page', 'start', 'end', 'tokens']));
    err(await api.call('GET', '/api/indexes/ix/documents/guide/none.md'), 404, 'document_not_found', 'document "guide/none.md" not found in index "ix"');
    err(await api.call('DELETE', '/api/indexes/ix/documents/none.md'), 404, 'document_not_found', 'document "none.md" not found in index "ix"');
  });

  it('GET search: q required and bounded, mode and numbers checked by name, k as an alias of top_k', async () => {
    err(await api.call('GET', '/api/indexes/ix/search'), 400, 'invalid_request', 'q is required: the text to search for', 'q');
    err(await api.call('GET', `/api/indexes/ix/search?q=${'a'.repeat(10_001)}`), 400, 'invalid_request', 'q is longer than 10000 characters', 'q');
    err(await api.call('GET', '/api/indexes/ix/search?q=tea&mode=fuzzy'), 400, 'invalid_request', 'mode must be vector, keyword or hybrid, got "fuzzy"', 'mode');
    err(await api.call('GET', '/api/indexes/ix/search?q=tea&top_k=0'), 400, 'invalid_request', 'top_k must be an integer from 1 to 100, got "0"', 'top_k');
    err(await api.call('GET', '/api/indexes/ix/search?q=tea&top_k=101'), 400, 'invalid_request', 'top_k must be an integer from 1 to 100, got "101"', 'top_k');
    err(await api.call('GET', '/api/indexes/ix/search?q=tea&top_k=2.5'), 400, 'invalid_request', undefined, 'top_k');
    err(await api.call('GET', '/api/indexes/ix/search?q=tea&k=abc'), 400, 'invalid_request', 'k must be an integer from 1 to 100, got "abc"', 'k');
    err(await api.call('GET', '/api/indexes/ix/search?q=tea&threshold=1.5'), 400, 'invalid_request', 'threshold must be a number from -1 to 1, got "1.5"', 'threshold');
    err(await api.call('GET', '/api/indexes/ix/search?q=tea&threshold=-1.01'), 400, 'invalid_request', undefined, 'threshold');
    expect((await api.call('GET', '/api/indexes/ix/search?q=tea&mode=keyword&top_k=100&threshold=1')).status).toBe(200);
    const ok = await api.call('GET', `/api/indexes/ix/search?q=${'a'.repeat(10_000)}&top_k=&threshold=0.5&mode=keyword`);
    expect(ok.status).toBe(200);
    const hit = await api.call('GET', '/api/indexes/ix/search?q=green%20tea&mode=keyword&top_k=1&threshold=-1');
    expect(hit.status).toBe(200);
    expect(hit.json.data).toHaveLength(1);
    expect(hit.json.data[0].text).toContain('Green tea');
    expect((await api.call('GET', '/api/indexes/ix/search?q=green%20tea&mode=keyword&k=1&tag=drinks&source=guide/tea.md')).json.data).toHaveLength(1);
    expect((await api.call('GET', '/api/indexes/ix/search?q=green%20tea&mode=keyword&tag=other')).json.data).toEqual([]);
    expect((await api.call('GET', '/api/indexes/ix/search?q=green%20tea&mode=keyword&source=other.md')).json.data).toEqual([]);
  });

  it('POST search: exactly one of query or vector; vector searches default to vector mode', async () => {
    err(await api.call('POST', '/api/indexes/ix/search', {}), 400, 'invalid_request', 'give either query (text) or vector', 'query');
    err(await api.call('POST', '/api/indexes/ix/search', { query: 'tea', vector: [1] }), 400, 'invalid_request', 'give either query (text) or vector', 'query');
    err(await api.call('POST', '/api/indexes/ix/search', { query: 'tea', top_k: 0 }), 400, 'invalid_request');
    err(await api.call('POST', '/api/indexes/ix/search', { query: 'tea', extra: 1 }), 400, 'invalid_request');
    const q = await api.call('POST', '/api/indexes/ix/search', { query: 'green tea', mode: 'keyword', tags: ['drinks'], sources: ['guide/tea.md'] });
    expect(q.status).toBe(200);
    expect(q.json.data).toHaveLength(1);
    // A vector of the wrong size is refused by dimension: proof it went to a vector search.
    const v = await api.call('POST', '/api/indexes/ix/search', { vector: [0.1, 0.2] });
    expect(v.status).toBe(400);
    expect(v.json.error.message).toMatch(/512/);
    const vec = new Array(512).fill(0).map((_, i) => (i === 0 ? 1 : 0));
    const vv = await api.call('POST', '/api/indexes/ix/search', { vector: vec, threshold: -1 });
    expect(vv.status).toBe(200);
    expect(vv.json.data).toHaveLength(1);
  });

  it('uploads: other media types are 415, forms need files and known fields', async () => {
    err(await api.call('POST', '/api/indexes/ix/documents', 'hello', { 'content-type': 'text/plain' }), 415, 'unsupported_media_type', 'send files as multipart/form-data (or JSON {"documents":[{"name","content"}]}); got "text/plain"');
    const noFiles = new FormData();
    noFiles.append('text_field', 'body');
    const nf = await multipart('ix', noFiles);
    err(nf, 400, 'no_files', undefined, 'files');
    expect(nf.json.error.message).toMatch(/^the form has no files; supported types: .*\.md/);
    expect(nf.json.error.message).toMatch(/\.\w+, \.\w+/);
    const noType = await api.app.request('/api/indexes/ix/documents', { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` } });
    expect(noType.status).toBe(415);
    expect(((await noType.json()) as any).error.message).toMatch(/got "no content type"$/);
    const unknown = new FormData();
    unknown.append('files', new Blob(['x']), 'a.md');
    unknown.append('colour', 'red');
    err(await multipart('ix', unknown), 400, 'invalid_request', 'unknown form field "colour": send files, text_field and tags', 'colour');
    err(await api.call('POST', '/api/indexes/ix/documents', { documents: [] }), 400, 'invalid_request');
    err(await api.call('POST', '/api/indexes/nope/documents', { documents: [{ name: 'a.md', content: 'x' }] }), 404, 'index_not_found');
  });

  it('a multipart upload without wait is a 202 job with its location; tags from the form reach the document', async () => {
    const f = new FormData();
    f.append('files', new Blob(['Coffee is brewed at 93 degrees.']), 'coffee.md');
    f.append('tags', 'drinks, hot');
    f.append('tag', 'morning');
    const r = await multipart('ix', f);
    expect(r.status).toBe(202);
    expect(r.headers.get('location')).toBe(`/api/indexes/ix/jobs/${r.json.id}`);
    expect(r.json).toMatchObject({ index: 'ix', kind: 'add' });
    expect(r.json.files.total).toBe(1);
    const two = new FormData();
    two.append('files', new Blob(['Milk is warmed to 60 degrees.']), 'milk.md');
    two.append('files', new Blob(['Cocoa wants hot milk.']), 'cocoa.md');
    const both = await multipart('ix', two, '?wait=true');
    expect(both.status).toBe(200);
    expect(both.json.files).toMatchObject({ total: 2, done: 2 });
    for (const d of ['milk.md', 'cocoa.md']) expect((await api.call('DELETE', `/api/indexes/ix/documents/${d}`)).status).toBe(204);
    const done = await api.ws.data.jobs.wait(r.json.id);
    expect(done.status).toBe('succeeded');
    const job = await api.call('GET', `/api/indexes/ix/jobs/${r.json.id}`);
    expect(job.json).toMatchObject({ id: r.json.id, status: 'succeeded' });
    expect((await api.call('GET', '/api/indexes/ix/jobs')).json.data.map((j: { id: string }) => j.id)).toContain(r.json.id);
    const doc = await api.call('GET', '/api/indexes/ix/documents/coffee.md');
    expect(doc.json.tags.sort()).toEqual(['drinks', 'hot', 'morning']);
    // A finished job's events: its state, then done.
    const ev = await api.app.request(`/api/indexes/ix/jobs/${r.json.id}/events`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(ev.headers.get('content-type')).toContain('text/event-stream');
    const text = await ev.text();
    expect([...text.matchAll(/^event: (\S+)$/gm)].map((m) => m[1])).toEqual(['progress', 'done']);
    expect((await api.call('DELETE', '/api/indexes/ix/documents/coffee.md')).status).toBe(204);
    err(await api.call('GET', '/api/indexes/ix/documents/coffee.md'), 404, 'document_not_found');
  });

  it('a job is found only under its own index', async () => {
    const job = (await api.call('GET', '/api/indexes/ix/jobs')).json.data[0];
    expect((await api.call('POST', '/api/indexes', { name: 'other' })).status).toBe(201);
    err(await api.call('GET', `/api/indexes/other/jobs/${job.id}`), 404, 'job_not_found', `ingestion job "${job.id}" not found in index "other"`);
    err(await api.call('DELETE', `/api/indexes/other/jobs/${job.id}`), 404, 'job_not_found');
    const del = await api.call('DELETE', '/api/indexes/other');
    expect(del.status).toBe(204);
    err(await api.call('GET', '/api/indexes/other'), 404, 'index_not_found');
  });

  it('refuses bad create, reindex and chat-flow bodies', async () => {
    err(await api.call('POST', '/api/indexes', { name: '' }), 400, 'invalid_request');
    err(await api.call('POST', '/api/indexes', { name: 'a'.repeat(64) }), 400, 'invalid_request');
    err(await api.call('POST', '/api/indexes', { name: 'x', chunk_tokens: 1.5 }), 400, 'invalid_request');
    err(await api.call('POST', '/api/indexes/ix/reindex', {}), 400, 'invalid_request');
    err(await api.call('POST', '/api/indexes/ix/reindex', { embedding_model: 'use-lite', other: 1 }), 400, 'invalid_request');
    err(await api.call('POST', '/api/indexes/ix/chat-flow', { replace: 'yes' }), 400, 'invalid_request');
  });
});
