/** What is particular to the SQLite store: its file, migrations and pragmas. The port's behaviour is in contract/. */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { describe, expect, it } from 'vitest';
import { DB_FILE, openStore } from './open.ts';
import { migrationsFolder } from './sqlite/open.ts';

import { migrationsBefore } from '../../test/helpers/old-schema.ts';
import { useTempDirs } from '../../test/helpers/temp-store.ts';
import type { Store } from './types.ts';

const migrationCount = () => JSON.parse(readFileSync(join(migrationsFolder(), 'meta', '_journal.json'), 'utf8')).entries.length as number;

const temp = useTempDirs();
const tempDir = temp.tempDir;
const open = (dataDir: string): Promise<Store> => temp.open({ dataDir });

describe('openStore (SQLite)', () => {
  it('creates the data folder and applies the migrations to a fresh database', async () => {
    const dataDir = join(tempDir(), 'nested', '.weir');
    const store = await open(dataDir);
    expect(statSync(join(dataDir, DB_FILE)).isFile()).toBe(true);
    expect(await store.flows.list()).toEqual([]);
    await store.close();
    const raw = new Database(join(dataDir, DB_FILE), { readonly: true });
    const tables = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['flows', 'flow_versions', 'deployments', 'deployment_keys', 'runs', 'node_traces', 'run_events', 'connections', 'usage_records']));
    expect(raw.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get()).toBe(migrationCount());
    raw.close();
  });

  it('is idempotent on reopen: migrations are not applied twice and data survives', async () => {
    const dataDir = tempDir();
    const a = await open(dataDir);
    await a.flows.put({ name: 'hello', source: 'weir: 1\nname: hello\n', format: 'yaml', definition: { weir: 1, name: 'hello' } });
    await a.close();
    const b = await open(dataDir);
    expect((await b.flows.get('hello'))?.definition).toEqual({ weir: 1, name: 'hello' });
    await b.close();
    const raw = new Database(join(dataDir, DB_FILE), { readonly: true });
    expect(raw.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get()).toBe(migrationCount());
    raw.close();
  });

  it('runs in WAL mode with foreign keys on', async () => {
    const dataDir = tempDir();
    await open(dataDir);
    // A second connection sees the persistent journal mode in the file itself.
    const raw = new Database(join(dataDir, DB_FILE));
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
    const store = await open(dataDir);
    // Refused by the foreign key from deployment_keys to deployments.
    await expect(store.keys.create('no-such-deployment', 'k')).rejects.toThrow(expect.objectContaining({ code: 'deployment_not_found' }));
  });

  it('upgrades a database made before node_traces had logs: old traces read back without lines, new ones keep theirs', async () => {
    const dataDir = tempDir();
    const old = new Database(join(dataDir, DB_FILE));
    migrate(drizzle(old), { migrationsFolder: migrationsBefore(migrationsFolder(), '0018_node_logs', tempDir()) });
    old.prepare(`INSERT INTO runs (id, flow, mode, status, started_at) VALUES ('old', 'f', 'async', 'succeeded', 1)`).run();
    old.prepare(`INSERT INTO node_traces (run_id, idx, node, type, status, output) VALUES ('old', 0, 'a', 'llm', 'succeeded', '"hi"')`).run();
    expect(old.prepare("SELECT name FROM pragma_table_info('node_traces') WHERE name = 'logs'").all()).toEqual([]);
    old.close();

    const store = await open(dataDir);
    expect(await store.runs.trace('old')).toEqual([expect.objectContaining({ node: 'a', output: 'hi', logs: null })]);
    const logs = [{ level: 'info', message: 'round 1', at_ms: 1, data: { round: 1 } }];
    const run = { id: 'new', flow: 'f', version: null, deployment: null, mode: 'async' as const, status: 'succeeded' as const, inputs: {}, outputs: {}, error: null, usage: null, startedAt: 2, endedAt: 3, durationMs: 1 };
    await store.runs.finish({ run, trace: [{ runId: 'new', idx: 0, node: 'a', type: 'llm', status: 'succeeded', startMs: 0, endMs: 1, attempts: 1, inputs: null, output: 'hi', error: null, skipReason: null, usage: null, logs }] });
    expect((await store.runs.trace('new'))[0].logs).toEqual(logs);
    await store.close();
    const raw = new Database(join(dataDir, DB_FILE), { readonly: true });
    expect(raw.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get()).toBe(migrationCount());
    raw.close();
  });

  it('finds its migrations folder from source', () => {
    expect(migrationsFolder()).toMatch(/engine[/\\]store[/\\]sqlite[/\\]migrations[/\\]$/);
  });

  it('close flushes runs queued for a long group-commit interval', async () => {
    const dataDir = tempDir();
    const a = await openStore({ dataDir, batchMs: 60_000 });
    a.runs.enqueue({ run: { id: 'r1', flow: 'f', version: 1, deployment: 'd', mode: 'sync', status: 'succeeded', inputs: {}, outputs: { a: 1 }, error: null, usage: null, startedAt: 1, endedAt: 2, durationMs: 1 } });
    await a.close();
    await a.close();
    const b = await open(dataDir);
    expect((await b.runs.get('r1'))?.outputs).toEqual({ a: 1 });
  });
});

describe('openStore: choosing the database', () => {
  it('opens SQLite under the data folder without a database URL, or with an empty one', async () => {
    const dataDir = tempDir();
    const store = await open(dataDir);
    expect(store.dir).toBe(dataDir);
    await store.close();
    await (await temp.open({ dataDir, databaseUrl: '' })).flows.list();
    expect(statSync(join(dataDir, DB_FILE)).isFile()).toBe(true);
  });

  it('refuses a database URL that is not postgres:// with invalid_config', async () => {
    for (const databaseUrl of ['not a url', 'mysql://u:p@localhost/weir', 'sqlite:///tmp/x.db']) {
      await expect(openStore({ dataDir: tempDir(), databaseUrl })).rejects.toThrow(expect.objectContaining({ code: 'invalid_config' }));
    }
  });
});
