/**
 * Hybrid search fuses the vector and the keyword ranking (reciprocal rank fusion, k = 60). The test
 * checks the whole ranked list against a fusion computed here from the two single-mode lists, so a
 * search that fuses only one side — or drops a hit only one side found — fails, not just a changed
 * top hit. Real index: the default use-lite embedder and SQLite full-text search.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, makeApi, type Api } from '../helpers/api.ts';

// Short documents, one chunk each; "kx7-serial" is a word only keyword search can match on sight.
const DOCS: Record<string, string> = {
  'chain.txt': 'Clean and oil the bicycle chain every 300 kilometres. A dry chain wears the cassette quickly.',
  'tyres.txt': 'Road bicycle tyres hold 6 to 8 bar. Check the pressure before every ride.',
  'tea.txt': 'Green tea is steeped at 80 degrees for two minutes.',
  'bread.txt': 'Knead the dough for ten minutes, then let it rise for an hour.',
  'serial.txt': 'Warranty record kx7 serial number of the frame, stamped under the bottom bracket.',
  'garden.txt': 'Water tomato plants at the roots in the early morning.',
};

/** Reciprocal rank fusion written out independently of the engine's: Σ 1 / (60 + rank). */
function fuse(lists: { id: number }[][]): { id: number; score: number }[] {
  const scores = new Map<number, number>();
  for (const list of lists) list.forEach(({ id }, i) => scores.set(id, (scores.get(id) ?? 0) + 1 / (60 + i + 1)));
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || a.id - b.id);
}

describe('hybrid search', () => {
  let api: Api;
  const search = async (q: string, params = '') => {
    const r = await api.call('GET', `/api/indexes/hy/search?top_k=50&q=${encodeURIComponent(q)}${params}`);
    expect(r.status).toBe(200);
    return r.json.data as { id: number; score: number; source: string }[];
  };

  beforeAll(async () => {
    api = makeApi();
    expect((await api.call('POST', '/api/indexes', { name: 'hy' })).status).toBe(201);
    const f = new FormData();
    for (const [name, body] of Object.entries(DOCS)) f.append('files', new Blob([body]), name);
    const res = await api.app.request('/api/indexes/hy/documents?wait=true', { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` }, body: f });
    expect(((await res.json()) as { files: unknown }).files).toEqual({ total: 6, done: 6, failed: 0 });
  });
  afterAll(() => api.close());

  it('ranks the union of both lists by fused score: every hit either side found, in the fused order', async () => {
    for (const q of ['kx7 serial of my bicycle', 'how long do I steep green tea', 'chain cassette pressure']) {
      const vector = await search(q, '&mode=vector');
      const keyword = await search(q, '&mode=keyword');
      const hybrid = await search(q, '&mode=hybrid');
      expect(keyword.length, q).toBeGreaterThan(0);
      const expected = fuse([vector, keyword]);
      expect(hybrid.map((h) => h.id), q).toEqual(expected.map((h) => h.id));
      hybrid.forEach((h, i) => expect(h.score, `${q} #${i}`).toBeCloseTo(expected[i].score, 12));
    }
  });

  it('a hit both lists found scores more than first place in one list alone (1/61)', async () => {
    const q = 'kx7 serial of my bicycle';
    const keyword = await search(q, '&mode=keyword');
    const hybrid = await search(q);
    // serial.txt is keyword's first hit; the fused list carries it with a share from both sides.
    expect(keyword[0].source).toBe('serial.txt');
    const serial = hybrid.find((h) => h.source === 'serial.txt')!;
    expect(serial.score).toBeGreaterThan(1 / 61);
  });

  it('keeps a hit only keyword search found: vector hits cut by the threshold leave the keyword ones', async () => {
    const q = 'kx7 serial';
    const keyword = await search(q, '&mode=keyword');
    expect(await search(q, '&mode=vector&threshold=0.999')).toEqual([]);
    const hybrid = await search(q, '&threshold=0.999');
    expect(hybrid.map((h) => h.source)).toEqual(keyword.map((h) => h.source));
    expect(hybrid.map((h) => h.source)).toContain('serial.txt');
    hybrid.forEach((h, i) => expect(h.score).toBeCloseTo(1 / (61 + i), 12));
  });

  it('keeps hits only vector search found: a query no word of which is in the index', async () => {
    const q = 'zeppelin aviation';
    expect(await search(q, '&mode=keyword')).toEqual([]);
    const vector = await search(q, '&mode=vector');
    const hybrid = await search(q);
    expect(hybrid.map((h) => h.id)).toEqual(vector.map((h) => h.id));
    expect(hybrid).toHaveLength(6);
  });

  it('top_k cuts the fused list, not one side of it', async () => {
    const q = 'kx7 serial of my bicycle';
    const full = await search(q);
    const r = await api.call('GET', `/api/indexes/hy/search?top_k=2&q=${encodeURIComponent(q)}`);
    expect(r.json.data.map((h: { id: number }) => h.id)).toEqual(full.slice(0, 2).map((h) => h.id));
  });
});
