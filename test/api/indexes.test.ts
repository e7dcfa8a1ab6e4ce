import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, makeApi, parseSse, type Api } from '../helpers/api.ts';
import { tinyEmbeddingEntry, writeTinyLlamaGguf } from '../helpers/tiny-gguf.ts';

const BIKES = `# Bicycle care

## Chains
Clean and oil the chain every 300 kilometres. A dry chain wears the cassette quickly.

## Tyres
Road tyres hold 6 to 8 bar. Check the pressure before every ride.
`;
const TEA = `Green tea is steeped at 80 degrees for two minutes.

Black tea wants boiling water and four minutes.`;

function form(files: Record<string, string | Uint8Array>, fields: Record<string, string> = {}): FormData {
  const f = new FormData();
  for (const [name, body] of Object.entries(files)) f.append('files', new Blob([body]), name);
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
}

describe('data indexes API', () => {
  let api: Api;
  const upload = async (index: string, body: FormData, query = '?wait=true') => {
    const res = await api.app.request(`/api/indexes/${index}/documents${query}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` }, body });
    return { status: res.status, headers: res.headers, json: (await res.json()) as any };
  };

  beforeAll(async () => {
    api = makeApi();
    const r = await api.call('POST', '/api/indexes', { name: 'manuals' });
    expect(r.status).toBe(201);
  });
  afterAll(() => api.close());

  it('creates an index with the default embedder and refuses bad settings by field', async () => {
    const shown = await api.call('GET', '/api/indexes/manuals');
    expect(shown.json).toMatchObject({ name: 'manuals', embedding_model: 'use-lite', dimensions: 512, chunk_tokens: 256, overlap_tokens: 32, documents: 0, chunks: 0 });
    const bad = [
      [{ name: 'Bad Name' }, 400, 'name'],
      [{ name: 'manuals' }, 409, 'name'],
      [{ name: 'x1', embedding_model: 'no-such-model' }, 422, 'embedding_model'],
      [{ name: 'x2', embedding_model: 'weir-extractive' }, 422, 'embedding_model'],
      [{ name: 'x3', chunk_tokens: 4 }, 400, 'chunk_tokens'],
      [{ name: 'x4', chunk_tokens: 100, overlap_tokens: 60 }, 400, 'overlap_tokens'],
      [{ name: 'x5', extra: 1 }, 400, null],
    ] as const;
    for (const [body, status, param] of bad) {
      const r = await api.call('POST', '/api/indexes', body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      if (param) expect(r.json.error.param).toBe(param);
    }
    expect((await api.call('GET', '/api/indexes')).json.data.map((i: any) => i.name)).toEqual(['manuals']);
  });

  it('adds a batch of files, reporting the unreadable and unsupported ones by name while the rest go on', async () => {
    const r = await upload('manuals', form({ 'bikes.md': BIKES, 'tea.txt': TEA, 'photo.png': new Uint8Array([137, 80, 78, 71]), 'empty.txt': '' }, { tags: 'care, home' }));
    expect(r.status).toBe(200);
    expect(r.json.status).toBe('succeeded');
    expect(r.json.files).toEqual({ total: 4, done: 4, failed: 2 });
    const by = Object.fromEntries(r.json.results.map((x: any) => [x.name, x]));
    expect(by['bikes.md'].status).toBe('added');
    expect(by['tea.txt'].status).toBe('added');
    expect(by['photo.png']).toMatchObject({ status: 'failed', error: { code: 'unsupported_file' } });
    expect(by['photo.png'].error.message).toContain('photo.png');
    expect(by['empty.txt']).toMatchObject({ status: 'failed', error: { code: 'unreadable_file' } });
    expect(r.json.percent).toBe(100);

    const docs = (await api.call('GET', '/api/indexes/manuals/documents')).json.data;
    expect(docs.map((d: any) => d.name)).toEqual(['bikes.md', 'tea.txt']);
    expect(docs[0].tags).toEqual(['care', 'home']);
    const index = (await api.call('GET', '/api/indexes/manuals')).json;
    expect(index.documents).toBe(2);
    expect(index.chunks).toBe(docs[0].chunks + docs[1].chunks);
    expect(index.last_job.id).toBe(r.json.id);
  });

  it('shows what was indexed: each chunk with its heading path and the span it came from', async () => {
    const doc = (await api.call('GET', '/api/indexes/manuals/documents/bikes.md')).json;
    expect(doc.format).toBe('md');
    const tyres = doc.chunk_list.find((c: any) => c.text.includes('6 to 8 bar'));
    expect(tyres.heading_path).toEqual(['Bicycle care', 'Tyres']);
    expect(tyres.end - tyres.start).toBe(tyres.text.length);
    expect((await api.call('GET', '/api/indexes/manuals/documents/nope.md')).status).toBe(404);
  });

  it('searches by meaning, by words and both, with filters', async () => {
    const hybrid = await api.call('GET', '/api/indexes/manuals/search?q=' + encodeURIComponent('how hot should the water be for green tea?'));
    expect(hybrid.status).toBe(200);
    expect(hybrid.json.data[0].source).toBe('tea.txt');
    expect(hybrid.json.data[0].text).toContain('80 degrees');

    const vector = await api.call('GET', '/api/indexes/manuals/search?mode=vector&top_k=1&q=' + encodeURIComponent('lubricating the drivetrain'));
    expect(vector.json.data).toHaveLength(1);
    expect(vector.json.data[0].source).toBe('bikes.md');
    expect(vector.json.data[0].score).toBeGreaterThan(0);
    expect(vector.json.data[0].score).toBeLessThanOrEqual(1);

    const keyword = await api.call('GET', '/api/indexes/manuals/search?mode=keyword&q=cassette');
    expect(keyword.json.data.map((h: any) => h.source)).toEqual(['bikes.md']);
    expect((await api.call('GET', '/api/indexes/manuals/search?mode=keyword&q=zeppelin')).json.data).toEqual([]);

    const onlyTea = await api.call('GET', '/api/indexes/manuals/search?source=tea.txt&q=chain');
    expect(onlyTea.json.data.every((h: any) => h.source === 'tea.txt')).toBe(true);
    expect(onlyTea.json.data.length).toBeGreaterThan(0);
    const byTag = await api.call('GET', '/api/indexes/manuals/search?tag=other&q=chain');
    expect(byTag.json.data).toEqual([]);
    expect((await api.call('GET', '/api/indexes/manuals/search?tag=care&q=chain')).json.data.length).toBeGreaterThan(0);

    const strict = await api.call('GET', '/api/indexes/manuals/search?mode=vector&threshold=0.99&q=' + encodeURIComponent('lubricating the drivetrain'));
    expect(strict.json.data).toEqual([]);

    // A vector query, made by the index's own model through the OpenAI-style route's sibling: POST search.
    const v = (await api.call('POST', '/api/indexes/manuals/search', { query: 'tyre pressure', top_k: 1, mode: 'vector' })).json.data[0];
    expect(v.source).toBe('bikes.md');
    const wrongDims = await api.call('POST', '/api/indexes/manuals/search', { vector: [0.1, 0.2, 0.3] });
    expect(wrongDims.status).toBe(400);
    expect(wrongDims.json.error.code).toBe('invalid_vector');

    for (const [url, status] of [
      ['/api/indexes/manuals/search', 400],
      ['/api/indexes/manuals/search?q=x&mode=fuzzy', 400],
      ['/api/indexes/manuals/search?q=x&top_k=0', 400],
      ['/api/indexes/manuals/search?q=x&top_k=abc', 400],
      ['/api/indexes/nope/search?q=x', 404],
    ] as const) {
      const r = await api.call('GET', url);
      expect(r.status, url).toBe(status);
      expect(r.json.error.code).toBeTruthy();
    }
    expect((await api.call('POST', '/api/indexes/manuals/search', { query: 'x', vector: [1] })).status).toBe(400);
  });

  it('does not index the same file twice; a changed file replaces its old chunks', async () => {
    const before = (await api.call('GET', '/api/indexes/manuals')).json.chunks;
    const again = await upload('manuals', form({ 'tea.txt': TEA }));
    expect(again.json.results[0]).toMatchObject({ name: 'tea.txt', status: 'unchanged' });
    expect((await api.call('GET', '/api/indexes/manuals')).json.chunks).toBe(before);

    const changed = await upload('manuals', form({ 'tea.txt': 'Oolong tea is steeped at 90 degrees for three minutes.' }));
    expect(changed.json.results[0]).toMatchObject({ name: 'tea.txt', status: 'replaced', chunks: 1 });
    const hits = (await api.call('GET', '/api/indexes/manuals/search?mode=keyword&q=green')).json.data;
    expect(hits).toEqual([]);
    const v = (await api.call('GET', '/api/indexes/manuals/search?mode=vector&top_k=10&q=tea')).json.data;
    expect(v.filter((h: any) => h.source === 'tea.txt').map((h: any) => h.text)).toEqual(['Oolong tea is steeped at 90 degrees for three minutes.']);
  });

  it('deletes a document with its vectors and text', async () => {
    await upload('manuals', form({ 'notes/old.txt': 'The attic key hangs behind the kitchen door.' }));
    expect((await api.call('GET', '/api/indexes/manuals/search?mode=vector&q=where+is+the+attic+key')).json.data[0].source).toBe('notes/old.txt');
    expect((await api.call('DELETE', '/api/indexes/manuals/documents/notes/old.txt')).status).toBe(204);
    const after = await api.call('GET', '/api/indexes/manuals/search?mode=vector&top_k=50&q=where+is+the+attic+key');
    expect(after.json.data.map((h: any) => h.source)).not.toContain('notes/old.txt');
    expect((await api.call('GET', '/api/indexes/manuals/search?mode=keyword&q=attic')).json.data).toEqual([]);
    expect((await api.call('DELETE', '/api/indexes/manuals/documents/notes/old.txt')).status).toBe(404);
  });

  it('runs uploads as jobs: 202 with a location, then progress events to the end', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 5; i++) files[`part-${i}.txt`] = `Section ${i}. ${'Rivers carry sediment to the sea. '.repeat(10)}Fact ${i}: item ${i} weighs ${i * 7} grams.`;
    const r = await upload('manuals', form(files), '');
    expect(r.status).toBe(202);
    expect(r.headers.get('location')).toBe(`/api/indexes/manuals/jobs/${r.json.id}`);
    expect(['queued', 'running']).toContain(r.json.status);
    const events = parseSse(await (await api.app.request(`/api/indexes/manuals/jobs/${r.json.id}/events`, { headers: { authorization: `Bearer ${ADMIN}` } })).text());
    expect(events[0].event).toBe('progress');
    expect(events.at(-1)!.event).toBe('done');
    expect(events.at(-1)!.data).toMatchObject({ status: 'succeeded', files: { total: 5, done: 5, failed: 0 }, percent: 100 });
    const percents = events.filter((e) => e.event === 'progress').map((e) => e.data.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    // Following a finished job still tells how it ended.
    const late = parseSse(await (await api.app.request(`/api/indexes/manuals/jobs/${r.json.id}/events`, { headers: { authorization: `Bearer ${ADMIN}` } })).text());
    expect(late.map((e) => e.event)).toEqual(['progress', 'done']);
    expect((await api.call('GET', '/api/indexes/manuals/jobs')).json.data[0].id).toBe(r.json.id);
    expect((await api.call('GET', `/api/indexes/manuals/jobs/nope`)).status).toBe(404);
  });

  it('refuses bad uploads with a clear error', async () => {
    const cases: [RequestInit, number, string][] = [
      [{ body: 'hello', headers: { 'content-type': 'text/plain' } }, 415, 'unsupported_media_type'],
      [{ body: form({}, { tags: 'x' }) }, 400, 'no_files'],
      [{ body: form({ 'a.txt': 'x' }, { color: 'red' }) }, 400, 'invalid_request'],
      [{ body: form({ '../escape.txt': 'x' }) }, 400, 'invalid_file_name'],
      [{ body: JSON.stringify({ documents: [] }), headers: { 'content-type': 'application/json' } }, 400, 'invalid_request'],
      [{ body: '{"documents": [', headers: { 'content-type': 'application/json' } }, 400, 'invalid_json'],
      [{ body: '--xyz\r\nbroken', headers: { 'content-type': 'multipart/form-data; boundary=xyz' } }, 400, 'invalid_multipart'],
    ];
    for (const [init, status, code] of cases) {
      const res = await api.app.request('/api/indexes/manuals/documents?wait=1', { method: 'POST', ...init, headers: { authorization: `Bearer ${ADMIN}`, ...(init.headers as object) } });
      const json = (await res.json()) as any;
      expect(res.status, code).toBe(status);
      expect(json.error.code).toBe(code);
    }
    const dup = new FormData();
    dup.append('files', new Blob(['a']), 'same.txt');
    dup.append('files', new Blob(['b']), 'same.txt');
    expect((await upload('manuals', dup)).json.error.code).toBe('duplicate_file');
    expect((await upload('nope', form({ 'a.txt': 'x' }))).status).toBe(404);
    // JSON documents are the multipart-free way in.
    const j = await api.call('POST', '/api/indexes/manuals/documents?wait=true', { documents: [{ name: 'faq.md', content: '# FAQ\n\nShipping takes three days.' }], tags: ['faq'] });
    expect(j.status).toBe(200);
    expect(j.json.results[0]).toMatchObject({ name: 'faq.md', status: 'added' });
  });

  it('takes uploads larger than the JSON body limit, up to the upload limit', async () => {
    // ~300 KB, over the 256 KB JSON body limit here, but little text: scripts are not indexed.
    const big = `<html><head><script>${'var x = 1;\n'.repeat(30_000)}</script></head><body><h1>Lights</h1><p>Lighthouses guide ships along dangerous coasts.</p></body></html>`;
    const r = await upload('manuals', form({ 'big.html': big }));
    expect(r.status).toBe(200);
    expect(r.json.results[0]).toMatchObject({ status: 'added', chunks: 1 });
    const tooBig = await api.app.request('/api/indexes/manuals/documents', { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-length': String(300 * 1024 * 1024) }, body: 'x' });
    expect(tooBig.status).toBe(413);
  });

  it('re-indexes with other settings, reading every document again from its kept file', async () => {
    const before = (await api.call('GET', '/api/indexes/manuals')).json;
    const r = await api.call('POST', '/api/indexes/manuals/reindex', { embedding_model: 'use-lite', chunk_tokens: 64, overlap_tokens: 8 });
    expect(r.status).toBe(202);
    const done = await api.ws.data.jobs.wait(r.json.id);
    expect(done.status).toBe('succeeded');
    expect(done.files.total).toBe(before.documents);
    const after = (await api.call('GET', '/api/indexes/manuals')).json;
    expect(after).toMatchObject({ chunk_tokens: 64, overlap_tokens: 8, documents: before.documents });
    expect(after.chunks).toBeGreaterThan(before.chunks);
    const chunks = (await api.call('GET', '/api/indexes/manuals/documents/bikes.md')).json.chunk_list;
    expect(Math.max(...chunks.map((c: any) => c.tokens))).toBeLessThanOrEqual(64);
    expect((await api.call('GET', '/api/indexes/manuals/search?q=tyre+pressure')).json.data[0].source).toBe('bikes.md');
    expect((await api.call('POST', '/api/indexes/manuals/reindex', { embedding_model: 'nope' })).status).toBe(422);
  });

  it('re-indexes with another embedding model (a GGUF embedder): new dimensions, same documents', async () => {
    const gguf = await writeTinyLlamaGguf(path.join(api.dir, 'tiny.gguf'));
    await api.store.models.put(tinyEmbeddingEntry(gguf));
    await api.call('POST', '/api/indexes', { name: 'swap' });
    await upload('swap', form({ 'bikes.md': BIKES, 'tea.txt': TEA }));
    const before = (await api.call('GET', '/api/indexes/swap')).json;
    const r = await api.call('POST', '/api/indexes/swap/reindex', { embedding_model: 'tiny-embedder' });
    expect(r.status).toBe(202);
    expect((await api.ws.data.jobs.wait(r.json.id)).status).toBe('succeeded');
    const after = (await api.call('GET', '/api/indexes/swap')).json;
    expect(after).toMatchObject({ embedding_model: 'tiny-embedder', dimensions: 64, documents: 2 });
    expect(after.chunks).toBeGreaterThan(0);
    expect(before.dimensions).toBe(512);
    // Vector search now runs in the new model's space: a 64-d query vector is accepted, 512-d refused.
    const vector = (await api.ws.data.embedder('tiny-embedder').then((m) => m.embed!(['tyres']))).vectors[0];
    const hits = await api.call('POST', '/api/indexes/swap/search', { vector, top_k: 10 });
    expect(hits.status).toBe(200);
    expect(new Set(hits.json.data.map((h: any) => h.source))).toEqual(new Set(['bikes.md', 'tea.txt']));
    expect((await api.call('POST', '/api/indexes/swap/search', { vector: new Array(512).fill(0.1) })).status).toBe(400);
    expect((await api.call('GET', '/api/indexes/swap/search?mode=keyword&q=cassette')).json.data[0].source).toBe('bikes.md');
    await api.call('DELETE', '/api/indexes/swap');
  });

  it('generates a chat flow that answers from the documents with citations', async () => {
    const r = await api.call('POST', '/api/indexes/manuals/chat-flow', {});
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ flow: 'chat-manuals', deployment: 'default-chat', created_deployment: true });
    expect((await api.call('GET', '/api/deployments/default-chat')).json.model).toBe('weir-extractive');
    const run = await api.call('POST', '/api/flows/chat-manuals/runs', { inputs: { question: 'What pressure should road tyres have?' } });
    expect(run.status, run.text).toBe(200);
    expect(run.json.outputs.answer).toMatch(/6 to 8 bar.*\[\d+\]/);
    expect(run.json.outputs.citations.map((c: any) => c.source)).toContain('bikes.md');
    const cited = run.json.outputs.citations.find((c: any) => c.source === 'bikes.md');
    expect(run.json.outputs.answer).toContain(`[${cited.n}]`);

    const again = await api.call('POST', '/api/indexes/manuals/chat-flow', {});
    expect(again.status).toBe(409);
    expect((await api.call('POST', '/api/indexes/manuals/chat-flow', { replace: true })).status).toBe(201);
    expect((await api.call('POST', '/api/indexes/manuals/chat-flow', { deployment: 'nope', flow: 'other' })).status).toBe(404);
    expect((await api.call('POST', '/api/indexes/nope/chat-flow', {})).status).toBe(404);
  });

  it('deletes an index with its files', async () => {
    await api.call('POST', '/api/indexes', { name: 'scratch' });
    await upload('scratch', form({ 'a.txt': 'Alpha beta gamma.' }));
    const dir = path.join(api.dir, 'indexes', 'scratch');
    expect(existsSync(dir)).toBe(true);
    expect((await api.call('DELETE', '/api/indexes/scratch')).status).toBe(204);
    expect(existsSync(dir)).toBe(false);
    expect((await api.call('GET', '/api/indexes/scratch')).status).toBe(404);
    expect((await api.call('DELETE', '/api/indexes/scratch')).status).toBe(404);
  });
});
