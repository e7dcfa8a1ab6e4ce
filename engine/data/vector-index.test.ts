import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WeirError } from '../errors.ts';
import { bruteForceSearch, reciprocalRankFusion, VectorIndex } from './vector-index.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'weir-vec-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** mulberry32: seeded, so a failure reproduces. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const randomVectors = (n: number, dims: number, seed = 1) => {
  const r = rng(seed);
  return Array.from({ length: n }, () => Float32Array.from({ length: dims }, () => r() * 2 - 1));
};

function expectCode(fn: () => unknown, code: string): WeirError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WeirError);
    expect((err as WeirError).code).toBe(code);
    return err as WeirError;
  }
  throw new Error(`expected ${code}`);
}

describe('VectorIndex', () => {
  it('returns the nearest by cosine, best first, with score = similarity', () => {
    const ix = VectorIndex.create(tmp(), 3);
    ix.add([{ id: 1, vector: [1, 0, 0] }, { id: 2, vector: [0, 1, 0] }, { id: 3, vector: [1, 1, 0] }]);
    // Length must not matter under cosine: [10, 0, 0] points the same way as id 1.
    const r = ix.search([10, 0.1, 0], 3);
    expect(r.map((x) => x.id)).toEqual([1, 3, 2]);
    expect(r[0].score).toBeCloseTo(0.99995, 4);
    expect(r[1].score).toBeCloseTo(10.1 / (Math.sqrt(100.01) * Math.SQRT2), 4);
    expect(ix.count).toBe(3);
    expect(ix.dims).toBe(3);
  });

  it('handles an empty index and k above the count', () => {
    const ix = VectorIndex.create(tmp(), 4, { capacity: 2 });
    expect(ix.search([1, 0, 0, 0], 10)).toEqual([]);
    ix.add([{ id: 7, vector: [1, 0, 0, 0] }]);
    expect(ix.search([1, 0, 0, 0], 50).map((x) => x.id)).toEqual([7]);
    expect(ix.search([1, 0, 0, 0], 0)).toEqual([]);
  });

  it('recall@10 ≥ 0.95 against exact search on 5 000 random 64-d vectors (default ef)', () => {
    const vectors = randomVectors(5000, 64);
    const ids = vectors.map((_, i) => i * 3 + 1); // ids need not be dense
    const ix = VectorIndex.create(tmp(), 64);
    ix.add(vectors.map((vector, i) => ({ id: ids[i], vector })));
    const queries = randomVectors(100, 64, 99);
    let hit = 0;
    for (const q of queries) {
      const truth = new Set(bruteForceSearch(vectors, ids, q, 10).map((x) => x.id));
      for (const r of ix.search(q, 10)) if (truth.has(r.id)) hit++;
    }
    expect(hit / (queries.length * 10)).toBeGreaterThanOrEqual(0.95);
  });

  it('save → open gives identical results, removals and replacements included', () => {
    const dir = tmp();
    const vectors = randomVectors(500, 16, 5);
    const ix = VectorIndex.create(dir, 16, { capacity: 64 });
    ix.add(vectors.map((vector, i) => ({ id: i, vector })));
    ix.remove([3, 4]);
    ix.save();
    ix.add([{ id: 9, vector: vectors[10] }]); // second generation replaces the first
    ix.save();
    const again = VectorIndex.open(dir);
    expect(again.count).toBe(498);
    expect(again.dims).toBe(16);
    for (const q of randomVectors(20, 16, 6)) expect(again.search(q, 10)).toEqual(ix.search(q, 10));
    expect(again.search(vectors[3], 5).map((x) => x.id)).not.toContain(3);
    expect(readFileSync(path.join(dir, 'index.json'), 'utf8')).toContain('"vectors.2.hnsw"');
  });

  it('adds in slices with a turn of the event loop between them, and saves and opens off the loop', async () => {
    const dir = tmp();
    const vectors = randomVectors(400, 32, 8);
    const ix = VectorIndex.create(dir, 32, { capacity: 16 });
    let turns = 0;
    let on = true;
    const spin = () => {
      turns++;
      if (on) setImmediate(spin);
    };
    setImmediate(spin);
    await ix.addGradually(vectors.map((vector, i) => ({ id: i, vector })), 16);
    const afterAdd = turns;
    // 25 slices: the loop turned between each two (as one add() it would not have turned at all).
    expect(afterAdd).toBeGreaterThanOrEqual(24);
    await ix.removeGradually([5, 6]);
    await ix.saveAsync();
    on = false;
    // hnswlib wrote the file on another thread and the checksum streamed: the loop kept turning.
    expect(turns).toBeGreaterThan(afterAdd);
    const again = await VectorIndex.openAsync(dir);
    expect(again.count).toBe(398);
    for (const q of randomVectors(10, 32, 9)) expect(again.search(q, 10)).toEqual(ix.search(q, 10));
    expect(VectorIndex.open(dir).search(vectors[5], 3).map((x) => x.id)).not.toContain(5);
  });

  it('keeps the graph still while it is saved: changes wait their turn or are refused, searches go on', async () => {
    const dir = tmp();
    const vectors = randomVectors(300, 16, 10);
    const ix = VectorIndex.create(dir, 16);
    ix.add(vectors.slice(0, 200).map((vector, i) => ({ id: i, vector })));
    const saving = ix.saveAsync();
    const later = ix.addGradually(vectors.slice(200).map((vector, i) => ({ id: 200 + i, vector })));
    expectCode(() => ix.add([{ id: 999, vector: vectors[0] }]), 'index_busy');
    expectCode(() => ix.remove([1]), 'index_busy');
    expect(ix.search(vectors[7], 1)[0].id).toBe(7);
    await saving;
    // The saved generation holds exactly what was there when the save began.
    expect((await VectorIndex.openAsync(dir)).count).toBe(200);
    await later;
    expect(ix.count).toBe(300);
    await ix.saveAsync();
    expect(VectorIndex.open(dir).count).toBe(300);
  });

  it('remove hides ids; unknown and repeated ids are ignored', () => {
    const ix = VectorIndex.create(tmp(), 2);
    ix.add([{ id: 1, vector: [1, 0] }, { id: 2, vector: [0.9, 0.1] }]);
    ix.remove([1, 1, 42]);
    expect(ix.search([1, 0], 5).map((x) => x.id)).toEqual([2]);
    expect(ix.count).toBe(1);
    ix.remove([2]);
    expect(ix.search([1, 0], 5)).toEqual([]);
  });

  it('re-adding an id replaces its vector, also after removal', () => {
    const ix = VectorIndex.create(tmp(), 2);
    ix.add([{ id: 1, vector: [1, 0] }, { id: 2, vector: [0, 1] }]);
    ix.add([{ id: 1, vector: [0, 1] }]);
    expect(ix.count).toBe(2);
    expect(ix.search([0, 1], 2).map((x) => x.score)).toEqual([expect.closeTo(1, 5), expect.closeTo(1, 5)]);
    ix.remove([2]);
    ix.add([{ id: 2, vector: [-1, 0] }]);
    expect(ix.search([-1, 0], 1)).toEqual([{ id: 2, score: expect.closeTo(1, 5) }]);
    expect(ix.count).toBe(2);
  });

  it('grows past its initial capacity', () => {
    const ix = VectorIndex.create(tmp(), 8, { capacity: 4 });
    const vectors = randomVectors(300, 8, 3);
    for (let i = 0; i < 300; i += 50) ix.add(vectors.slice(i, i + 50).map((vector, j) => ({ id: i + j, vector })));
    expect(ix.count).toBe(300);
    expect(ix.search(vectors[250], 1)[0].id).toBe(250);
  });

  it('rejects a wrong dimension (naming both numbers) and bad ids, changing nothing', () => {
    const ix = VectorIndex.create(tmp(), 3);
    const err = expectCode(() => ix.add([{ id: 1, vector: [1, 0, 0] }, { id: 2, vector: [1, 0] }]), 'dimension_mismatch');
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/\b2\b.*\b3\b/);
    expect(ix.count).toBe(0);
    expectCode(() => ix.search([1, 0, 0, 0], 1), 'dimension_mismatch');
    expectCode(() => ix.add([{ id: -1, vector: [1, 0, 0] }]), 'invalid_id');
    expectCode(() => ix.add([{ id: 2 ** 32, vector: [1, 0, 0] }]), 'invalid_id');
    expectCode(() => ix.add([{ id: 1, vector: [NaN, 0, 0] }]), 'invalid_vector');
  });

  it('filter keeps only accepted ids', () => {
    const ix = VectorIndex.create(tmp(), 8);
    const vectors = randomVectors(200, 8, 4);
    ix.add(vectors.map((vector, id) => ({ id, vector })));
    const r = ix.search(vectors[0], 10, { filter: (id) => id % 2 === 1 });
    expect(r).toHaveLength(10);
    expect(r.every((x) => x.id % 2 === 1)).toBe(true);
  });

  describe('damaged files are index_corrupt, never a crash', () => {
    const saved = () => {
      const dir = tmp();
      const ix = VectorIndex.create(dir, 4);
      ix.add([{ id: 1, vector: [1, 2, 3, 4] }]);
      ix.save();
      return { dir, header: path.join(dir, 'index.json'), bin: path.join(dir, 'vectors.1.hnsw') };
    };
    it('missing directory or header', () => {
      const err = expectCode(() => VectorIndex.open(path.join(tmp(), 'nope')), 'index_corrupt');
      expect(err.message).toContain('index.json');
    });
    it('header that is not JSON, or lies about the binary', () => {
      const { dir, header } = saved();
      const good = readFileSync(header, 'utf8');
      writeFileSync(header, '{"format":1,');
      expectCode(() => VectorIndex.open(dir), 'index_corrupt');
      writeFileSync(header, good.replace(/"file":"[^"]+"/, '"file":"../../etc/passwd"'));
      expectCode(() => VectorIndex.open(dir), 'index_corrupt');
      writeFileSync(header, good.replace(/"count":1/, '"count":2'));
      expectCode(() => VectorIndex.open(dir), 'index_corrupt');
    });
    it('binary missing, truncated or overwritten', () => {
      const { dir, bin } = saved();
      const bytes = readFileSync(bin);
      writeFileSync(bin, Buffer.alloc(bytes.length, 7)); // same size, garbage: caught by the checksum
      expect(expectCode(() => VectorIndex.open(dir), 'index_corrupt').message).toContain(bin);
      truncateSync(bin, 10);
      expectCode(() => VectorIndex.open(dir), 'index_corrupt');
      rmSync(bin);
      expectCode(() => VectorIndex.open(dir), 'index_corrupt');
    });
  });
});

describe('bruteForceSearch', () => {
  it('is exact cosine top-k, ties by id', () => {
    const r = bruteForceSearch([[1, 0], [0, 1], [2, 0], [1, 1]], [10, 11, 5, 12], [1, 0], 3);
    expect(r.map((x) => x.id)).toEqual([5, 10, 12]);
    expect(r[2].score).toBeCloseTo(Math.SQRT1_2, 6);
  });
});

describe('reciprocalRankFusion', () => {
  it('ranks a doc high in both lists first, with hand-computed scores', () => {
    const vector = [{ id: 1 }, { id: 2 }, { id: 3 }];
    const keyword = [{ id: 2 }, { id: 4 }, { id: 1 }];
    const r = reciprocalRankFusion([vector, keyword]);
    // id 2: 1/62 + 1/61; id 1: 1/61 + 1/63; id 4: 1/62; id 3: 1/63
    expect(r.map((x) => x.id)).toEqual([2, 1, 4, 3]);
    expect(r[0].score).toBeCloseTo(1 / 62 + 1 / 61, 12);
    expect(r[1].score).toBeCloseTo(1 / 61 + 1 / 63, 12);
    expect(r[2].score).toBeCloseTo(1 / 62, 12);
    expect(r[3].score).toBeCloseTo(1 / 63, 12);
  });
  it('breaks ties by id, uses k, and counts a repeated id once', () => {
    expect(reciprocalRankFusion([[{ id: 9 }], [{ id: 3 }]], 1)).toEqual([{ id: 3, score: 0.5 }, { id: 9, score: 0.5 }]);
    expect(reciprocalRankFusion([[{ id: 5 }, { id: 5 }]], 0)).toEqual([{ id: 5, score: 1 }]);
    expect(reciprocalRankFusion([])).toEqual([]);
  });
});
