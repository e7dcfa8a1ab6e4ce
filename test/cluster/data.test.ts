import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../helpers/cluster.ts';

/**
 * Data indexes across real `weir serve` processes on one Postgres and one Redis: the store holds
 * every chunk's vector, each instance's HNSW graph is a cache of them kept current by notices on the
 * bus. A document added through one instance is found by a search on another, and gone from it once
 * deleted. Checks poll until the instance answers the new state (the default offline embedder,
 * use-lite); they fail only if it never does.
 */

const A = 0;
const B = 1;
/** How long an instance may take to show another's change before the test gives up: generous, not a bound under test. */
const PATIENCE_MS = 30_000;

let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster({ instances: 2 });
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
}, 60_000);

const DOCS = {
  'lighthouse.md': '# The lighthouse\n\nThe keeper climbs one hundred and twelve steps to light the lamp at dusk. Its beam reaches ships twenty miles out at sea.',
  'orchard.md': '# The orchard\n\nThe old orchard grows russet apples and quinces. Pickers start at dawn in September, before the wasps wake.',
};

async function add(on: number, index: string, name: keyof typeof DOCS): Promise<void> {
  const r = await cluster.admin(on, 'POST', `/api/indexes/${index}/documents?wait=true`, { documents: [{ name, content: DOCS[name] }] });
  expect(r.status, r.text).toBe(200);
  expect(r.json.results, r.text).toEqual([expect.objectContaining({ name, status: 'added' })]);
}

/** The documents of the top hits instance `on` finds by meaning alone. */
async function found(on: number, index: string, query: string): Promise<string[]> {
  const r = await cluster.admin(on, 'POST', `/api/indexes/${index}/search`, { query, mode: 'vector', top_k: 3 });
  expect(r.status, r.text).toBe(200);
  return r.json.data.map((h: { source: string }) => h.source);
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + PATIENCE_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${PATIENCE_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('two instances on one Postgres and Redis', () => {
  it('a document added on one instance is found by a search on the other, and gone from it once deleted', async () => {
    const index = `shared-${process.pid}`;
    const created = await cluster.admin(A, 'POST', '/api/indexes', { name: index });
    expect(created.status, created.text).toBe(201);
    // B loads its (empty) graph first, so what follows reaches a graph it already holds.
    expect(await found(B, index, 'lighthouse keeper')).toEqual([]);

    await add(A, index, 'lighthouse.md');
    await until('B finds the lighthouse', async () => (await found(B, index, 'how many steps does the keeper climb'))[0] === 'lighthouse.md');
    await add(A, index, 'orchard.md');
    await until('B finds the orchard', async () => (await found(B, index, 'when do apple pickers start'))[0] === 'orchard.md');

    const deleted = await cluster.admin(A, 'DELETE', `/api/indexes/${index}/documents/lighthouse.md`);
    expect(deleted.status, deleted.text).toBe(204);
    await until('B no longer finds the lighthouse', async () => !(await found(B, index, 'how many steps does the keeper climb')).includes('lighthouse.md'));
    expect(new Set(await found(B, index, 'when do apple pickers start'))).toEqual(new Set(['orchard.md']));

    // The other way round, and the index's end.
    await add(B, index, 'lighthouse.md');
    await until('A finds the lighthouse', async () => (await found(A, index, 'a beam seen by ships at sea'))[0] === 'lighthouse.md');
    expect((await cluster.admin(A, 'DELETE', `/api/indexes/${index}`)).status).toBe(204);
    await until('B knows the index is gone', async () => (await cluster.admin(B, 'POST', `/api/indexes/${index}/search`, { query: 'apples', mode: 'vector' })).status === 404);
  }, 180_000);

  it('`weir data add` run with the instances\' settings adds to the shared index: found on every instance', async () => {
    const index = `cli-${process.pid}`;
    const folder = await mkdtemp(path.join(os.tmpdir(), 'weir-cli-docs-'));
    const home = await mkdtemp(path.join(os.tmpdir(), 'weir-cli-home-'));
    try {
      await writeFile(path.join(folder, 'lighthouse.md'), DOCS['lighthouse.md']);
      const r = await run(['data', 'add', folder, '--index', index, '--data-dir', home], cluster.env);
      expect(r.code, r.out).toBe(0);
      for (const on of [A, B]) await until(`instance ${on} finds the CLI's document`, async () => (await found(on, index, 'how many steps does the keeper climb')).includes('lighthouse.md'));
    } finally {
      await rm(folder, { recursive: true, force: true });
      await rm(home, { recursive: true, force: true });
    }
  }, 120_000);
});

/** Runs the built CLI with extra environment; resolves with its exit code and output. */
function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/weir.js', ...args], { cwd: path.resolve(import.meta.dirname, '../..'), env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}
