/**
 * The store contract against Postgres: one throwaway server and database for the file. The first
 * open runs every migration on the empty database; each later open (a test's fresh store) first
 * empties every table, then opens it as another instance starting would (taking the migration lock
 * and finding nothing left to apply). Tests in a file run one after another, so they never share data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsBefore } from '../../test/helpers/old-schema.ts';
import { startPostgres, type RunningService } from '../../test/helpers/services/postgres.ts';
import { storeContract } from './contract/index.ts';
import { openStore } from './open.ts';
import { migrationsFolder } from './postgres/open.ts';
import type { Store } from './types.ts';

let server: RunningService | undefined;
let admin: pg.Client | undefined;

beforeAll(async () => {
  server = await startPostgres();
  admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
}, 120_000);

afterAll(async () => {
  await admin?.end();
  await server?.stop();
}, 60_000);

/**
 * Empties every table of the store and restarts its ids (nothing to do before the first open has
 * migrated the database). DELETE, not TRUNCATE: on tables this small it takes a few milliseconds
 * where TRUNCATE, which swaps every table's and index's files, took 400.
 */
async function emptyAll(): Promise<void> {
  const tables = await admin!.query<{ name: string }>("select quote_ident(tablename) as name from pg_tables where schemaname = 'public'");
  const sequences = await admin!.query<{ name: string }>("select quote_ident(sequencename) as name from pg_sequences where schemaname = 'public'");
  await admin!.query(
    [...tables.rows.map((t) => `DELETE FROM ${t.name};`), ...sequences.rows.map((s) => `ALTER SEQUENCE ${s.name} RESTART;`)].join('\n'),
  );
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'weir-store-pg-'));

storeContract({
  name: 'postgres',
  async open() {
    await emptyAll();
    return openStore({ dataDir: tempDir(), databaseUrl: server!.url });
  },
  reopen: (store) => openStore({ dataDir: store.dir, databaseUrl: server!.url }),
  async cleanup(store) {
    try {
      await store.close();
    } finally {
      rmSync(store.dir, { recursive: true, force: true });
    }
  },
});

/** What only a server database shows: instances that start, write and migrate at the same time. */
describe('postgres store, several instances at once', () => {
  let databases = 0;
  const opened: Store[] = [];
  const dirs: string[] = [];

  /** A new empty database on the test server, and a way to open instances on it. */
  async function freshDatabase(): Promise<{ url: string; open(key?: string): Promise<Store> }> {
    const name = `weir_instances_${++databases}`;
    await admin!.query(`CREATE DATABASE ${name}`);
    const url = new URL(server!.url);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      async open(masterKey = 'a'.repeat(64)) {
        const dir = tempDir();
        dirs.push(dir);
        const store = await openStore({ dataDir: dir, databaseUrl: url.toString(), masterKey });
        opened.push(store);
        return store;
      },
    };
  }

  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close()));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('instances starting together on an empty database apply each migration once', async () => {
    const db = await freshDatabase();
    const stores = await Promise.all(Array.from({ length: 4 }, () => db.open()));
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const applied = await client.query<{ n: string; distinct: string }>('select count(*) as n, count(distinct hash) as distinct from drizzle.__drizzle_migrations');
      expect(Number(applied.rows[0].n)).toBeGreaterThan(0);
      expect(applied.rows[0].n).toBe(applied.rows[0].distinct);
    } finally {
      await client.end();
    }
    await stores[0].flows.put({ name: 'f', source: 's', format: 'yaml', definition: {} });
    expect((await stores[3].flows.list()).map((f) => f.name)).toEqual(['f']);
  });

  it('documents of one name put by two instances at once replace each other instead of failing', async () => {
    const db = await freshDatabase();
    const [a, b] = await Promise.all([db.open(), db.open()]);
    await a.data.createIndex({ name: 'docs', embeddingModel: 'use-lite', dims: 512, chunkTokens: 256, overlapTokens: 32 });
    const put = (s: Store, i: number) =>
      s.data.putDocument('docs', { name: 'same.md', format: 'md', title: 't', hash: `h${i}`, bytes: 10 }, [
        { idx: 0, text: `text ${i}`, title: 't', headingPath: [], start: 0, end: 6, tokens: 2, hash: `c${i}`, vector: null },
      ]);
    await Promise.all(Array.from({ length: 8 }, (_, i) => put(i % 2 ? b : a, i)));
    expect(await a.data.listDocuments('docs')).toHaveLength(1);
    expect((await b.data.stats('docs')).chunks).toBe(1);
  });

  it('secrets put on one connection by two instances at once are all kept', async () => {
    const db = await freshDatabase();
    const [a, b] = await Promise.all([db.open(), db.open()]);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? b : a).connections.put({ name: 'c', type: 'openai', settings: {}, secrets: { [`s${i}`]: `v${i}` } })),
    );
    expect(Object.keys((await a.connections.resolve('c'))!.secrets).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `s${i}`).sort());
  });

  it('an instance with another master key cannot read the secrets the others sealed', async () => {
    const db = await freshDatabase();
    const a = await db.open('a'.repeat(64));
    await a.connections.put({ name: 'c', type: 'openai', settings: {}, secrets: { api_key: 'sk' } });
    const b = await db.open('b'.repeat(64));
    expect((await b.connections.get('c'))?.secretNames).toEqual(['api_key']);
    await expect(b.connections.resolve('c')).rejects.toMatchObject({ code: 'master_key_mismatch' });
  });

  it('run values keep their key order and characters jsonb would refuse', async () => {
    const db = await freshDatabase();
    const s = await db.open();
    const outputs = { zeta: 1, a: '\u0000 nul', lone: '\ud800', mid: { y: 1, x: 2 } };
    await s.runs.finish({
      run: { id: 'r', flow: 'f', version: 1, deployment: null, mode: 'draft', status: 'succeeded', inputs: null, outputs, error: null, usage: null, startedAt: 1, endedAt: 2, durationMs: 1 },
    });
    s.runs.enqueue({ run: { id: 'q', flow: 'f', version: 1, deployment: null, mode: 'sync', status: 'succeeded', inputs: outputs, outputs, error: null, usage: null, startedAt: 1, endedAt: 2, durationMs: 1 } });
    await s.runs.flush();
    await s.runs.appendEvents([{ runId: 'q', seq: 1, type: 'x', data: outputs }]);
    expect(JSON.stringify((await s.runs.get('r'))?.outputs)).toBe(JSON.stringify(outputs));
    expect(JSON.stringify((await s.runs.get('q'))?.inputs)).toBe(JSON.stringify(outputs));
    expect(JSON.stringify((await s.runs.events('q', 0))[0].data)).toBe(JSON.stringify(outputs));
  });

  it('upgrades a database made before node_traces had logs: old traces read back without lines, new ones keep theirs', async () => {
    const db = await freshDatabase();
    const dir = tempDir();
    dirs.push(dir);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await migrate(drizzle(client), { migrationsFolder: migrationsBefore(migrationsFolder(), '0014_node_logs', dir) });
      await client.query(`INSERT INTO runs (id, flow, mode, status, started_at) VALUES ('old', 'f', 'async', 'succeeded', 1)`);
      await client.query(`INSERT INTO node_traces (run_id, idx, node, type, status, output) VALUES ('old', 0, 'a', 'llm', 'succeeded', '"hi"')`);
      expect((await client.query("SELECT 1 FROM information_schema.columns WHERE table_name = 'node_traces' AND column_name = 'logs'")).rows).toEqual([]);
    } finally {
      await client.end();
    }

    const s = await db.open();
    expect(await s.runs.trace('old')).toEqual([expect.objectContaining({ node: 'a', output: 'hi', logs: null })]);
    const logs = [{ level: 'info', message: 'round 1', at_ms: 1, data: { round: 1 } }];
    const run = { id: 'new', flow: 'f', version: null, deployment: null, mode: 'async' as const, status: 'succeeded' as const, inputs: {}, outputs: {}, error: null, usage: null, startedAt: 2, endedAt: 3, durationMs: 1 };
    await s.runs.finish({ run, trace: [{ runId: 'new', idx: 0, node: 'a', type: 'llm', status: 'succeeded', startMs: 0, endMs: 1, attempts: 1, inputs: null, output: 'hi', error: null, skipReason: null, usage: null, logs }] });
    expect((await s.runs.trace('new'))[0].logs).toEqual(logs);
  });

  it('an unreachable server fails the open with database_unavailable, without the password', async () => {
    const url = new URL(server!.url);
    url.port = String(Number(url.port) === 1 ? 2 : 1);
    url.password = 'hunter2';
    const dir = tempDir();
    dirs.push(dir);
    const err = await openStore({ dataDir: dir, databaseUrl: url.toString(), masterKey: 'a'.repeat(64) }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'database_unavailable', status: 503 });
    expect(String((err as Error).message)).not.toContain('hunter2');
  });
});
