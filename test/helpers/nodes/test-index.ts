import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataIndexes } from '../../../engine/app/data/indexes.ts';
import { openStore } from '../../../engine/store/open.ts';
import type { NodeContext } from '../../../engine/node-definition.ts';
import { loadDefaultModels } from './test-models.ts';

/**
 * A real data index (temp SQLite store, HNSW file, the default embedder) holding the given text
 * files, for node tests of retrieval: what a server's data indexes would answer.
 */
export async function makeTestIndex(name: string, files: Record<string, string>) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'weir-index-'));
  const store = await openStore({ dataDir: dir, masterKey: Buffer.alloc(32, 7).toString('base64') });
  const models = await loadDefaultModels();
  const indexes = new DataIndexes(store, dir, () => models({ deployment: 'embeddings' }));
  await indexes.create({ name });
  const job = await indexes.addFiles(name, Object.entries(files).map(([file, text]) => ({ name: file, bytes: new TextEncoder().encode(text) })));
  const searchIndex: NodeContext['searchIndex'] = (index, query, opts) => indexes.search(index, query, opts);
  return {
    indexes, searchIndex, job,
    async close() {
      await indexes.jobs.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
