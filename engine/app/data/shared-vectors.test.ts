/**
 * Vectors in the store, HNSW graphs as caches: instances (DataIndexes with their own data folders)
 * on one store and one bus. What one commits, another finds at its next search, and builds its graph
 * from the store's vectors: its embedder is asked for queries only. The embedder is the real offline
 * default (use-lite), seen through a view that records the texts each instance embeds.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus, MemoryHub } from '../../bus/memory-bus.ts';
import { hashText } from '../../data/chunking.ts';
import { VectorIndex } from '../../data/vector-index.ts';
import { ModelCatalog } from '../../models/catalog.ts';
import type { LoadedModel } from '../../models/types.ts';
import { openStore } from '../../store/open.ts';
import type { Store } from '../../store/types.ts';
import { ModelDeployments } from '../model-deployments.ts';
import { DataIndexes } from './indexes.ts';

const FACTS = {
  'otters.md': ['Sea otters hold hands while they sleep so they do not drift apart.', 'An otter keeps its favourite stone in a pouch of loose skin under its arm.'],
  'volcano.md': ['Lava from the volcano reached the fishing village in under an hour.', 'Ash from the eruption closed the airport for three days.'],
  'bread.md': ['Sourdough rises slowly because wild yeast works at its own pace.', 'A baker folds the dough every half hour to build its strength.'],
};
type Doc = keyof typeof FACTS;

interface Instance {
  indexes: DataIndexes;
  dir: string;
  /** Every text this instance's embedder was asked for. */
  embedded: string[];
}

describe('data index vectors shared through the store', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'weir-shared-vectors-'));
  const stores: Store[] = [];
  const instances: Instance[] = [];
  let deployments: ModelDeployments;
  let hub: MemoryHub;
  let model: LoadedModel;

  /** An instance on the shared store (a connection of its own) and, unless told otherwise, the shared bus. */
  async function instance(bus = new MemoryBus(hub)): Promise<Instance> {
    const store = await openStore({ dataDir: path.join(root, 'db') });
    stores.push(store);
    const dir = mkdtempSync(path.join(root, 'instance-'));
    const embedded: string[] = [];
    const counting = { ...model, embed: (texts: string[], opts?: { signal?: AbortSignal }) => (embedded.push(...texts), model.embed!(texts, opts)) } as LoadedModel;
    const inst = { indexes: new DataIndexes(store, dir, async () => counting, bus), dir, embedded };
    instances.push(inst);
    return inst;
  }

  /** Commits a document through an instance's store, embedded there (what an ingestion job does, without its queue). */
  async function put(on: Instance, index: string, name: Doc, opts: { withoutVectors?: boolean } = {}) {
    const texts = FACTS[name];
    const vectors = (await on.indexes.embedder('use-lite')).embed!(texts);
    const { vectors: vs } = await vectors;
    return on.indexes.store.data.putDocument(
      index,
      { name, format: 'md', title: name, hash: hashText(name), bytes: 100 },
      texts.map((text, i) => ({ idx: i, text, title: name, headingPath: [], start: 0, end: text.length, tokens: 20, hash: hashText(text), vector: opts.withoutVectors ? null : vs[i] })),
    );
  }

  const sources = async (on: Instance, index: string, query: string) => (await on.indexes.search(index, query, { mode: 'vector', k: 2 })).map((h) => h.source);
  /** Polls (the bus delivers after the call returns) until `check` holds; fails after a generous while, never on speed. */
  async function eventually(check: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 400; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('the condition never held');
  }

  beforeAll(async () => {
    const bootstrap = await openStore({ dataDir: path.join(root, 'db') });
    stores.push(bootstrap);
    deployments = new ModelDeployments(bootstrap, new ModelCatalog(() => bootstrap.models.list()));
    model = await deployments.use('use-lite');
  }, 120_000);

  afterAll(async () => {
    for (const i of instances) {
      await i.indexes.jobs.close();
      await i.indexes.close();
    }
    await deployments.close();
    for (const s of stores) await s.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('a document added on A is found on B, and gone from B once A deletes it; B embeds nothing but its queries', async () => {
    hub = new MemoryHub();
    const a = await instance();
    const b = await instance();
    await a.indexes.create({ name: 'facts' });
    await put(a, 'facts', 'bread.md');
    expect(await sources(b, 'facts', 'how does sourdough rise')).toContain('bread.md');

    const before = await b.indexes.get('facts');
    const graph = await b.indexes.vectors(before);
    await put(a, 'facts', 'otters.md');
    // The notice alone brings B's graph forward: asked with the old row, B does not check the store.
    await eventually(async () => (await b.indexes.vectors(before)) === graph && graph.count === 4);
    expect((await sources(b, 'facts', 'do otters sleep holding hands'))[0]).toBe('otters.md');

    expect(await a.indexes.deleteDocument('facts', 'otters.md')).toBe(true);
    await eventually(async () => graph.count === 2);
    expect(await sources(b, 'facts', 'do otters sleep holding hands')).not.toContain('otters.md');
    expect(b.embedded).toEqual(['how does sourdough rise', 'do otters sleep holding hands', 'do otters sleep holding hands']);
  }, 60_000);

  it('an instance that missed every notice still answers from the store at its next search', async () => {
    hub = new MemoryHub();
    const a = await instance();
    const deaf = await instance(new MemoryBus()); // a bus of its own: it hears nothing
    await a.indexes.create({ name: 'deaf' });
    await put(a, 'deaf', 'bread.md');
    expect(await sources(deaf, 'deaf', 'sourdough yeast')).toEqual(['bread.md', 'bread.md']);
    await put(a, 'deaf', 'volcano.md');
    expect((await sources(deaf, 'deaf', 'lava reached the village'))[0]).toBe('volcano.md');
    await a.indexes.deleteDocument('deaf', 'volcano.md');
    expect(await sources(deaf, 'deaf', 'lava reached the village')).not.toContain('volcano.md');
    expect(deaf.embedded).toEqual(['sourdough yeast', 'lava reached the village', 'lava reached the village']);
  }, 60_000);

  it('an instance starting later builds its graph from the store, and a re-index or a deleted index reaches it', async () => {
    hub = new MemoryHub();
    const a = await instance();
    await a.indexes.create({ name: 'late' });
    await put(a, 'late', 'volcano.md');
    await put(a, 'late', 'otters.md');
    const late = await instance();
    expect((await sources(late, 'late', 'ash closed the airport'))[0]).toBe('volcano.md');
    expect(late.embedded).toEqual(['ash closed the airport']);
    // It saved what it built, so its next start opens the graph instead of rebuilding it.
    await eventually(async () => existsSync(path.join(late.indexes.dirOf('late'), 'index.json')));

    // A re-index: the chunks are written again under new ids; B drops its graph and reads the new vectors.
    await a.indexes.store.data.resetIndex('late', { embeddingModel: 'use-lite', dims: 512, chunkTokens: 128, overlapTokens: 0 });
    a.indexes.forgetVectors('late');
    await eventually(async () => !existsSync(path.join(late.indexes.dirOf('late'), 'index.json')));
    expect(await sources(late, 'late', 'ash closed the airport')).toEqual([]);
    await put(a, 'late', 'otters.md');
    expect((await sources(late, 'late', 'an otter keeps a stone'))[0]).toBe('otters.md');

    await a.indexes.delete('late');
    await expect(late.indexes.search('late', 'otters')).rejects.toMatchObject({ code: 'index_not_found' });
    expect(late.embedded).toEqual(['ash closed the airport', 'ash closed the airport', 'an otter keeps a stone']);
  }, 60_000);

  it('chunks stored without a vector (before vectors were stored) get one once, from the old graph file where it has them', async () => {
    hub = new MemoryHub();
    const a = await instance();
    await a.indexes.create({ name: 'old' });
    const bread = await put(a, 'old', 'bread.md', { withoutVectors: true });
    const otters = await put(a, 'old', 'otters.md', { withoutVectors: true });
    const b = await instance();
    // B's data folder has the graph file of a version that kept vectors only there: it holds bread.md's.
    const { vectors } = await model.embed!(FACTS['bread.md']);
    const file = VectorIndex.create(b.indexes.dirOf('old'), 512);
    file.add(bread.chunkIds.map((id, i) => ({ id, vector: vectors[i] })));
    file.save();

    expect((await sources(b, 'old', 'folding the dough'))[0]).toBe('bread.md');
    // Only otters.md had to be embedded; the store now has every vector.
    expect(b.embedded).toEqual(['folding the dough', ...FACTS['otters.md']]);
    expect(await b.indexes.store.data.unembeddedChunks('old', 0, 10)).toEqual([]);
    expect((await b.indexes.store.data.vectorIds('old')).sort((x, y) => x - y)).toEqual([...bread.chunkIds, ...otters.chunkIds]);

    // Anyone else now reads them from the store.
    const c = await instance();
    expect((await sources(c, 'old', 'otters sleep'))[0]).toBe('otters.md');
    expect(c.embedded).toEqual(['otters sleep']);
  }, 60_000);

  it('ignores notices that are not well formed, and notices of indexes it has not loaded', async () => {
    hub = new MemoryHub();
    const bus = new MemoryBus(hub);
    const b = await instance();
    const a = await instance();
    await a.indexes.create({ name: 'guarded' });
    await put(a, 'guarded', 'bread.md');
    const row = await b.indexes.get('guarded');
    const graph = await b.indexes.vectors(row);
    const hostile = [
      null, 'x', 42, { from: 'x' }, { from: 'x', notice: { kind: 'changed', index: 'guarded', revision: row.revision + 1, added: 'all', removed: [] } },
      { from: 'x', notice: { kind: 'changed', index: 'guarded', revision: row.revision + 1, added: [], removed: [1.5] } },
      { from: 'x', notice: { kind: 'changed', index: 'guarded', revision: -1, added: [], removed: [] } },
      { from: 'x', notice: { kind: 'drop-tables', index: 'guarded' } },
      { from: 'x', notice: { kind: 'reset', index: 'g'.repeat(64) } },
      { from: 'x', notice: { kind: 'changed', index: 'guarded', revision: row.revision + 1, added: Array.from({ length: 5001 }, (_, i) => i + 1), removed: [] } },
    ];
    for (const m of hostile) await bus.publish('data:vectors', m);
    // Well formed but untrue: ids of another index's chunks, and a revision the store has not reached.
    await a.indexes.create({ name: 'other' });
    const other = await put(a, 'other', 'volcano.md');
    await bus.publish('data:vectors', { from: 'x', notice: { kind: 'changed', index: 'guarded', revision: row.revision + 1, added: other.chunkIds, removed: [] } });
    // Then a true one: once B has applied it (in order, after the others), the others did nothing.
    await put(a, 'guarded', 'otters.md');
    await eventually(async () => (await b.indexes.vectors(row)) === graph && graph.count === 4);
    expect(graph.ids().some((id) => other.chunkIds.includes(id))).toBe(false);
    expect((await sources(b, 'guarded', 'otters holding hands'))[0]).toBe('otters.md');
    expect((await sources(b, 'guarded', 'sourdough'))[0]).toBe('bread.md');
  }, 60_000);
});
